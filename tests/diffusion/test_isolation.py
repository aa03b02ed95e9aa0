import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

BLOCK_DJANGO = """
import importlib, sys

class Block:
    def find_spec(self, name, path=None, target=None):
        if name == "django" or name.startswith("django.") or name.startswith("rest_framework"):
            raise ImportError("django is blocked in this test")

sys.meta_path.insert(0, Block())
sys.modules.pop("django", None)
import generation.diffusion
for m in ("world", "text", "model", "sampler", "checker", "train", "evaluate"):
    importlib.import_module("generation.diffusion." + m)
from generation.diffusion import load_pipeline, SampleResult, GenerationCancelled
assert not any(k == "django" or k.startswith("django.") for k in sys.modules)
print("ok")
"""


def test_the_diffusion_package_imports_with_django_absent():
    done = subprocess.run([sys.executable, "-c", BLOCK_DJANGO], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "ok"

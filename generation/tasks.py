from celery import shared_task

from .services import generation_run, pictures_sweep
from .services.outbox import generation_sweep


@shared_task(name="generation.tasks.generation_run_task", ignore_result=True)
def generation_run_task(job_id: str) -> None:
    """Thin: the job id in, the service does the rest; safe to run twice (acks_late)."""
    generation_run(job_id=job_id)


@shared_task(name="generation.sweep")
def generation_sweep_task() -> dict:
    """Beat, every SORA_GENERATION_SWEEP_EVERY seconds, on the default queue: re-send stuck jobs (outbox.py)."""
    return generation_sweep()


@shared_task(name="generation.pictures_sweep")
def pictures_sweep_task() -> int:
    """Beat, hourly: uploaded pictures past SORA_PICTURE_KEEP_DAYS that no job waits on are deleted."""
    return pictures_sweep()


@shared_task(name="generation.verify_clip")
def verify_clip_task(name: str, reviewer: bool) -> dict:
    """POST /verify's reading of a stored clip, off the web process (services/verify.py); JSON out."""
    from .services.verify import read_clip

    return read_clip(name, reviewer=reviewer)

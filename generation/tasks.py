from celery import shared_task

from .services import generation_run


@shared_task(name="generation.tasks.generation_run_task")
def generation_run_task(job_id: str) -> None:
    """Thin: the job id in, the service does the rest; safe to run twice (acks_late)."""
    generation_run(job_id=job_id)

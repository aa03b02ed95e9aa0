from celery import shared_task

from .services import enrollment_verify


@shared_task(name="cameos.tasks.enrollment_verify_task")
def enrollment_verify_task(enrollment_id: str) -> None:
    enrollment_verify(enrollment_id=enrollment_id)

from .requests import (
    generation_cancel,
    generation_extend,
    generation_image_create,
    generation_request,
    pictures_forget,
    pictures_sweep,
)
from .run import generation_run
from .verify import verify_clip, video_mark_reading

__all__ = [
    "generation_cancel",
    "generation_extend",
    "generation_image_create",
    "generation_request",
    "generation_run",
    "pictures_forget",
    "pictures_sweep",
    "verify_clip",
    "video_mark_reading",
]

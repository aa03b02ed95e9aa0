from .requests import generation_cancel, generation_request
from .run import generation_run
from .verify import verify_clip, video_mark_reading
from .videos import video_delete, video_publish, video_remove, video_update

__all__ = [
    "generation_cancel",
    "generation_request",
    "generation_run",
    "verify_clip",
    "video_delete",
    "video_mark_reading",
    "video_publish",
    "video_remove",
    "video_update",
]

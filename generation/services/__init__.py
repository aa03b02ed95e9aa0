from .requests import generation_cancel, generation_request
from .run import generation_run
from .videos import video_delete, video_publish, video_remove, video_update

__all__ = [
    "generation_cancel",
    "generation_request",
    "generation_run",
    "video_delete",
    "video_publish",
    "video_remove",
    "video_update",
]

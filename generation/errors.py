from sora_social.errors import Conflict, LimitReached, PolicyRefused


class ParentRemoved(Conflict):
    code = "parent_removed"
    default_detail = "The video you are remixing was removed."


class IdempotencyConflict(Conflict):
    code = "idempotency_conflict"
    default_detail = "This Idempotency-Key was used with a different request body."


class DailyLimit(LimitReached):
    code = "daily_limit"
    default_detail = "You reached your daily number of generations."


class TooManyActive(LimitReached):
    code = "too_many_active"
    default_detail = "Wait for your running generations to finish."


class NotCancellable(Conflict):
    code = "not_cancellable"
    default_detail = "This generation already finished."


class TooManyCameos(PolicyRefused):
    code = "too_many_cameos"
    default_detail = "The model draws fewer cameos per video than the request names: see max_cameos."


class RemixOutsideModel(PolicyRefused):
    code = "remix_outside_model"
    default_detail = (
        "The model this service runs now draws from a prompt only: it cannot remix or extend a video "
        "or start from a picture. See GET /api/v1/generations/capabilities (remix)."
    )


class PromptOutsideModel(PolicyRefused):
    code = "prompt_outside_model"
    default_detail = (
        "Nothing in this prompt is something the model can draw. "
        "Try the suggestion, or see GET /api/v1/generations/capabilities. "
        "Prompts are read in English only for now."
    )


class PictureRemoved(PolicyRefused):
    code = "picture_removed"
    default_detail = "This picture is from a video that was taken down; it cannot start a new one."

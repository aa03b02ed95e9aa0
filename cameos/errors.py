from sora_social.errors import ApplicationError, Conflict, Forbidden, PolicyRefused


class CameoNotPermitted(Forbidden):
    code = "cameo_not_permitted"
    default_detail = "You may not use this cameo."


class CameoRestriction(PolicyRefused):
    code = "cameo_restriction"
    default_detail = "The cameo's owner does not allow this."


class ChallengeExpired(Conflict):
    code = "challenge_expired"
    default_detail = "This challenge expired: start a new enrollment."


class AlreadySubmitted(Conflict):
    code = "already_submitted"
    default_detail = "A capture was already submitted for this enrollment."


class UploadTooLarge(ApplicationError):
    status_code = 413
    code = "too_large"


class UnsupportedUpload(ApplicationError):
    status_code = 415
    code = "unsupported_media_type"


class TeenCeiling(Forbidden):
    code = "teen_restricted"


class NotPending(Conflict):
    code = "not_pending"
    default_detail = "This video is not waiting for your decision."


class AwaitingApproval(Conflict):
    code = "awaiting_approval"
    default_detail = "A cameo's owner has not approved this video yet."


class ApprovalDeclined(Conflict):
    code = "approval_declined"
    default_detail = "A cameo's owner declined this video: it cannot be published or remixed."


class RestrictedByReview(Forbidden):
    code = "cameo_restricted"
    default_detail = "After a review this cameo can only be used by you; it cannot be shared again."


class RealFaceInPicture(PolicyRefused):
    code = "real_face"
    default_detail = (
        "This picture shows a real person who has no cameo here. "
        "Only people who made a cameo can be put in a video, and only as they allow."
    )

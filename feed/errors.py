from sora_social.errors import Conflict, NotFound


class CheckinNotFound(NotFound):
    code = "checkin_not_found"
    default_detail = "No such check-in."


class CheckinAnswered(Conflict):
    code = "checkin_answered"
    default_detail = "This check-in was already answered."

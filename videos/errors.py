from sora_social.errors import Forbidden


class NotOwner(Forbidden):
    code = "not_owner"
    default_detail = "Only the owner can change this video."

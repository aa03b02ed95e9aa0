"""Direct messages: who may write to whom, sending, and reading a conversation."""

from django.db.models import Q, QuerySet

from accounts.models import DM_POLICY_ORDER, DMPolicy, Follow, Message, User
from moderation.services import conversation_check
from parental.selectors import is_linked_parent, teen_allowances
from sora_social.errors import Forbidden
from sora_social.events import publish
from sora_social.limits import user_write_allow
from videos.selectors import video_visible_get, videos_visible_to


class DMNotAllowed(Forbidden):
    code = "dm_not_allowed"
    default_detail = "This person does not accept messages from you."


class TeenDMNotAllowed(Forbidden):
    code = "teen_dm_not_allowed"
    default_detail = "Adults and teens cannot message each other here, except a teen's linked parent."


def _across_ages(a: User, b: User) -> bool:
    """An adult and a 13-17 account, neither the other's linked parent: no thread either way."""
    if a.is_teen == b.is_teen:
        return False
    adult, teen = (b, a) if a.is_teen else (a, b)
    return not is_linked_parent(parent=adult, teen=teen)


def effective_dm_policy(user: User) -> str:
    """The user's own setting, held under a teen's ceiling (parents or teen defaults)."""
    allowances = teen_allowances(user=user)
    if allowances is None:
        return user.dm_policy
    ceiling = allowances.dm_policy_max
    return max(user.dm_policy, ceiling, key=DM_POLICY_ORDER.index)  # the more closed of the two


def _admits(owner: User, other: User) -> bool:
    policy = effective_dm_policy(owner)
    if policy == DMPolicy.EVERYONE:
        return True
    if policy == DMPolicy.NOBODY:
        return False
    follows_owner = Follow.objects.filter(follower=other, followee=owner).exists()
    if policy == DMPolicy.FOLLOWERS:
        return follows_owner
    return follows_owner and Follow.objects.filter(follower=owner, followee=other).exists()


def dm_allowed(*, sender: User, recipient: User) -> bool:
    """Both sides' policies must admit the other, so that a reply is always possible;
    never between an adult and a teen unless the adult is the teen's linked parent."""
    if _across_ages(sender, recipient):
        return False
    return _admits(recipient, sender) and _admits(sender, recipient)


def message_send(*, sender: User, recipient: User, text: str = "", video_id=None) -> Message:
    if _across_ages(sender, recipient):
        raise TeenDMNotAllowed()  # also closes threads from before the rule
    if not dm_allowed(sender=sender, recipient=recipient):
        raise DMNotAllowed()
    user_write_allow(user=sender, kind="message")
    if text:
        conversation_check(text=text, teen_thread=sender.is_teen or recipient.is_teen)
    video = None
    if video_id:
        video = video_visible_get(viewer=sender, video_id=video_id)
        if not videos_visible_to(recipient).filter(pk=video.pk).exists():
            raise Forbidden("They can't see this video, so it can't be shared with them.", code="video_not_shareable")
    message = Message.objects.create(sender=sender, recipient=recipient, text=text, video=video)
    payload = {
        "id": str(message.pk),
        "from": sender.username,
        "text": text,
        "video": str(video.pk) if video else None,
        "created_at": message.created_at.isoformat(),
    }
    publish(recipient, "message", payload)
    return message


def conversation(*, user: User, other: User) -> QuerySet:
    """The thread between two people, without the messages reviewers removed."""
    return Message.objects.filter(
        Q(sender=user, recipient=other) | Q(sender=other, recipient=user), removed_at__isnull=True
    ).select_related("sender")

"""Reading notifications back: never one whose actor or video the recipient may not see now."""

from django.db.models import Q, QuerySet
from django.utils import timezone

from accounts.models import Notification, User
from accounts.selectors import blocked_ids_for
from videos.selectors import videos_visible_to


def notifications_for(*, user: User) -> QuerySet:
    return (
        Notification.objects.filter(recipient=user)
        .exclude(actor_id__in=blocked_ids_for(user))
        .filter(Q(video__isnull=True) | Q(video__in=videos_visible_to(user).values("pk")))
        .select_related("actor")
    )


def unread_count(*, user: User) -> int:
    return notifications_for(user=user).filter(read_at__isnull=True).count()


def notifications_mark_read(*, user: User, ids: list[str] | None = None) -> int:
    qs = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if ids is not None:
        qs = qs.filter(pk__in=ids)
    return qs.update(read_at=timezone.now())

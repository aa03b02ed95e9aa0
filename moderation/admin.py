"""The reviewers' workplace: a queue of cases and appeals, each with its evidence and decision buttons."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.db.models import Count
from django.http import HttpResponseRedirect

from sora_social.errors import ApplicationError
from sora_social.media import signed_url

from . import review
from .models import Action, Appeal, AppealStatus, CaseStatus, Decision, Report, ReviewCase, Strike

CASE_BUTTONS = {
    "_dismiss": Action.DISMISS,
    "_remove": Action.REMOVE,
    "_remove_strike": Action.REMOVE_STRIKE,
    "_suspend": Action.SUSPEND,
}


class ReportInline(admin.TabularInline):
    model = Report
    extra = 0
    can_delete = False
    fields = ["reporter", "reason", "details", "priority", "created_at"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(ReviewCase)
class ReviewCaseAdmin(admin.ModelAdmin):
    list_display = ["__str__", "category", "priority", "status", "report_count", "subject", "created_at"]
    list_filter = ["status", "category", "priority", ("created_at", admin.DateFieldListFilter)]
    date_hierarchy = "created_at"
    search_fields = ["target_id", "subject__username"]
    readonly_fields = ["target_type", "target_id", "video", "subject", "category", "priority", "status",
                       "created_at", "decided_at"]
    fields = readonly_fields + ["note"]
    inlines = [ReportInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(n_reports=Count("reports")).select_related("subject")

    def changelist_view(self, request, extra_context=None):
        # The queue opens on open cases; "All" in the status filter still shows everything.
        if not request.GET and request.method == "GET" and self.has_view_or_change_permission(request):
            return HttpResponseRedirect(f"{request.path}?status__exact={CaseStatus.OPEN}")
        return super().changelist_view(request, extra_context)

    @admin.display(ordering="n_reports", description="reports")
    def report_count(self, obj):
        return obj.n_reports

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def change_view(self, request, object_id, form_url="", extra_context=None):
        case = self.get_object(request, object_id)
        action = next((a for name, a in CASE_BUTTONS.items() if name in request.POST), None)
        if request.method == "POST" and case is not None and action is not None:
            # A decision is its own step, not an edit of the case form.
            if not self.has_change_permission(request, case):
                raise PermissionDenied
            return self._decide(request, case, action)
        extra = extra_context or {}
        if case is not None:
            extra.update(self._evidence(request, case))
        return super().change_view(request, object_id, form_url, extra_context=extra)

    def _evidence(self, request, case):
        from generation.models import Video

        video = case.video
        lineage = []
        if video is not None:
            parent = video.remix_of
            while parent is not None and len(lineage) < 20:
                lineage.append(parent)
                parent = parent.remix_of
        cameos = list(video.appearances.select_related("cameo", "cameo__owner")) if video else []
        history = Decision.objects.filter(subject=case.subject).exclude(case=case).order_by("-created_at")[:20] \
            if case.subject else []
        comment = None
        if case.target_type == "comment":
            comment = review.case_target(case)
        return {
            "case_comment": comment,
            "case_video": video,
            "case_video_url": signed_url(video.file, guard=("review", video.pk), viewer=request.user)
            if video and video.file else None,
            "case_cameos": cameos,
            "case_lineage": lineage,
            "case_history": history,
            "case_strikes": Strike.objects.filter(user=case.subject, revoked_at__isnull=True).count()
            if case.subject else 0,
            "case_videos_removed": Video.objects.filter(owner=case.subject, state="removed").count()
            if case.subject else 0,
            "decision_buttons": [(name, review.case_actions(case)[action]) for name, action in CASE_BUTTONS.items()
                                 if action in review.case_actions(case)],
            "case_open": case.status == "open",
        }

    def _decide(self, request, case, action):
        try:
            review.case_decide(case=case, reviewer=request.user, action=action, reason=request.POST.get("note", ""))
        except ApplicationError as exc:
            self.message_user(request, exc.detail, messages.ERROR)
            return HttpResponseRedirect(request.path)
        self.message_user(request, f"Decided: {review.case_actions(case)[action]}.", messages.SUCCESS)
        upcoming = (ReviewCase.objects.filter(status=CaseStatus.OPEN).exclude(pk=case.pk)
                    .order_by("priority", "created_at").first())
        if upcoming is not None:  # decide and go on to the next case in the queue
            return HttpResponseRedirect(reverse("admin:moderation_reviewcase_change", args=[upcoming.pk]))
        return HttpResponseRedirect(reverse("admin:moderation_reviewcase_changelist"))


@admin.register(Appeal)
class AppealAdmin(admin.ModelAdmin):
    list_display = ["video", "user", "status", "created_at"]
    list_filter = ["status", ("created_at", admin.DateFieldListFilter)]
    readonly_fields = ["user", "video", "original", "text", "status", "created_at", "decided_at"]
    fields = readonly_fields + ["note"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def change_view(self, request, object_id, form_url="", extra_context=None):
        appeal = self.get_object(request, object_id)
        if request.method == "POST" and appeal is not None and ("_uphold" in request.POST or "_deny" in request.POST):
            if not self.has_change_permission(request, appeal):
                raise PermissionDenied
            return self._decide(request, appeal)
        extra = extra_context or {}
        if appeal is not None:
            extra["appeal_open"] = appeal.status == AppealStatus.PENDING
            extra["appeal_video_url"] = (signed_url(appeal.video.file, guard=("review", appeal.video_id),
                                                    viewer=request.user) if appeal.video.file else None)
        return super().change_view(request, object_id, form_url, extra_context=extra)

    def _decide(self, request, obj):
        try:
            review.appeal_decide(appeal=obj, reviewer=request.user, uphold="_uphold" in request.POST,
                                 reason=request.POST.get("note", "") or "Appeal reviewed.")
        except ApplicationError as exc:
            self.message_user(request, exc.detail, messages.ERROR)
            return HttpResponseRedirect(request.path)
        self.message_user(request, "Appeal decided.", messages.SUCCESS)
        return HttpResponseRedirect(reverse("admin:moderation_appeal_changelist"))


@admin.register(Decision)
class DecisionAdmin(admin.ModelAdmin):
    list_display = ["action", "subject", "reviewer", "video", "created_at"]
    list_filter = ["action", ("created_at", admin.DateFieldListFilter)]
    readonly_fields = ["case", "appeal", "reviewer", "action", "reason", "subject", "video", "created_at"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Strike)
class StrikeAdmin(admin.ModelAdmin):
    list_display = ["user", "decision", "created_at", "revoked_at"]
    readonly_fields = ["user", "decision", "created_at", "revoked_at"]

    def has_add_permission(self, request):
        return False

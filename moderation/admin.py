"""The reviewers' workplace: a queue of cases and appeals, each with its evidence and decision buttons."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.html import format_html

from sora_social.admin import ReadOnlyAdmin
from sora_social.errors import ApplicationError
from sora_social.media import signed_url

from . import review
from .evidence import case_evidence
from .models import (
    Action,
    Appeal,
    AppealStatus,
    CaseStatus,
    Decision,
    ProtectedCharacter,
    ProtectedUse,
    Report,
    ReviewCase,
    Strike,
)

CASE_BUTTONS = {
    "_dismiss": Action.DISMISS,
    "_restrict": Action.RESTRICT,
    "_remove": Action.REMOVE,
    "_remove_strike": Action.REMOVE_STRIKE,
    "_suspend": Action.SUSPEND,
    "_escalate": Action.ESCALATE,
}


class ReadOnlyInline(admin.TabularInline):
    """Rows shown on a page as a record: nothing to add, change or delete."""

    extra = 0
    can_delete = False
    max_num = 0

    def has_add_permission(self, request, obj=None):
        return False


class ReportInline(ReadOnlyInline):
    model = Report
    fields = ["reporter", "reason", "details", "priority", "created_at"]
    readonly_fields = fields


# Decisions that cannot be taken back by the person deciding them ask first.
CONFIRM = {
    Action.REMOVE: "This takes it down for everyone and tells its author. Continue?",
    Action.REMOVE_STRIKE: "This takes it down, adds a strike (three suspend the account) and tells its author. Continue?",
    Action.SUSPEND: "This suspends the account at once: they can no longer sign in. Continue?",
    Action.RESTRICT: "Nobody but its owner will be able to use this cameo, and the owner cannot share it again. Continue?",
}


@admin.register(ReviewCase)
class ReviewCaseAdmin(admin.ModelAdmin):
    list_display = ["case_title", "category", "priority", "status", "report_count", "subject_name", "created_at"]
    list_filter = [
        "status",
        ("escalated_at", admin.EmptyFieldListFilter),
        "category",
        "priority",
        "target_type",
        ("created_at", admin.DateFieldListFilter),
    ]
    date_hierarchy = "created_at"
    search_fields = ["target_id", "subject__username"]
    # The subject is shown as text: a link would open the full account record
    # (password hash summary, reset) that reviewers have no business in.
    readonly_fields = [
        "target_type",
        "target_id",
        "subject_name",
        "category",
        "priority",
        "status",
        "created_at",
        "decided_at",
    ]
    fields = readonly_fields
    inlines = [ReportInline]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(n_reports=Count("reports"))
            .select_related("subject", "video", "video__owner")
        )

    def changelist_view(self, request, extra_context=None):
        # The queue opens on open cases; "All" in the status filter still shows everything.
        if not request.GET and request.method == "GET" and self.has_view_or_change_permission(request):
            return HttpResponseRedirect(f"{request.path}?status__exact={CaseStatus.OPEN}")
        return super().changelist_view(request, extra_context)

    @admin.display(description="case")
    def case_title(self, obj):
        who = obj.subject.username if obj.subject_id else "?"
        if obj.target_type == "video" and obj.video is not None:
            return f"Video by {who}: {obj.video.prompt[:60]}"
        if obj.target_type == "comment":
            return f"Comment by {who} (on a video by {obj.video.owner.username if obj.video else '?'})"
        if obj.target_type == "cameo":
            return f"Cameo of {who}"
        if obj.target_type == "message":
            return f"Direct message by {who}"
        return f"Account {who}"

    def get_list_display(self, request):
        # A thumbnail link is signed for the reviewer looking at the list (display methods get no request).
        @admin.display(description="")
        def thumbnail(obj):
            if obj.video is None or not obj.video.thumbnail:
                return ""
            url = signed_url(obj.video.thumbnail, guard=("review", obj.video_id), viewer=request.user)
            return format_html(
                '<img class="case-thumb" src="{}" alt="" width="64" height="64" style="object-fit:cover">', url
            )

        return ["case_title", thumbnail, *self.list_display[1:]]

    @admin.display(description="subject")
    def subject_name(self, obj):
        if obj.subject is None:
            return "—"
        flags = [
            label for flag, label in ((obj.subject.is_teen, "teen"), (not obj.subject.is_active, "suspended")) if flag
        ]
        return obj.subject.username + (f" ({', '.join(flags)})" if flags else "")

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
            extra.update(case_evidence(case, reviewer=request.user))
            actions = review.case_actions(case)
            if case.escalated_at is not None:
                actions = {a: label for a, label in actions.items() if a != Action.ESCALATE}
            extra["decision_buttons"] = [
                (name, actions[action], CONFIRM.get(action, ""))
                for name, action in CASE_BUTTONS.items()
                if action in actions
            ]
            # An escalated case shows its evidence to every reviewer, its buttons to seniors only.
            extra["case_open"] = case.status == CaseStatus.OPEN and review.may_decide(request.user, case)
            extra["case_escalated"] = case.escalated_at is not None
            extra["case_decided"] = case.status != CaseStatus.OPEN
        return super().change_view(request, object_id, form_url, extra_context=extra)

    def _decide(self, request, case, action):
        try:
            review.case_decide(case=case, reviewer=request.user, action=action, reason=request.POST.get("note", ""))
        except ApplicationError as exc:
            self.message_user(request, exc.detail, messages.ERROR)
            return HttpResponseRedirect(request.path)
        self.message_user(request, f"Decided: {review.case_actions(case)[action]}.", messages.SUCCESS)
        upcoming = ReviewCase.objects.filter(status=CaseStatus.OPEN).exclude(pk=case.pk)
        if not request.user.has_perm("moderation.decide_escalated"):
            upcoming = upcoming.filter(escalated_at__isnull=True)  # the next case this reviewer can decide
        upcoming = upcoming.order_by("priority", "created_at").first()
        if upcoming is not None:  # decide and go on to the next case in the queue
            return HttpResponseRedirect(reverse("admin:moderation_reviewcase_change", args=[upcoming.pk]))
        return HttpResponseRedirect(reverse("admin:moderation_reviewcase_changelist"))


@admin.register(Appeal)
class AppealAdmin(admin.ModelAdmin):
    list_display = ["appeal_title", "status", "created_at"]
    list_filter = ["status", ("created_at", admin.DateFieldListFilter)]
    readonly_fields = ["appellant", "video_prompt", "original", "text", "status", "created_at", "decided_at"]
    fields = readonly_fields + ["note"]

    @admin.display(description="appeal")
    def appeal_title(self, obj):
        return f"{obj.user.username} appeals “{obj.original.get_action_display()}” of “{obj.video.prompt[:50]}”"

    @admin.display(description="appellant")
    def appellant(self, obj):
        return obj.user.username  # text, not a link into the account record

    @admin.display(description="video")
    def video_prompt(self, obj):
        return f"“{obj.video.prompt}” ({obj.video.state})"

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.status != AppealStatus.PENDING:
            return self.readonly_fields + ["note"]  # decided: the note is the record, not a form
        return self.readonly_fields

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
            extra["appeal_video_url"] = (
                signed_url(appeal.video.file, guard=("review", appeal.video_id), viewer=request.user)
                if appeal.video.file
                else None
            )
        return super().change_view(request, object_id, form_url, extra_context=extra)

    def _decide(self, request, obj):
        try:
            review.appeal_decide(
                appeal=obj,
                reviewer=request.user,
                uphold="_uphold" in request.POST,
                reason=request.POST.get("note", "") or "Appeal reviewed.",
            )
        except ApplicationError as exc:
            self.message_user(request, exc.detail, messages.ERROR)
            return HttpResponseRedirect(request.path)
        self.message_user(request, "Appeal decided.", messages.SUCCESS)
        return HttpResponseRedirect(reverse("admin:moderation_appeal_changelist"))


@admin.register(Decision)
class DecisionAdmin(ReadOnlyAdmin):
    list_display = ["action", "subject", "reviewer", "video", "created_at"]
    list_filter = ["action", ("created_at", admin.DateFieldListFilter)]
    readonly_fields = [
        "case",
        "appeal",
        "reviewer",
        "action",
        "reason",
        "subject",
        "target_type",
        "target_id",
        "evidence",
        "video",
        "created_at",
    ]


@admin.register(Strike)
class StrikeAdmin(admin.ModelAdmin):
    list_display = ["user", "decision", "created_at", "revoked_at"]
    readonly_fields = ["user", "decision", "created_at", "revoked_at"]

    def has_add_permission(self, request):
        return False


class ProtectedUseInline(ReadOnlyInline):
    model = ProtectedUse
    fields = ["created_at", "user", "allowed", "rule", "prompt"]
    readonly_fields = fields
    ordering = ["-created_at"]


@admin.register(ProtectedCharacter)
class ProtectedCharacterAdmin(admin.ModelAdmin):
    """The registry of characters and brands people own: who owns each, how it may be named, what it allows."""

    list_display = ["name", "kind", "owner", "policy", "rightsholder", "use_count"]
    list_filter = ["kind", "policy"]
    search_fields = ["name", "owner", "aliases"]
    autocomplete_fields = ["rightsholder", "verified_accounts"]
    fields = ["name", "kind", "owner", "aliases", "policy", "rightsholder", "verified_accounts"]
    inlines = [ProtectedUseInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(use_count=Count("uses"))

    @admin.display(description="Uses", ordering="use_count")
    def use_count(self, obj) -> int:
        return obj.use_count

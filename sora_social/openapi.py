"""Shared OpenAPI pieces so every endpoint documents its request and error bodies."""

import copy

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, inline_serializer
from rest_framework import serializers


class ContractSchema(AutoSchema):
    """Response fields are required: the server always sends them (null where nullable).

    A serializer whose output may leave a field out names it in
    `optional_in_response`; request bodies keep DRF's own `required`.
    """

    def _map_basic_serializer(self, serializer, direction):
        schema = super()._map_basic_serializer(serializer, direction)
        if direction == "response":
            optional = set(getattr(serializer, "optional_in_response", ()))
            required = [name for name in schema.get("properties", {}) if name not in optional]
            if required:
                schema["required"] = required
            else:
                schema.pop("required", None)
        return schema


class ErrorSerializer(serializers.Serializer):
    """The one error body. `error` and `detail` always; the rest only with the codes that carry them."""

    optional_in_response = (
        "fields",
        "retry_after",
        "categories",
        "cameo",
        "rule",
        "kind",
        "checks",
        "max_cameos",
        "understood",
        "ignored",
        "suggestion",
        "vocabulary",
        "languages",
        "reason",
        "cameos",
        "character",
        "owner",
        "script",
    )

    error = serializers.CharField(help_text="Stable machine-readable code, e.g. `not_found`.")
    detail = serializers.CharField(help_text="Human-readable explanation.")
    fields = serializers.DictField(
        required=False,
        child=serializers.JSONField(),
        help_text="Per-field messages (validation errors only).",
    )
    retry_after = serializers.IntegerField(
        required=False, help_text="Seconds to wait (429 and 503), as in the Retry-After header."
    )
    categories = serializers.ListField(
        child=serializers.CharField(),
        required=False,
        help_text="prompt_blocked: the policy categories the text fell in (for a comment or message: the rule it broke).",
    )
    cameo = serializers.CharField(required=False, help_text="cameo_not_permitted, cameo_restriction: the cameo's id.")
    rule = serializers.CharField(required=False, help_text="cameo_restriction: the owner's rule it broke.")
    kind = serializers.CharField(
        required=False, help_text="rate_limited: which write (comment, report, follow, message, parental_link)."
    )
    max_cameos = serializers.IntegerField(required=False, help_text="too_many_cameos: how many the model draws.")
    checks = serializers.DictField(
        child=serializers.CharField(), required=False, help_text="not_ready: each dependency and its state."
    )
    character = serializers.CharField(required=False, help_text="protected_character: the character or brand named.")
    script = serializers.CharField(
        required=False,
        help_text="prompt_unchecked: the writing system the policy cannot read yet (cjk, cyrillic, ...).",
    )
    owner = serializers.CharField(required=False, help_text="protected_character: who owns it.")
    reason = serializers.CharField(
        required=False, help_text="cameo_not_permitted: grant_expired or grant_scope when your own grant falls short."
    )
    cameos = serializers.ListField(
        child=serializers.CharField(),
        required=False,
        help_text="awaiting_approval, approval_declined: the cameos whose owners hold the video back.",
    )
    understood = serializers.ListField(
        child=serializers.CharField(), required=False, help_text="prompt_outside_model: the prompt's words it drew on."
    )
    ignored = serializers.ListField(
        child=serializers.CharField(), required=False, help_text="prompt_outside_model: the words it cannot draw."
    )
    suggestion = serializers.CharField(
        required=False, help_text="prompt_outside_model: the closest prompt the model can render."
    )
    vocabulary = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        required=False,
        help_text="prompt_outside_model: what the model draws, as in GET /generations/capabilities.",
    )
    languages = serializers.ListField(
        child=serializers.CharField(), required=False, help_text="prompt_outside_model: languages prompts are read in."
    )


_TEXT = {
    400: "Malformed or invalid input.",
    401: "Missing, invalid or expired access token.",
    403: "Not allowed.",
    404: "Not found, or not visible to the caller.",
    409: "State conflict.",
    413: "Upload too large.",
    415: "Unsupported media type.",
    422: "Refused by policy.",
    429: "Limit reached; see the Retry-After header.",
    503: "A dependency is down.",
}


def errors(*codes: int, **overrides: str) -> dict:
    """`@extend_schema(responses={200: X, **errors(400, 404)})`; 401 is added for you.

    An override names a status as `e403="too_young: under 13"`.
    """
    wanted = set(codes) | {401}
    out = {}
    for code in sorted(wanted):
        text = overrides.get(f"e{code}", _TEXT.get(code, "Error."))
        out[code] = OpenApiResponse(ErrorSerializer, description=text)
    return out


def public_errors(*codes: int, **overrides: str) -> dict:
    """Like `errors` for endpoints that anonymous callers may use (no 401)."""
    out = errors(*codes, **overrides)
    if 401 not in codes:
        out.pop(401)
    return out


__all__ = ["ErrorSerializer", "errors", "page_of", "public_errors", "OpenApiExample", "inline_serializer"]


_pages: dict[str, type] = {}


def page_of(serializer_class: type[serializers.Serializer]) -> type[serializers.Serializer]:
    """The documented body of a cursor page of `serializer_class`: `{results, next}`."""
    name = f"{serializer_class.__name__.removesuffix('Out')}Page"
    if name not in _pages:
        _pages[name] = type(
            name,
            (serializers.Serializer,),
            {
                "results": serializer_class(many=True),
                "next": serializers.CharField(
                    allow_null=True, help_text="Cursor of the next page (pass as ?cursor=), or null."
                ),
            },
        )
    return _pages[name]


# --- The schema as a contract a generated client can live on ------------------------

# One line per operation, in the words a client developer searches for.
SUMMARIES = {
    "auth_register": "Create an account (teens 13-17 get a teen account)",
    "auth_token": "Sign in: exchange username and password for access and refresh tokens",
    "auth_token_refresh": "Get a new access token from a refresh token",
    "me_get": "Read your own account",
    "me_patch": "Change your display name, bio or who may message you",
    "me_blocks": "List the people you blocked",
    "me_invites": "List your invite codes and who used them",
    "users_get": "Read a person's profile",
    "users_follow": "Follow a person",
    "users_unfollow": "Stop following a person",
    "users_block": "Block a person (both of you stop seeing each other)",
    "users_unblock": "Unblock a person",
    "users_videos": "List a person's videos that you may see",
    "messages_list": "Read your conversation with a person",
    "messages_send": "Send a direct message (text or a video)",
    "notifications_list": "List your notifications, newest first, with the unread count",
    "notifications_mark_read": "Mark notifications read",
    "cameos_enrollment_start": "Start enrolling your likeness: get the challenge to perform on camera",
    "cameos_enrollment_get": "Read an enrolment's status (pending, verifying, verified, rejected)",
    "cameos_enrollment_capture": "Upload the challenge clip of an enrolment",
    "cameos_character_create": "Make a character cameo (a pet or an object) from a picture",
    "cameos_mine": "List your own cameos",
    "cameos_available": "List the cameos you may put in a video",
    "cameos_update": "Change a cameo's name, permission, restrictions or approve-before-publish",
    "cameos_revoke": "Revoke a cameo: no new video may carry it",
    "cameos_approve": "Allow a person to use your cameo (face, voice or both; optionally until a date)",
    "cameos_unapprove": "Withdraw a person's approval to use your cameo",
    "cameos_appearances": "List every video that carries your cameo",
    "cameos_appearance_take_down": "Take down a video that carries your cameo",
    "cameos_refusals": "List refused attempts to use your cameo: who, when, which rule, what prompt",
    "characters_mine": "List the characters and brands you hold the rights to",
    "characters_uses": "List the prompts that named one of your characters, allowed or refused",
    "cameos_approvals_pending": "List videos by others that carry your cameo and wait for your approval",
    "cameos_appearance_decide": "Approve or decline a video that carries your cameo before it is published",
    "generations_create": "Make a video from a prompt (optionally with cameos, as a remix, or from a picture)",
    "generations_image_upload": "Upload a picture to start a video from",
    "generations_get": "Read a generation's status, progress and video",
    "generations_capabilities": "What the model can draw: vocabulary, durations, aspects, cameos, resolution",
    "generations_cancel": "Cancel a generation that has not finished",
    "videos_get": "Read a video and its signed media URLs",
    "videos_update": "Change a video's caption or visibility",
    "videos_delete": "Delete your video",
    "videos_publish": "Publish your draft video",
    "videos_remixes": "List a video's remixes",
    "videos_lineage": "List a video's ancestors, nearest first",
    "videos_extend": "Continue a video forwards or backwards (a remix in its lineage)",
    "videos_provenance": "Read a video's C2PA manifest and its invisible mark, from the stored file",
    "verify_clip": "Check whether a clip was made here (invisible mark, C2PA); no account needed",
    "videos_like": "Like a video",
    "videos_unlike": "Take back a like",
    "videos_comments": "List a video's comments",
    "videos_comment": "Comment on a video",
    "videos_view": "Record that you watched a video",
    "feed": "Read the next page of your feed",
    "feed_steering_get": "Read how you steer your feed and how it was understood",
    "feed_steering_set": "Steer your feed in plain words",
    "feed_steering_clear": "Stop steering your feed",
    "feed_checkin_answer": "Answer a wellbeing check-in",
    "parental_links": "List your parent-teen links",
    "parental_link_request": "Ask to link a teen to you as their parent",
    "parental_link_accept": "Accept a parent's link (the teen)",
    "parental_unlink": "Unlink (either side; the other is told)",
    "parental_teen_controls": "Read a linked teen's controls (the parent)",
    "parental_teen_controls_update": "Change a linked teen's controls (the parent)",
    "parental_my_controls": "Read the controls that apply to you (a teen)",
    "parental_my_controls_update": "Teens cannot change their controls (always 403)",
    "reports_create": "Report a video, comment, person, cameo or a message sent to you",
    "appeals_create": "Appeal a removal of your video",
}

PAGE_PARAMETERS = [
    {
        "name": "cursor",
        "in": "query",
        "required": False,
        "schema": {"type": "string"},
        "description": "The `next` value of the previous page; omit for the first page.",
    },
    {
        "name": "limit",
        "in": "query",
        "required": False,
        "schema": {"type": "integer", "minimum": 1, "maximum": 100, "default": 20},
        "description": "Items per page.",
    },
]
RETRY_AFTER = {
    "Retry-After": {"schema": {"type": "integer", "minimum": 1}, "description": "Seconds to wait before trying again."}
}


# Codes that come with a status whatever the operation: validation and parsing (400),
# the access token (401), a plain permission or visibility refusal (403, 404), the
# upload and media-type checks (413, 415), the per-address throttles (429) and a
# backing service that is down (503, which any operation may answer).
GENERIC_CODES = {
    400: ("invalid", "malformed"),
    401: ("not_authenticated", "authentication_failed", "token_not_valid", "user_not_found", "user_inactive"),
    403: ("forbidden",),
    404: ("not_found",),
    413: ("too_large",),
    415: ("unsupported_media_type",),
    429: ("throttled",),
    503: ("unavailable",),
}
# The codes each operation answers beyond the ones its statuses bring (GENERIC_CODES).
# tests/error_contract.py fails any test that receives a code its operation does not declare.
# What POST /generations and POST /videos/{id}/extend (a generation too) can answer.
GENERATION_REFUSALS = (
    "approval_declined",
    "cameo_not_permitted",
    "cameo_restriction",
    "daily_limit",
    "idempotency_conflict",
    "invalid_idempotency_key",
    "parent_removed",
    "prompt_blocked",
    "prompt_outside_model",
    "prompt_unchecked",
    "protected_character",
    "rate_limited",
    "remix_outside_model",
    "too_many_active",
    "too_many_cameos",
    "video_not_found",
)
ERROR_CODES: dict[str, tuple[str, ...]] = {
    "appeals_create": ("already_appealed", "nothing_to_appeal"),
    "auth_register": (
        "email_taken",
        "invalid_birthdate",
        "invalid_invite",
        "invite_required",
        "too_young",
        "username_taken",
        "weak_password",
    ),
    "auth_token": ("no_active_account",),
    "cameos_appearance_decide": ("appearance_not_found", "cameo_not_found", "not_pending"),
    "cameos_appearance_take_down": ("appearance_not_found", "cameo_not_found"),
    "cameos_appearances": ("cameo_not_found",),
    "cameos_approve": ("cameo_not_found", "cannot_approve_self"),
    "cameos_character_create": ("bad_image", "human_face", "image_too_large", "image_too_small", "not_an_image"),
    "cameos_enrollment_capture": ("already_submitted", "challenge_expired", "enrollment_not_found"),
    "cameos_enrollment_get": ("enrollment_not_found",),
    "cameos_refusals": ("cameo_not_found",),
    "cameos_revoke": ("cameo_not_found",),
    "cameos_unapprove": ("cameo_not_found",),
    "cameos_update": ("cameo_not_found", "cameo_restricted", "teen_restricted"),
    "characters_uses": ("character_not_found",),
    "feed_checkin_answer": ("checkin_answered", "checkin_not_found"),
    "feed_steering_set": ("prompt_blocked",),
    "generations_cancel": ("generation_not_found", "not_cancellable"),
    "generations_create": (*GENERATION_REFUSALS, "image_not_found"),
    "generations_get": ("generation_not_found",),
    "generations_image_upload": (
        "image_too_large",
        "not_an_image",
        "picture_removed",
        "rate_limited",
        "real_face",
        "too_large",
        "unsupported_media_type",
    ),
    "videos_extend": GENERATION_REFUSALS,  # an extension is a generation: the same checks
    "me_patch": ("teen_restricted",),
    "messages_list": ("user_not_found",),
    "messages_send": (
        "dm_not_allowed",
        "prompt_blocked",
        "rate_limited",
        "teen_dm_not_allowed",
        "user_not_found",
        "video_not_found",
        "video_not_shareable",
    ),
    "parental_link_accept": ("link_not_found", "not_the_teen", "too_many_parents"),
    "parental_link_request": (
        "already_linked",
        "not_a_teen",
        "rate_limited",
        "teen_cannot_be_parent",
        "too_many_parents",
        "user_not_found",
    ),
    "parental_my_controls": ("not_a_teen",),
    "parental_my_controls_update": ("teen_cannot_change_controls",),
    "parental_teen_controls": ("link_pending", "teen_not_found"),
    "parental_teen_controls_update": ("link_pending", "teen_cannot_change_controls", "teen_not_found"),
    "parental_unlink": ("link_not_found",),
    "reports_create": (
        "already_reported",
        "cameo_not_found",
        "comment_not_found",
        "message_not_found",
        "rate_limited",
        "user_not_found",
        "video_not_found",
    ),
    "users_block": ("cannot_block_self", "user_not_found"),
    "users_follow": ("cannot_follow_self", "rate_limited", "user_not_found"),
    "users_get": ("user_not_found",),
    "users_unblock": ("user_not_found",),
    "users_unfollow": ("user_not_found",),
    "users_videos": ("user_not_found",),
    "verify_clip": ("not_our_media", "unreadable_video"),
    "videos_comment": ("prompt_blocked", "rate_limited", "video_not_found"),
    "videos_comments": ("video_not_found",),
    "videos_delete": ("not_owner", "video_not_found"),
    "videos_get": ("video_not_found",),
    "videos_like": ("video_not_found",),
    "videos_lineage": ("video_not_found",),
    "videos_provenance": ("video_not_found",),
    "videos_publish": ("approval_declined", "awaiting_approval", "not_owner", "video_not_found"),
    "videos_remixes": ("video_not_found",),
    "videos_unlike": ("video_not_found",),
    "videos_update": ("not_owner", "video_not_found"),
    "videos_view": ("video_not_found",),
}


def _operation_error_schema(error: dict, codes: list[str]) -> dict:
    """The shared error body with `error` narrowed to the codes this operation answers."""
    schema = copy.deepcopy(error)
    schema["properties"]["error"] = {
        "type": "string",
        "enum": codes,
        "description": "Stable machine-readable code; the codes this operation answers (docs/api.md says when).",
    }
    return schema


def _declare_error_codes(operation: dict, components: dict) -> None:
    """Every operation answers 503 when a backing service is down, and one with a body 400 and 415;
    its errors name their codes."""
    responses = operation.setdefault("responses", {})
    error_ref = {"$ref": "#/components/schemas/Error"}
    added = {"503": _TEXT[503]}
    if "requestBody" in operation:  # a body can be unparseable or of a type the operation does not take
        added.update({"400": _TEXT[400], "415": _TEXT[415]})
    for status, text in added.items():
        if status not in responses:
            responses[status] = {"description": text, "content": {"application/json": {"schema": dict(error_ref)}}}
    operation_id = operation["operationId"]
    statuses = sorted(int(status) for status in responses if int(status) >= 400)
    codes = set(ERROR_CODES.get(operation_id, ()))
    for status in statuses:
        codes.update(GENERIC_CODES.get(status, ()))
    if any(p.get("name") == "cursor" for p in operation.get("parameters", [])):
        codes.add("invalid_cursor")
    name = "".join(part.capitalize() for part in operation_id.split("_")) + "Error"
    components[name] = _operation_error_schema(components["Error"], sorted(codes))
    for status in statuses:
        content = responses[str(status)].setdefault("content", {}).setdefault("application/json", {})
        content["schema"] = {"$ref": f"#/components/schemas/{name}"}


def _is_page(schema: dict, components: dict) -> bool:
    ref = schema.get("$ref", "")
    target = components.get(ref.rsplit("/", 1)[-1], {}) if ref else schema
    return {"results", "next"} <= set(target.get("properties", {}))


def postprocess(result, generator, request, public):
    """drf-spectacular hook: pagination parameters on every page, Retry-After on 429/503, summaries."""
    components = result.get("components", {}).get("schemas", {})
    from .events import openapi_components

    components.update(openapi_components())  # the WebSocket events, for generated clients
    for path_item in result.get("paths", {}).values():
        for method, operation in path_item.items():
            operation.setdefault("summary", SUMMARIES.get(operation.get("operationId"), ""))
            ok = operation.get("responses", {}).get("200", {})
            schema = ok.get("content", {}).get("application/json", {}).get("schema", {})
            if method == "get" and _is_page(schema, components):
                declared = {(p.get("in"), p.get("name")) for p in operation.get("parameters", [])}
                supports_limit = "FeedPage" not in schema.get("$ref", "")  # the feed pages itself
                for parameter in PAGE_PARAMETERS:
                    if ("query", parameter["name"]) in declared:
                        continue
                    if parameter["name"] == "limit" and not supports_limit:
                        continue
                    operation.setdefault("parameters", []).append(dict(parameter))
            _declare_error_codes(operation, components)
            for status in ("429", "503"):
                if status in operation.get("responses", {}):
                    operation["responses"][status].setdefault("headers", {}).update(RETRY_AFTER)
    return result

"""Generation endpoints, and what generation knows of a video (its provenance) and of any clip
(verify): parse, call one service or selector, render. A video's own endpoints are `videos.api`."""

from django.core.files.storage import default_storage
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from sora_social.errors import Invalid
from sora_social.openapi import errors, public_errors
from sora_social.throttling import VerifyRateThrottle
from videos.selectors import video_visible_get
from videos.serializers import VideoOut

from . import selectors, services
from .capabilities import capabilities
from .serializers import (
    CapabilitiesOut,
    ExtendIn,
    GenerationIn,
    GenerationOut,
    ImageIn,
    ImageOut,
    ProvenanceOut,
    VerifyIn,
    VerifyLinkIn,
    VerifyOut,
)
from .services import verify

IDEMPOTENCY = OpenApiParameter(
    "Idempotency-Key",
    str,
    OpenApiParameter.HEADER,
    required=False,
    description="Same key and same body: the same job again. Same key, other body: 409.",
)


def _idempotency_key(request) -> str | None:
    key = request.headers.get("Idempotency-Key") or None
    if key is not None and not (0 < len(key) <= 128 and key.isprintable()):
        raise Invalid("Idempotency-Key must be 1 to 128 printable characters.", code="invalid_idempotency_key")
    return key


def _job_out(job_id, user):
    return GenerationOut(selectors.job_get(user=user, job_id=job_id)).data


class GenerationsApi(APIView):
    @extend_schema(
        operation_id="generations_create",
        request=GenerationIn,
        parameters=[IDEMPOTENCY],
        responses={
            202: GenerationOut,
            **errors(
                400,
                403,
                404,
                409,
                422,
                429,
                e403="cameo_not_permitted",
                e404="video_not_found: remix_of is not visible, or image_not_found: not an image of yours",
                e409="idempotency_conflict, parent_removed, or approval_declined {cameos}: a cameo's owner "
                "declined the parent",
                e422="prompt_blocked {categories}, cameo_restriction {cameo, rule}, too_many_cameos "
                "{max_cameos}: the request names more cameos than the model draws (capabilities; none on an "
                "open-weight backend), or a pet with other cameos, "
                "remix_outside_model: the model this service runs draws from prompts only, or prompt_outside_model "
                "{understood, ignored, suggestion, vocabulary, languages}: nothing in the prompt is "
                "something the model draws, or protected_character {character, owner}: the prompt (or the "
                "remixed video's) names a character or brand its owner does not allow, or prompt_unchecked "
                "{script}: a teen's prompt, or one with a cameo, in a writing system the policy cannot read yet",
                e429="daily_limit or too_many_active, with Retry-After",
            ),
        },
    )
    def post(self, request):
        data = GenerationIn(data=request.data)
        data.is_valid(raise_exception=True)
        job, _ = services.generation_request(
            user=request.user, idempotency_key=_idempotency_key(request), **data.validated_data
        )
        return Response(_job_out(job.pk, request.user), status=status.HTTP_202_ACCEPTED)


class GenerationImagesApi(APIView):
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(
        operation_id="generations_image_upload",
        request={"multipart/form-data": ImageIn},
        responses={
            201: ImageOut,
            **errors(
                400,
                413,
                415,
                422,
                429,
                e429="rate_limited {kind: picture}, with Retry-After",
                e400="not_an_image or image_too_large (over 40 megapixels)",
                e422="real_face: the picture shows a person who has no cameo here, or picture_removed: it is a "
                "frame of a video moderators took down",
            ),
        },
    )
    def post(self, request):
        data = ImageIn(data=request.data)
        data.is_valid(raise_exception=True)
        picture = services.generation_image_create(user=request.user, upload=data.validated_data["image"])
        return Response(ImageOut(picture).data, status=status.HTTP_201_CREATED)


class VideoExtendApi(APIView):
    @extend_schema(
        operation_id="videos_extend",
        request=ExtendIn,
        parameters=[IDEMPOTENCY],
        responses={
            202: GenerationOut,
            **errors(
                400,
                403,
                404,
                409,
                422,
                429,
                e403="cameo_not_permitted: a cameo the video carries",
                e404="video_not_found",
                e409="idempotency_conflict, parent_removed, or approval_declined {cameos}",
                e422="as POST /generations (prompt_blocked, cameo_restriction, protected_character, "
                "prompt_outside_model, prompt_unchecked), or remix_outside_model: the model this service runs "
                "draws from prompts only",
                e429="daily_limit or too_many_active, with Retry-After",
            ),
        },
    )
    def post(self, request, video_id: str):
        data = ExtendIn(data=request.data)
        data.is_valid(raise_exception=True)
        job, _ = services.generation_extend(
            user=request.user, video_id=video_id, idempotency_key=_idempotency_key(request), **data.validated_data
        )
        return Response(_job_out(job.pk, request.user), status=status.HTTP_202_ACCEPTED)


class CapabilitiesApi(APIView):
    @extend_schema(operation_id="generations_capabilities", responses={200: CapabilitiesOut, **errors()})
    def get(self, request):
        return Response(CapabilitiesOut(capabilities()).data)


class GenerationApi(APIView):
    @extend_schema(operation_id="generations_get", responses={200: GenerationOut, **errors(404)})
    def get(self, request, job_id: str):
        return Response(_job_out(job_id, request.user))

    @extend_schema(
        operation_id="generations_cancel",
        responses={200: GenerationOut, **errors(404, 409, e409="not_cancellable: already finished")},
    )
    def delete(self, request, job_id: str):
        job = services.generation_cancel(user=request.user, job_id=job_id)
        return Response(_job_out(job.pk, request.user))


class VideoProvenanceApi(APIView):
    @extend_schema(operation_id="videos_provenance", responses={200: ProvenanceOut, **errors(404)})
    def get(self, request, video_id: str):
        from .provenance import read_manifest

        video = video_visible_get(viewer=request.user, video_id=video_id)
        # Read back from the stored bytes, wherever the storage keeps them.
        with default_storage.open(video.file, "rb") as stored:
            result = read_manifest(stored)
            mark = services.video_mark_reading(video, stored)
        return Response({"video": str(video.pk), **result, "mark": mark})


class VerifyApi(APIView):
    """Anyone may ask whether a clip was made here: no account, a small per-address allowance."""

    permission_classes = [AllowAny]
    throttle_classes = [VerifyRateThrottle]
    parser_classes = [MultiPartParser, FormParser, JSONParser]

    @extend_schema(
        operation_id="verify_clip",
        request={"multipart/form-data": VerifyIn, "application/json": VerifyLinkIn},
        responses={
            200: VerifyOut,
            **public_errors(
                400,
                413,
                429,
                503,
                e400="invalid (send `file` or `url`), not_our_media, unreadable_video",
                e413="too_large: over 50 MB",
            ),
        },
        description="Upload a clip (multipart `file`, up to 50 MB) or send one of our media links "
        "(`url`). A clip we did not make answers 200 with `made_here: false`.",
    )
    def post(self, request):
        length = request.META.get("CONTENT_LENGTH") or "0"
        if length.isdigit() and int(length) > verify.max_bytes() + 2**20:
            raise verify.ClipTooLarge(f"The clip must be at most {verify.max_bytes() // 2**20} MB.")
        data = VerifyIn(data=request.data)
        data.is_valid(raise_exception=True)
        answer = verify.verify_clip(
            viewer=request.user, upload=data.validated_data.get("file"), url=data.validated_data.get("url")
        )
        if answer["video"] is not None:
            answer["video"] = VideoOut(answer["video"], context={"request": request}).data
        return Response(answer)  # the shape of VerifyOut

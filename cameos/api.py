"""Cameo endpoints: thin views over cameos.services and cameos.selectors."""

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.selectors import user_visible_get
from sora_social.openapi import errors, page_of
from sora_social.pagination import paginate

from . import selectors, services
from .serializers import (
    AppearanceOut,
    CameoOut,
    CameoPatchIn,
    CaptureIn,
    CharacterIn,
    DecisionIn,
    EnrollmentOut,
    GrantIn,
    RefusalOut,
)


class EnrollmentsApi(APIView):
    @extend_schema(operation_id="cameos_enrollment_start", request=None, responses={201: EnrollmentOut, **errors()})
    def post(self, request):
        enrollment = services.enrollment_start(owner=request.user)
        return Response(EnrollmentOut(enrollment, context={"request": request}).data, status=status.HTTP_201_CREATED)


class EnrollmentApi(APIView):
    @extend_schema(operation_id="cameos_enrollment_get", responses={200: EnrollmentOut, **errors(404)})
    def get(self, request, enrollment_id: str):
        enrollment = selectors.enrollment_get(owner=request.user, enrollment_id=enrollment_id)
        return Response(EnrollmentOut(enrollment, context={"request": request}).data)


class CaptureApi(APIView):
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(
        operation_id="cameos_enrollment_capture",
        request={"multipart/form-data": CaptureIn},
        responses={
            202: EnrollmentOut,
            **errors(
                400,
                404,
                409,
                413,
                415,
                e409="challenge_expired or already_submitted",
                e413="too_large: over 20 MB",
                e415="not an mp4, mov or webm video",
            ),
        },
    )
    def post(self, request, enrollment_id: str):
        data = CaptureIn(data=request.data)
        data.is_valid(raise_exception=True)
        enrollment = services.enrollment_capture_submit(
            owner=request.user, enrollment_id=enrollment_id, upload=data.validated_data["video"]
        )
        enrollment.refresh_from_db()
        return Response(EnrollmentOut(enrollment, context={"request": request}).data, status=status.HTTP_202_ACCEPTED)


class MyCameosApi(APIView):
    @extend_schema(operation_id="cameos_mine", responses={200: page_of(CameoOut), **errors(400)})
    def get(self, request):
        return paginate(
            request=request, view=self, queryset=selectors.cameos_of(owner=request.user), serializer_class=CameoOut
        )


class AvailableCameosApi(APIView):
    @extend_schema(operation_id="cameos_available", responses={200: page_of(CameoOut), **errors(400)})
    def get(self, request):
        return paginate(
            request=request, view=self, queryset=selectors.cameos_available_to(request.user), serializer_class=CameoOut
        )


class CharactersApi(APIView):
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(
        operation_id="cameos_character_create",
        request={"multipart/form-data": CharacterIn},
        responses={201: CameoOut, **errors(400, 413, 415)},
    )
    def post(self, request):
        data = CharacterIn(data=request.data)
        data.is_valid(raise_exception=True)
        cameo = services.character_create(
            owner=request.user,
            name=data.validated_data["name"],
            upload=data.validated_data["image"],
            form=data.validated_data["form"],
        )
        return Response(CameoOut(cameo, context={"request": request}).data, status=status.HTTP_201_CREATED)


class CameoApi(APIView):
    @extend_schema(
        operation_id="cameos_update",
        request=CameoPatchIn,
        responses={200: CameoOut, **errors(400, 403, 404, e403="teen_restricted: above the teen's ceiling")},
    )
    def patch(self, request, cameo_id: str):
        data = CameoPatchIn(data=request.data)
        data.is_valid(raise_exception=True)
        cameo = services.cameo_update(owner=request.user, cameo_id=cameo_id, **data.validated_data)
        return Response(CameoOut(cameo, context={"request": request}).data)

    @extend_schema(operation_id="cameos_revoke", responses={204: None, **errors(404)})
    def delete(self, request, cameo_id: str):
        services.cameo_revoke(owner=request.user, cameo_id=cameo_id)
        return Response(status=status.HTTP_204_NO_CONTENT)


class ApprovalApi(APIView):
    @extend_schema(
        operation_id="cameos_approve",
        request=GrantIn,
        responses={204: None, **errors(400, 404)},
        description="Grant a person your cameo: its face, voice or both (default), until `expires_at` "
        "(default: until you take it back). Granting again replaces the scope and the expiry.",
    )
    def post(self, request, cameo_id: str, username: str):
        data = GrantIn(data=request.data)
        data.is_valid(raise_exception=True)
        friend = user_visible_get(viewer=request.user, username=username)
        services.approval_add(owner=request.user, cameo_id=cameo_id, user=friend, **data.validated_data)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(operation_id="cameos_unapprove", request=None, responses={204: None, **errors(404)})
    def delete(self, request, cameo_id: str, username: str):
        friend = user_visible_get(viewer=request.user, username=username)
        services.approval_remove(owner=request.user, cameo_id=cameo_id, user=friend)
        return Response(status=status.HTTP_204_NO_CONTENT)


class AppearancesApi(APIView):
    @extend_schema(operation_id="cameos_appearances", responses={200: page_of(AppearanceOut), **errors(400, 404)})
    def get(self, request, cameo_id: str):
        cameo = selectors.cameo_owned_get(owner=request.user, cameo_id=cameo_id, include_revoked=True)
        return paginate(
            request=request, view=self, queryset=selectors.appearances_of(cameo=cameo), serializer_class=AppearanceOut
        )


class PendingApprovalsApi(APIView):
    @extend_schema(operation_id="cameos_approvals_pending", responses={200: page_of(AppearanceOut), **errors(400)})
    def get(self, request):
        return paginate(
            request=request,
            view=self,
            queryset=selectors.approvals_pending_for(owner=request.user),
            serializer_class=AppearanceOut,
        )


class AppearanceDecisionApi(APIView):
    @extend_schema(
        operation_id="cameos_appearance_decide",
        request=DecisionIn,
        responses={200: AppearanceOut, **errors(400, 404, 409, e409="not_pending: already decided, or not asked")},
    )
    def post(self, request, cameo_id: str, video_id: str):
        data = DecisionIn(data=request.data)
        data.is_valid(raise_exception=True)
        appearance = services.appearance_decide(
            owner=request.user,
            cameo_id=cameo_id,
            video_id=video_id,
            approve=data.validated_data["decision"] == "approve",
            message=data.validated_data["message"],
        )
        return Response(AppearanceOut(appearance, context={"request": request}).data)


class AppearanceApi(APIView):
    @extend_schema(operation_id="cameos_appearance_take_down", responses={204: None, **errors(404)})
    def delete(self, request, cameo_id: str, video_id: str):
        services.appearance_take_down(owner=request.user, cameo_id=cameo_id, video_id=video_id)
        return Response(status=status.HTTP_204_NO_CONTENT)


class RefusalsApi(APIView):
    @extend_schema(operation_id="cameos_refusals", responses={200: page_of(RefusalOut), **errors(400, 404)})
    def get(self, request, cameo_id: str):
        cameo = selectors.cameo_owned_get(owner=request.user, cameo_id=cameo_id, include_revoked=True)
        return paginate(
            request=request, view=self, queryset=selectors.refusals_of(cameo=cameo), serializer_class=RefusalOut
        )

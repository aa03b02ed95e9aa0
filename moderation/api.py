from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import APIView

from sora_social.openapi import errors, page_of
from sora_social.pagination import paginate

from . import characters, review
from .serializers import AppealIn, AppealOut, ProtectedCharacterOut, ProtectedUseOut, ReportIn, ReportOut


class ReportsApi(APIView):
    @extend_schema(
        operation_id="reports_create",
        request=ReportIn,
        responses={
            201: ReportOut,
            **errors(
                400,
                404,
                409,
                429,
                e404="the target is not visible to you",
                e409="already_reported: you reported this open case already",
                e429="rate_limited {kind}: too many of these writes for now (Retry-After)",
            ),
        },
    )
    def post(self, request):
        data = ReportIn(data=request.data)
        data.is_valid(raise_exception=True)
        report = review.report_create(reporter=request.user, **data.validated_data)
        return Response(ReportOut(report).data, status=status.HTTP_201_CREATED)


class AppealsApi(APIView):
    @extend_schema(
        operation_id="appeals_create",
        request=AppealIn,
        responses={201: AppealOut, **errors(400, 404, 409, e404="nothing_to_appeal", e409="already_appealed")},
    )
    def post(self, request):
        data = AppealIn(data=request.data)
        data.is_valid(raise_exception=True)
        appeal = review.appeal_create(user=request.user, **data.validated_data)
        return Response(AppealOut(appeal).data, status=status.HTTP_201_CREATED)


class MyCharactersApi(APIView):
    @extend_schema(operation_id="characters_mine", responses={200: page_of(ProtectedCharacterOut), **errors(400)})
    def get(self, request):
        return paginate(
            request=request,
            view=self,
            queryset=characters.characters_of(rightsholder=request.user),
            serializer_class=ProtectedCharacterOut,
            ordering="name",
        )


class CharacterUsesApi(APIView):
    @extend_schema(operation_id="characters_uses", responses={200: page_of(ProtectedUseOut), **errors(400, 404)})
    def get(self, request, character_id: str):
        return paginate(
            request=request,
            view=self,
            queryset=characters.character_uses(rightsholder=request.user, character_id=character_id),
            serializer_class=ProtectedUseOut,
        )

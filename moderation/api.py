from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import APIView

from sora_social.openapi import errors

from . import review
from .serializers import AppealIn, AppealOut, ReportIn, ReportOut


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

"""A video's own endpoints: read, edit, publish, delete, its remixes and lineage, a person's videos."""

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import selectors as account_selectors
from sora_social.openapi import errors, page_of
from sora_social.pagination import paginate

from . import selectors, services
from .serializers import PublishIn, VideoOut


class VideoApi(APIView):
    @extend_schema(operation_id="videos_get", responses={200: VideoOut, **errors(404)})
    def get(self, request, video_id: str):
        video = selectors.video_visible_get(viewer=request.user, video_id=video_id)
        return Response(VideoOut(video, context={"request": request}).data)

    @extend_schema(
        operation_id="videos_update",
        request=PublishIn,
        responses={200: VideoOut, **errors(400, 403, 404, e403="not_owner")},
    )
    def patch(self, request, video_id: str):
        data = PublishIn(data=request.data)
        data.is_valid(raise_exception=True)
        video = services.video_update(user=request.user, video_id=video_id, **data.validated_data)
        return Response(VideoOut(video, context={"request": request}).data)

    @extend_schema(operation_id="videos_delete", responses={204: None, **errors(403, 404, e403="not_owner")})
    def delete(self, request, video_id: str):
        services.video_delete(user=request.user, video_id=video_id)
        return Response(status=status.HTTP_204_NO_CONTENT)


class VideoPublishApi(APIView):
    @extend_schema(
        operation_id="videos_publish",
        request=PublishIn,
        responses={
            200: VideoOut,
            **errors(
                400,
                403,
                404,
                409,
                e403="not_owner",
                e409="awaiting_approval {cameos}: a cameo's owner has not approved it yet; "
                "approval_declined {cameos}: they declined it",
            ),
        },
    )
    def post(self, request, video_id: str):
        data = PublishIn(data=request.data)
        data.is_valid(raise_exception=True)
        video = services.video_publish(user=request.user, video_id=video_id, **data.validated_data)
        return Response(VideoOut(video, context={"request": request}).data)


class VideoRemixesApi(APIView):
    @extend_schema(operation_id="videos_remixes", responses={200: page_of(VideoOut), **errors(400, 404)})
    def get(self, request, video_id: str):
        video = selectors.video_visible_get(viewer=request.user, video_id=video_id)
        return paginate(
            request=request,
            view=self,
            queryset=selectors.video_remixes(viewer=request.user, video=video),
            serializer_class=VideoOut,
        )


class VideoLineageApi(APIView):
    @extend_schema(operation_id="videos_lineage", responses={200: VideoOut(many=True), **errors(404)})
    def get(self, request, video_id: str):
        video = selectors.video_visible_get(viewer=request.user, video_id=video_id)
        chain = selectors.video_lineage(viewer=request.user, video=video)
        return Response(VideoOut(chain, many=True, context={"request": request}).data)


class UserVideosApi(APIView):
    @extend_schema(operation_id="users_videos", responses={200: page_of(VideoOut), **errors(400, 404)})
    def get(self, request, username: str):
        # The block rule is in the videos' query already: only an empty page asks whether
        # a block stands between (then the person is not found, as everywhere else).
        owner = account_selectors.user_active_get(username=username)
        response = paginate(
            request=request,
            view=self,
            queryset=selectors.videos_of(viewer=request.user, owner=owner),
            serializer_class=VideoOut,
        )
        if not response.data["results"] and account_selectors.blocked_between(request.user, owner):
            raise account_selectors.user_not_found()
        return response

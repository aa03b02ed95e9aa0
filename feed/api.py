"""Interactions, the feed, steering and check-ins: parse, call one service or selector, render."""

from django.core import signing
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import APIView

from sora_social.errors import Invalid
from sora_social.openapi import errors, page_of
from sora_social.pagination import paginate
from videos.serializers import VideoOut

from . import selectors, services
from .serializers import (
    CheckinIn,
    CheckinOut,
    CommentIn,
    CommentOut,
    FeedPageOut,
    LikeOut,
    SteeringIn,
    SteeringOut,
    ViewIn,
    ViewOut,
)
from .steering import empty

CHECKIN_PROMPT = "You've been scrolling for a while. How are you feeling?"
CURSOR_SALT = "feed.cursor"


def _like_out(video, liked: bool) -> dict:
    return LikeOut({"video": str(video.pk), "liked": liked, "like_count": video.like_count}).data


class VideoLikeApi(APIView):
    @extend_schema(operation_id="videos_like", request=None, responses={200: LikeOut, **errors(404)})
    def post(self, request, video_id: str):
        return Response(_like_out(services.video_like(user=request.user, video_id=video_id), True))

    @extend_schema(operation_id="videos_unlike", responses={200: LikeOut, **errors(404)})
    def delete(self, request, video_id: str):
        return Response(_like_out(services.video_unlike(user=request.user, video_id=video_id), False))


class VideoCommentsApi(APIView):
    @extend_schema(operation_id="videos_comments", responses={200: page_of(CommentOut), **errors(400, 404)})
    def get(self, request, video_id: str):
        video = selectors.video_for_interaction(viewer=request.user, video_id=video_id)
        return paginate(
            request=request,
            view=self,
            queryset=selectors.comments_of(viewer=request.user, video=video),
            serializer_class=CommentOut,
        )

    @extend_schema(
        operation_id="videos_comment",
        request=CommentIn,
        responses={
            201: CommentOut,
            **errors(
                400,
                404,
                422,
                429,
                e422="prompt_blocked {categories}",
                e429="rate_limited {kind}: too many of these writes for now (Retry-After)",
            ),
        },
    )
    def post(self, request, video_id: str):
        data = CommentIn(data=request.data)
        data.is_valid(raise_exception=True)
        comment = services.comment_create(user=request.user, video_id=video_id, **data.validated_data)
        return Response(CommentOut(comment).data, status=status.HTTP_201_CREATED)


class VideoViewsApi(APIView):
    @extend_schema(operation_id="videos_view", request=ViewIn, responses={201: ViewOut, **errors(400, 404)})
    def post(self, request, video_id: str):
        data = ViewIn(data=request.data)
        data.is_valid(raise_exception=True)
        view = services.view_record(user=request.user, video_id=video_id, **data.validated_data)
        return Response(
            ViewOut({"video": str(view.video_id), "watch_ms": view.watch_ms}).data, status=status.HTTP_201_CREATED
        )


def _page_number(cursor: str | None) -> int:
    if not cursor:
        return 0
    try:
        return int(signing.loads(cursor, salt=CURSOR_SALT)["p"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        raise Invalid("Invalid cursor.", code="invalid_cursor")


def _items_out(items, request) -> list[dict]:
    # One VideoOut for the whole page: building a serializer's fields costs more
    # than serialising a row, so never one serializer per item.
    videos = iter(
        VideoOut(
            [i.candidate.page_video for i in items if i.type == "video"], many=True, context={"request": request}
        ).data
    )
    out = []
    for item in items:
        if item.type == "video":
            out.append({"type": "video", "video": next(videos), "reason": item.candidate.reason})
        elif item.type == "checkin":
            out.append(
                {
                    "type": "checkin",
                    "checkin": {
                        "id": str(item.checkin.pk),
                        "prompt": CHECKIN_PROMPT,
                        "created_at": item.checkin.created_at,
                    },
                }
            )
        else:
            out.append({"type": item.type, "detail": item.detail, **item.extra})
    return out


class FeedApi(APIView):
    @extend_schema(
        operation_id="feed",
        parameters=[OpenApiParameter("cursor", str, OpenApiParameter.QUERY, required=False)],
        responses={200: FeedPageOut, **errors(400)},
    )
    def get(self, request):
        page_no = _page_number(request.query_params.get("cursor"))
        page = selectors.feed_page_for(viewer=request.user, page=page_no)
        results = _items_out(page.items, request)
        cursor = signing.dumps({"p": page_no + 1}, salt=CURSOR_SALT) if page.more else None
        return Response({"results": results, "next": cursor})


def _steering_out(steering) -> dict:
    if steering is None:
        return {"instruction": None, "parsed": empty(), "parser": None, "updated_at": None}
    return {
        "instruction": steering.instruction,
        "parsed": steering.parsed,
        "parser": steering.parser,
        "updated_at": steering.updated_at,
    }


class SteeringApi(APIView):
    @extend_schema(operation_id="feed_steering_get", responses={200: SteeringOut, **errors()})
    def get(self, request):
        return Response(SteeringOut(_steering_out(selectors.steering_of(user=request.user))).data)

    @extend_schema(
        operation_id="feed_steering_set",
        request=SteeringIn,
        responses={200: SteeringOut, **errors(400, 422, e422="prompt_blocked {categories}")},
    )
    def put(self, request):
        data = SteeringIn(data=request.data)
        data.is_valid(raise_exception=True)
        steering = services.steering_set(user=request.user, **data.validated_data)
        return Response(SteeringOut(_steering_out(steering)).data)

    @extend_schema(operation_id="feed_steering_clear", responses={204: None, **errors()})
    def delete(self, request):
        services.steering_clear(user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class CheckinApi(APIView):
    @extend_schema(
        operation_id="feed_checkin_answer",
        request=CheckinIn,
        responses={200: CheckinOut, **errors(400, 404, 409, e409="checkin_answered")},
    )
    def post(self, request, checkin_id: str):
        data = CheckinIn(data=request.data)
        data.is_valid(raise_exception=True)
        suggestions = services.checkin_answer(user=request.user, checkin_id=checkin_id, **data.validated_data)
        return Response(CheckinOut({"suggestions": suggestions}).data)

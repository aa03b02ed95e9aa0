from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.selectors import user_visible_get
from sora_social.errors import Forbidden, NotFound
from sora_social.openapi import errors, page_of
from sora_social.pagination import paginate

from . import selectors, services
from .serializers import ControlsIn, ControlsOut, LinkIn, LinkOut


class LinksApi(APIView):
    @extend_schema(operation_id="parental_links", responses={200: page_of(LinkOut), **errors(400)})
    def get(self, request):
        return paginate(
            request=request, view=self, queryset=selectors.links_of(user=request.user), serializer_class=LinkOut
        )

    @extend_schema(
        operation_id="parental_link_request",
        request=LinkIn,
        responses={
            201: LinkOut,
            **errors(
                400,
                403,
                404,
                409,
                429,
                e400="not_a_teen",
                e403="teen_cannot_be_parent",
                e409="too_many_parents or already_linked",
                e429="rate_limited {kind}: too many of these writes for now (Retry-After)",
            ),
        },
    )
    def post(self, request):
        data = LinkIn(data=request.data)
        data.is_valid(raise_exception=True)
        teen = user_visible_get(viewer=request.user, username=data.validated_data["teen_username"])
        link = services.link_request(parent=request.user, teen=teen)
        return Response(LinkOut(link).data, status=status.HTTP_201_CREATED)


class LinkApi(APIView):
    @extend_schema(operation_id="parental_unlink", responses={204: None, **errors(404)})
    def delete(self, request, link_id: str):
        services.link_delete(user=request.user, link_id=link_id)
        return Response(status=status.HTTP_204_NO_CONTENT)


class LinkAcceptApi(APIView):
    @extend_schema(
        operation_id="parental_link_accept",
        request=None,
        responses={200: LinkOut, **errors(403, 404, 409, e403="not_the_teen")},
    )
    def post(self, request, link_id: str):
        link = services.link_accept(teen=request.user, link_id=link_id)
        return Response(LinkOut(link).data)


class TeenControlsApi(APIView):
    @extend_schema(
        operation_id="parental_teen_controls",
        responses={200: ControlsOut, **errors(404, 409, e409="link_pending: the teen has not accepted yet")},
    )
    def get(self, request, username: str):
        teen = selectors.teen_for_parent_get(parent=request.user, username=username)
        return Response(ControlsOut(selectors.controls_of(teen=teen)).data)

    @extend_schema(
        operation_id="parental_teen_controls_update",
        request=ControlsIn,
        responses={
            200: ControlsOut,
            **errors(
                400,
                403,
                404,
                409,
                e403="a teen cannot change controls",
                e409="link_pending: the teen has not accepted yet",
            ),
        },
    )
    def patch(self, request, username: str):
        if request.user.is_teen and request.user.username.lower() == username.lower():
            raise Forbidden("Only a linked parent can change these controls.", code="teen_cannot_change_controls")
        teen = selectors.teen_for_parent_get(parent=request.user, username=username)
        data = ControlsIn(data=request.data)
        data.is_valid(raise_exception=True)
        controls = services.controls_update(parent=request.user, teen=teen, **data.validated_data)
        return Response(ControlsOut(controls).data)


class MyControlsApi(APIView):
    @extend_schema(operation_id="parental_my_controls", responses={200: ControlsOut, **errors(404)})
    def get(self, request):
        if not request.user.is_teen:
            raise NotFound("Only teen accounts have parental controls.", code="not_a_teen")
        return Response(ControlsOut(selectors.controls_of(teen=request.user)).data)

    @extend_schema(operation_id="parental_my_controls_update", request=ControlsIn, responses=errors(403))
    def patch(self, request):
        raise Forbidden("Only a linked parent can change these controls.", code="teen_cannot_change_controls")

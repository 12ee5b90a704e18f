"""API tokens through the API (D23): exchange a password for a new token, list and revoke one's
own tokens. ``org.tokens`` decides; these views parse and shape."""

from django.contrib.auth import authenticate
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, permissions, serializers, status, throttling, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from parkflow.core import clock
from parkflow.core.api import (
    ANY_USER,
    ChoiceLabelField,
    ErrorSerializer,
    PolicyViewMixin,
    is_storable_id,
)
from parkflow.core.errors import NotFound
from parkflow.core.security import client_ip

from . import tokens
from .models import ApiToken


class TokenRequestSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=4096, trim_whitespace=False)
    name = serializers.CharField(
        max_length=60,
        required=False,
        allow_blank=True,
        help_text="A label for the device or program, e.g. 财务对账脚本",
    )
    days = serializers.IntegerField(
        required=False,
        min_value=1,
        help_text="Lifetime in days; at most the configured maximum (default 30)",
    )


class ApiTokenSerializer(serializers.ModelSerializer):
    status = serializers.SerializerMethodField(help_text="active / expired / revoked")
    revoked_reason = serializers.ChoiceField(
        choices=ApiToken.RevokeReason.choices,
        allow_blank=True,
        read_only=True,
        help_text="Blank while the token is not revoked",
    )
    revoked_reason_label = ChoiceLabelField("revoked_reason")

    class Meta:
        model = ApiToken
        fields = [
            "id",
            "name",
            "prefix",
            "created_at",
            "expires_at",
            "last_used_at",
            "revoked_at",
            "revoked_reason",
            "revoked_reason_label",
            "status",
        ]
        read_only_fields = fields

    def get_status(self, token) -> str:
        if token.revoked_at is not None:
            return "revoked"
        return "active" if token.is_live(self.context["now"]) else "expired"


class IssuedTokenSerializer(ApiTokenSerializer):
    token = serializers.CharField(help_text="The key: shown this once, never stored")

    class Meta(ApiTokenSerializer.Meta):
        fields = ["token", *ApiTokenSerializer.Meta.fields]
        read_only_fields = fields


class TokenIssueThrottle(throttling.SimpleRateThrottle):
    """Caps password guessing across usernames from one client (axes locks one username at one
    address; this bounds the spray)."""

    scope = "token"
    rate = "30/min"

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": client_ip(request) or ""}


@extend_schema(
    summary="Exchange username and password for a new API token (获取 API 令牌)",
    description=(
        'Every call issues a new token for one device or program. Send it as "Authorization: '
        'Token" followed by a space and the key. The key is returned only here; a token expires '
        "(default 30 days) and is "
        "revoked by its owner, a password change or deactivation of the account. Five failed "
        "attempts for one username from one address lock that pair for 30 minutes (429)."
    ),
    request=TokenRequestSerializer,
    responses={
        200: IssuedTokenSerializer,
        400: OpenApiResponse(ErrorSerializer, description="Wrong username or password"),
        409: OpenApiResponse(ErrorSerializer, description="Too many active tokens"),
        429: OpenApiResponse(ErrorSerializer, description="Locked out or throttled"),
    },
    auth=[],
    tags=["auth"],
)
class TokenView(APIView):
    authentication_classes: list = []
    permission_classes = [permissions.AllowAny]
    throttle_classes = [TokenIssueThrottle]

    def post(self, request):
        data = TokenRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        # axes counts the failure and answers "locked" for this username at this address; the
        # DRF request carries its verdict (the page's HTML lockout response is not used here).
        user = authenticate(
            request=request,
            username=data.validated_data["username"],
            password=data.validated_data["password"],
        )
        if getattr(request, "axes_locked_out", False):
            return Response(
                {
                    "code": "locked_out",
                    "detail": str(
                        _("连续多次登录失败，该账号在此地址已被临时锁定，请 30 分钟后再试。")
                    ),
                    "requirement": tokens.REQUIREMENT,
                },
                status=status.HTTP_429_TOO_MANY_REQUESTS,
            )
        if user is None:
            raise serializers.ValidationError(
                {"non_field_errors": [_("用户名或密码错误，或账号已停用。")]}
            )
        token, key = tokens.issue(
            actor=user,
            name=data.validated_data.get("name", ""),
            days=data.validated_data.get("days"),
        )
        token.token = key
        body = IssuedTokenSerializer(token, context={"now": token.created_at}).data
        return Response(body, status=status.HTTP_200_OK)


@extend_schema_view(
    list=extend_schema(summary="My API tokens (我的 API 令牌)", tags=["auth"]),
    retrieve=extend_schema(summary="One of my API tokens", tags=["auth"]),
    revoke=extend_schema(summary="Revoke one of my API tokens (吊销)", request=None, tags=["auth"]),
)
class ApiTokenViewSet(
    PolicyViewMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Only the caller's own tokens exist here: another user's token id is a 404."""

    queryset = ApiToken.objects.all()  # for the schema; rows come from get_queryset
    serializer_class = ApiTokenSerializer
    policy = {"list": ANY_USER, "retrieve": ANY_USER, "revoke": ANY_USER}

    def get_queryset(self):
        return tokens.for_user(self.request.user)

    def get_object(self):
        if not is_storable_id(self.kwargs.get("pk")):
            raise NotFound(requirement=tokens.REQUIREMENT)
        return super().get_object()

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "now": clock.now()}

    @action(detail=True, methods=["post"])
    def revoke(self, request, pk=None):
        return self.service_action(tokens.revoke, obj="token")

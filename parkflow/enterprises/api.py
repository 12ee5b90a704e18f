"""Enterprise endpoints (R-ENT-1 … R-ENT-6, R-PLT-2). Serializers only parse and shape; every
write and every state change is a call to ``enterprises.services`` — the same functions the pages
use — so the API meets the same permission checks, gates and audit trail. State transitions are
``POST /api/v1/enterprises/{id}/<action>/``. The intake sub-routes of one enterprise (documents,
draws, conflicts, brand flags, standing, admission fee) are intake's: ``intake.api_enterprise.
EnterpriseIntakeViewSet``, registered under the same ``enterprises`` prefix."""

from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.filters import OrderingFilter, SearchFilter
from rest_framework.response import Response

from parkflow.core import audit as audit_trail
from parkflow.core import gates
from parkflow.core.api import (
    ChoiceLabelField,
    IdField,
    IdFilter,
    ScopedPrimaryKeyRelatedField,
    ScopedViewSetMixin,
    person_field,
    staff_users,
)
from parkflow.core.api_views import AuditEventSerializer, ReviewSerializer
from parkflow.core.validation import REASON_MAX_LENGTH
from parkflow.core.workflow_api import transition_actions
from parkflow.org.choices import UnitKind
from parkflow.org.models import OrgUnit

from . import services
from .choices import EnterpriseGrade, EnterpriseStatus, Industry
from .models import BUSINESS_SCOPE_MAX_LENGTH, Enterprise


class EnterpriseSerializer(serializers.ModelSerializer):
    contact_email = serializers.CharField(read_only=True, help_text="E-mail address, or empty")
    park_name = serializers.CharField(source="park.name", read_only=True)
    status_label = ChoiceLabelField("status")
    grade_label = ChoiceLabelField("grade")
    industry_label = ChoiceLabelField("industry")
    account_manager = person_field()
    created_by = person_field()

    class Meta:
        model = Enterprise
        fields = [
            "id",
            "name",
            "credit_code",
            "legal_representative",
            "registered_capital",
            "industry",
            "industry_label",
            "grade",
            "grade_label",
            "contact_name",
            "contact_phone",
            "contact_email",
            "address",
            "company_type",
            "established_on",
            "registered_address",
            "business_scope",
            "park",
            "park_name",
            "account_manager",
            "status",
            "status_label",
            "created_by",
            "created_at",
            "updated_at",
            "status_changed_at",
        ]
        read_only_fields = fields


class EnterpriseCreateSerializer(serializers.Serializer):
    """Input shape only: blank values, the credit-code check digit, uniqueness and permissions
    are the service's to judge (enterprise_create), so an import or the admin meets the same rules."""

    park = ScopedPrimaryKeyRelatedField(queryset=OrgUnit.objects.filter(kind=UnitKind.PARK))
    name = serializers.CharField(allow_blank=True)
    credit_code = serializers.CharField(allow_blank=True, help_text="统一社会信用代码 (18 chars)")
    legal_representative = serializers.CharField(allow_blank=True)
    registered_capital = serializers.DecimalField(
        max_digits=14, decimal_places=2, help_text="注册资本（万元）"
    )
    industry = serializers.ChoiceField(choices=Industry.choices)
    grade = serializers.ChoiceField(choices=EnterpriseGrade.choices, required=False)
    contact_name = serializers.CharField(allow_blank=True)
    contact_phone = serializers.CharField(allow_blank=True)
    contact_email = serializers.CharField(required=False, allow_blank=True)
    address = serializers.CharField(
        required=False, allow_blank=True, help_text="入驻地址: the unit in the park"
    )
    account_manager = IdField(queryset=staff_users(), required=False, allow_null=True)
    # 营业执照信息 (issue 13), all optional.
    company_type = serializers.CharField(
        required=False, allow_blank=True, help_text="类型, e.g. 有限责任公司（自然人投资或控股）"
    )
    established_on = serializers.DateField(
        required=False, allow_null=True, help_text="成立日期 (YYYY-MM-DD), not after today"
    )
    registered_address = serializers.CharField(
        required=False,
        allow_blank=True,
        help_text="住所: the address the business licence registers (not the unit in the park)",
    )
    business_scope = serializers.CharField(
        required=False,
        allow_blank=True,
        help_text=f"经营范围 as the licence prints it, at most {BUSINESS_SCOPE_MAX_LENGTH} characters",
    )


class EnterpriseUpdateSerializer(EnterpriseCreateSerializer):
    park = None  # an enterprise does not move between parks by an edit
    reason = serializers.CharField(
        max_length=REASON_MAX_LENGTH,
        required=False,
        allow_blank=True,
        default="",
        help_text="Why (kept in the audit trail)",
    )


class EnterpriseFilter(filters.FilterSet):
    status = filters.ChoiceFilter(choices=EnterpriseStatus.choices)
    grade = filters.ChoiceFilter(choices=EnterpriseGrade.choices)
    industry = filters.ChoiceFilter(choices=Industry.choices)
    # A plain number, not a lookup: another park's id gives an empty list, not an error that
    # would tell the park exists.
    park = IdFilter(field_name="park_id")

    class Meta:
        model = Enterprise
        fields = ["status", "grade", "industry", "park"]


_TAGS = ["enterprises"]


class PortalInvitationCreateSerializer(serializers.Serializer):
    email = serializers.EmailField(required=False, allow_blank=True, default="")
    send = serializers.BooleanField(required=False, default=False)


class PortalInvitationCreatedSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    link = serializers.CharField(help_text="Shown once; give it to the enterprise's contact")
    expires_at = serializers.DateTimeField()
    email = serializers.CharField(allow_blank=True)
    sent = serializers.BooleanField()


@extend_schema_view(
    list=extend_schema(summary="Enterprises in my scope (企业名录)", tags=_TAGS),
    retrieve=extend_schema(summary="One enterprise", tags=_TAGS),
)
@transition_actions(Enterprise, tags=_TAGS)  # POST /{id}/<step>/ for each step of workflows.py
class EnterpriseViewSet(
    ScopedViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Enterprise records. Staff see the enterprises of their parks (headquarters: all);
    an enterprise user sees only their own (R-ORG-3). There is no delete (R-EXT-2)."""

    queryset = Enterprise.objects.select_related("park", "account_manager", "created_by")
    serializer_class = EnterpriseSerializer
    filter_backends = [filters.DjangoFilterBackend, SearchFilter, OrderingFilter]
    filterset_class = EnterpriseFilter
    search_fields = ["name", "credit_code"]
    ordering_fields = ["name", "created_at", "updated_at", "registered_capital", "status", "grade"]
    ordering = ["-created_at", "-id"]
    policy = {
        "list": "enterprise.view",
        "retrieve": "enterprise.view",
        "create": "enterprise.create",
        "partial_update": "enterprise.edit",
        "reviews": "review.view",
        "audit": "enterprise.timeline",
        "portal_invitation": "portal.invite",
    }

    def _shaped(self, enterprise) -> dict:
        return EnterpriseSerializer(self.get_queryset().get(pk=enterprise.pk)).data

    @extend_schema(
        summary="Register an enterprise (企业建档); it starts as a prospect",
        request=EnterpriseCreateSerializer,
        responses={201: EnterpriseSerializer},
        tags=_TAGS,
    )
    def create(self, request):
        body = EnterpriseCreateSerializer(data=request.data, context={"request": request})
        body.is_valid(raise_exception=True)
        enterprise = services.enterprise_create(actor=request.user, **body.validated_data)
        return Response(self._shaped(enterprise), status=201)

    @extend_schema(
        summary="Edit an enterprise record",
        description="Editing a reviewed field (name, credit code, legal representative, capital, "
        "industry) after approval voids the admission review (R-CPL-1).",
        request=EnterpriseUpdateSerializer,
        responses=EnterpriseSerializer,
        tags=_TAGS,
    )
    def partial_update(self, request, pk=None):
        enterprise = self.get_object()
        body = EnterpriseUpdateSerializer(data=request.data, partial=True)
        body.is_valid(raise_exception=True)
        values = dict(body.validated_data)
        reason = values.pop("reason", "")
        services.enterprise_update(
            actor=request.user, enterprise=enterprise, reason=reason, **values
        )
        return Response(self._shaped(enterprise))

    @extend_schema(
        summary="Gate reviews of this enterprise",
        responses=ReviewSerializer(many=True),
        tags=_TAGS,
    )
    @action(detail=True, methods=["get"], filter_backends=[])
    def reviews(self, request, pk=None):
        enterprise = self.get_object()
        page = self.paginate_queryset(gates.reviews_of(enterprise).select_related("content_type"))
        return self.get_paginated_response(ReviewSerializer(page, many=True).data)

    @extend_schema(
        summary="Audit timeline of this enterprise (审计轨迹), oldest first",
        responses=AuditEventSerializer(many=True),
        tags=_TAGS,
    )
    @action(detail=True, methods=["get"], filter_backends=[])
    def audit(self, request, pk=None):
        enterprise = self.get_object()
        page = self.paginate_queryset(audit_trail.events_for(enterprise))
        return self.get_paginated_response(AuditEventSerializer(page, many=True).data)

    @extend_schema(
        summary="Invite the enterprise to set up a portal account (邀请开通门户)",
        description="Creates a one-time link valid for PARKFLOW_PORTAL_INVITATION_DAYS days and "
        "revokes older pending ones. The link is in this response only (the server keeps its "
        "SHA-256); with send=true it is also e-mailed to `email` (R-PLT-3).",
        request=PortalInvitationCreateSerializer,
        responses={201: PortalInvitationCreatedSerializer},
        tags=_TAGS,
    )
    @action(detail=True, methods=["post"], url_path="portal-invitation")
    def portal_invitation(self, request, pk=None):
        from django.urls import reverse

        from . import invitations

        enterprise = self.get_object()
        body = PortalInvitationCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)

        def accept_url(token):
            return request.build_absolute_uri(reverse("portal:invitation_accept", args=[token]))

        invitation, token = invitations.portal_invitation_create(
            actor=request.user, enterprise=enterprise, accept_url=accept_url, **body.validated_data
        )
        data = {
            "id": invitation.pk,
            "link": accept_url(token),
            "expires_at": invitation.expires_at,
            "email": invitation.email,
            "sent": body.validated_data["send"],
        }
        return Response(PortalInvitationCreatedSerializer(data).data, status=201)

"""Enterprise endpoints (R-ENT-1 … R-ENT-6, R-PLT-2). Serializers only parse and shape; every
write and every state change is a call to ``enterprises.services`` — the same functions the pages
use — so the API meets the same permission checks, gates and audit trail. State transitions are
``POST /api/v1/enterprises/{id}/<action>/``; the intake sub-routes of one enterprise (documents,
draws, brand flags, standing, admission fee) are here too, with their serializers and the other
intake resources in ``enterprises.api_intake``."""

from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.filters import OrderingFilter, SearchFilter
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response

from parkflow.core import access, gates
from parkflow.core import audit as audit_trail
from parkflow.core.api import (
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
from parkflow.intake import services as intake_services
from parkflow.intake.api import (
    AdmissionFeeChargeSerializer,
    AdmissionFeeSerializer,
    BrandFlagSerializer,
    ConflictDeclarationSerializer,
    DocumentSerializer,
    DocumentUploadSerializer,
    ReviewDrawSerializer,
    StandingSerializer,
    people_names,
    with_is_current,
)
from parkflow.intake.models import BrandFlag, QualificationDocument, ReviewDraw
from parkflow.org.choices import UnitKind
from parkflow.org.models import OrgUnit

from . import guards, services
from .choices import EnterpriseGrade, EnterpriseStatus, Industry
from .models import Enterprise


class EnterpriseSerializer(serializers.ModelSerializer):
    contact_email = serializers.CharField(read_only=True, help_text="E-mail address, or empty")
    park_name = serializers.CharField(source="park.name", read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    grade_label = serializers.CharField(source="get_grade_display", read_only=True)
    industry_label = serializers.CharField(source="get_industry_display", read_only=True)
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
    address = serializers.CharField(required=False, allow_blank=True)
    account_manager = IdField(queryset=staff_users(), required=False, allow_null=True)


class EnterpriseUpdateSerializer(EnterpriseCreateSerializer):
    park = None  # an enterprise does not move between parks by an edit
    reason = serializers.CharField(
        max_length=REASON_MAX_LENGTH,
        required=False,
        allow_blank=True,
        default="",
        help_text="Why (kept in the audit trail)",
    )


class ConflictDeclareSerializer(serializers.Serializer):
    reason = serializers.CharField(
        max_length=REASON_MAX_LENGTH, allow_blank=True, help_text="The interest that conflicts"
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
        "declare_conflict": "enterprise.declare_conflict",
        "reviews": "review.view",
        "audit": "enterprise.timeline",
        "documents": "enterprise.view",
        "upload_document": "document.upload",
        "draws": "enterprise.view",
        "brand_flags": "enterprise.view",
        "standing": "enterprise.view",
        "charge_admission_fee": "fee.charge",
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
        summary="Declare a conflict of interest with this enterprise (利益冲突申报)",
        description="The declarer is excluded from reviewing or approving its matters (R-ENT-4).",
        request=ConflictDeclareSerializer,
        responses={201: ConflictDeclarationSerializer},
        tags=_TAGS,
    )
    @action(detail=True, methods=["post"], url_path="declare-conflict")
    def declare_conflict(self, request, pk=None):
        enterprise = self.get_object()
        body = ConflictDeclareSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        declaration = intake_services.conflict_declare(
            actor=request.user, enterprise=enterprise, **body.validated_data
        )
        return Response(ConflictDeclarationSerializer(declaration).data, status=201)

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

    # --- customer intake (R-ENT-2 … R-ENT-6) ----------------------------------------------------

    @extend_schema(
        summary="Qualification documents of this enterprise: every version, newest first",
        responses=DocumentSerializer(many=True),
        tags=["documents"],
    )
    @action(
        detail=True,
        methods=["get"],
        filter_backends=[],
        parser_classes=[MultiPartParser],
    )
    def documents(self, request, pk=None):
        # get_object() authorised the enterprise; its documents are visible with it, to staff
        # and to its own enterprise user alike (QualificationDocument scopes by enterprise).
        enterprise = self.get_object()
        documents = with_is_current(
            QualificationDocument.objects.filter(enterprise=enterprise).select_related(
                "uploaded_by"
            )
        ).order_by("-uploaded_at", "-id")
        page = self.paginate_queryset(documents)
        return self.get_paginated_response(DocumentSerializer(page, many=True).data)

    @extend_schema(
        summary="Upload a qualification document (a new version; older ones are kept)",
        description="PDF, JPG or PNG, recognised by content rather than by name; not empty and "
        "within the size limit; stored under a server-generated name with its SHA-256 "
        "(R-ENT-2). A refused file is 400 with errors.file and nothing is stored.",
        request=DocumentUploadSerializer,
        responses={201: DocumentSerializer},
        tags=["documents"],
    )
    @documents.mapping.post
    def upload_document(self, request, pk=None):
        enterprise = self.get_object()
        body = DocumentUploadSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        values = dict(body.validated_data)
        document = intake_services.document_upload(
            actor=request.user, enterprise=enterprise, upload=values.pop("file"), **values
        )
        shaped = with_is_current(QualificationDocument.objects.select_related("uploaded_by"))
        return Response(DocumentSerializer(shaped.get(pk=document.pk)).data, status=201)

    @extend_schema(
        summary="Reviewer draws of this enterprise (双随机), newest first — staff only",
        description="Pool, exclusions with reasons, seed and result of each draw, so anyone on "
        "the staff side can re-run it (R-ENT-3). Enterprise users get an empty list.",
        responses=ReviewDrawSerializer(many=True),
        tags=["draws"],
    )
    @action(detail=True, methods=["get"], filter_backends=[])
    def draws(self, request, pk=None):
        enterprise = self.get_object()
        draws = access.scope(
            request.user,
            ReviewDraw.objects.filter(enterprise=enterprise).select_related("drawn_by"),
        )
        page = self.paginate_queryset(draws)
        data = ReviewDrawSerializer(page, many=True, context={"names": people_names(page)}).data
        return self.get_paginated_response(data)

    @extend_schema(
        summary="Brand-impersonation flags of this enterprise (品牌冒用嫌疑)",
        description="An open flag blocks approval until a brand authorisation document is "
        "uploaded and approved by a reviewer (R-ENT-6).",
        responses=BrandFlagSerializer(many=True),
        tags=["brands"],
    )
    @action(detail=True, methods=["get"], url_path="brand-flags", filter_backends=[])
    def brand_flags(self, request, pk=None):
        # get_object() authorised the enterprise; its flags are visible with it (BrandFlag
        # scopes by enterprise for staff and enterprise users alike).
        enterprise = self.get_object()
        flags = BrandFlag.objects.filter(enterprise=enterprise).select_related("brand")
        page = self.paginate_queryset(flags)
        return self.get_paginated_response(BrandFlagSerializer(page, many=True).data)

    @extend_schema(
        summary="Is this enterprise in good standing? (准入资格)",
        description="The guard every later agreement, allocation and service calls: a valid "
        "business licence, an approved admission review still matching the record, no open "
        "brand flag (R-ENT-5). Each problem names what is wrong.",
        responses=StandingSerializer,
        tags=_TAGS,
    )
    @action(detail=True, methods=["get"], filter_backends=[])
    def standing(self, request, pk=None):
        enterprise = self.get_object()
        problems = guards.standing_problems(enterprise)
        return Response(
            StandingSerializer({"in_good_standing": not problems, "problems": problems}).data
        )

    @extend_schema(
        summary="Charge the admission fee from the published tariff (入驻费)",
        description="Send no fields: the amount is the park's tariff in force, and staff can "
        "neither set, discount nor waive it — an amount (or any other field) is 400 "
        "(R-ENT-5). Needs an enterprise in good standing; charged once.",
        request=None,
        responses={201: AdmissionFeeSerializer},
        tags=["fees"],
    )
    @action(detail=True, methods=["post"], url_path="charge-admission-fee")
    def charge_admission_fee(self, request, pk=None):
        enterprise = self.get_object()
        AdmissionFeeChargeSerializer(data=request.data).is_valid(raise_exception=True)
        fee = intake_services.admission_fee_charge(actor=request.user, enterprise=enterprise)
        return Response(AdmissionFeeSerializer(fee).data, status=201)

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

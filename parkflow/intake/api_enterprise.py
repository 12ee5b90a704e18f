"""Intake's routes under one enterprise (``/api/v1/enterprises/{id}/documents/``, ``draws/``,
``brand-flags/``, ``standing/``, ``declare-conflict/``, ``charge-admission-fee/``), beside the
register's viewset; the serializers are intake's (``intake.api``)."""

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response

from parkflow.core import access
from parkflow.core.api import (
    ScopedViewSetMixin,
)
from parkflow.core.validation import REASON_MAX_LENGTH
from parkflow.enterprises.models import Enterprise
from parkflow.intake import guards
from parkflow.intake import services as intake_services
from parkflow.intake.models import (
    BrandFlag,
    QualificationDocument,
    ReviewDraw,
)

from .api import (
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


class ConflictDeclareSerializer(serializers.Serializer):
    reason = serializers.CharField(
        max_length=REASON_MAX_LENGTH, allow_blank=True, help_text="The interest that conflicts"
    )


_ENTERPRISE_TAGS = ["enterprises"]


@extend_schema_view()
class EnterpriseIntakeViewSet(ScopedViewSetMixin, viewsets.GenericViewSet):
    """Intake's routes under one enterprise (``/api/v1/enterprises/{id}/…``): registered with
    the same prefix as ``enterprises.api.EnterpriseViewSet`` and its own basename
    (``enterprise-intake``), so the enterprise viewset names nothing of intake (D33)."""

    queryset = Enterprise.objects.select_related("park", "account_manager", "created_by")
    filter_backends = []
    policy = {
        "declare_conflict": "enterprise.declare_conflict",
        "documents": "enterprise.view",
        "upload_document": "document.upload",
        "draws": "enterprise.view",
        "brand_flags": "enterprise.view",
        "standing": "enterprise.view",
        "charge_admission_fee": "fee.charge",
    }

    @extend_schema(
        summary="Declare a conflict of interest with this enterprise (利益冲突申报)",
        description="The declarer is excluded from reviewing or approving its matters (R-ENT-4).",
        request=ConflictDeclareSerializer,
        responses={201: ConflictDeclarationSerializer},
        tags=_ENTERPRISE_TAGS,
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
        tags=_ENTERPRISE_TAGS,
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

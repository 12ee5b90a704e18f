"""Customer-intake endpoints (R-ENT-2 … R-ENT-6, R-PLT-2): qualification documents,
double-random draws, published results, brand flags, conflict declarations, admission fees and
spot checks. The sub-routes of one enterprise (``/enterprises/{id}/documents/`` …) live on
``EnterpriseViewSet`` in ``enterprises.api`` and use the serializers here. Serializers parse and
shape; ``enterprises.services`` decides."""

from collections.abc import Mapping

from django.db.models import Exists, OuterRef
from django.http import FileResponse
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.filters import SearchFilter
from rest_framework.response import Response

from parkflow.core import access
from parkflow.core.api import (
    ChoiceLabelField,
    IdFilter,
    IgnoreAcceptHeader,
    PolicyViewMixin,
    ScopedPrimaryKeyRelatedField,
    ScopedViewSetMixin,
    is_storable_id,
    person_field,
    service_step,
)
from parkflow.core.choices import ReviewDecision
from parkflow.core.errors import NotFound, ValidationFailed
from parkflow.core.validation import REASON_MAX_LENGTH
from parkflow.enterprises.models import Enterprise
from parkflow.intake import selectors
from parkflow.intake import services as intake_services
from parkflow.intake.choices import DocumentType, DrawPurpose
from parkflow.intake.models import (
    AdmissionFee,
    AdmissionFeeTariff,
    BrandFlag,
    ConflictDeclaration,
    ProtectedBrand,
    PublishedResult,
    QualificationDocument,
    ReviewDraw,
    SpotCheckCampaign,
)
from parkflow.org.choices import UnitKind
from parkflow.org.models import OrgUnit, User

# ---------------------------------------------------------------------------------------------
# Conflict-of-interest declarations (R-ENT-4) and admission-fee input (R-ENT-5)


class ConflictDeclarationSerializer(serializers.ModelSerializer):
    person = person_field()
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True)

    class Meta:
        model = ConflictDeclaration
        fields = [
            "id",
            "person",
            "enterprise",
            "enterprise_name",
            "reason",
            "declared_at",
            "withdrawn_at",
        ]
        read_only_fields = fields


class ConflictWithdrawSerializer(serializers.Serializer):
    reason = serializers.CharField(
        max_length=REASON_MAX_LENGTH,
        allow_blank=True,
        help_text="Why the conflict no longer exists (kept in the audit trail)",
    )


class NoExtraFieldsSerializer(serializers.Serializer):
    """Input in which a field the action does not take is an error, not silently dropped: for
    actions whose point is that the caller cannot choose a value."""

    unknown_field_message = _("此操作不接受该字段。")
    requirement = ""

    def to_internal_value(self, data):
        unknown = (
            [name for name in data if name not in self.fields] if isinstance(data, Mapping) else []
        )
        if unknown:
            raise ValidationFailed(
                {name: [self.unknown_field_message] for name in unknown},
                requirement=self.requirement,
            )
        return super().to_internal_value(data)


class AdmissionFeeChargeSerializer(NoExtraFieldsSerializer):
    """No fields at all: the amount is the published tariff in force (R-ENT-5)."""

    unknown_field_message = _("入驻费只能按已公布的收费标准计收，不能指定金额、折扣或减免。")
    requirement = "R-ENT-5"


# ---------------------------------------------------------------------------------------------
# Qualification documents (R-ENT-2)


def with_is_current(documents):
    """Mark each version that is the newest of its enterprise and type, in the same query."""
    newer = QualificationDocument.objects.filter(
        enterprise=OuterRef("enterprise"),
        doc_type=OuterRef("doc_type"),
        version__gt=OuterRef("version"),
    )
    return documents.annotate(is_current=~Exists(newer))


class DocumentSerializer(serializers.ModelSerializer):
    doc_type_label = ChoiceLabelField("doc_type")
    uploaded_by = person_field()
    is_current = serializers.BooleanField(
        read_only=True, help_text="The newest version of this document type"
    )
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = QualificationDocument
        fields = [
            "id",
            "enterprise",
            "doc_type",
            "doc_type_label",
            "version",
            "is_current",
            "original_name",
            "mime_type",
            "size",
            "sha256",
            "valid_from",
            "valid_until",
            "note",
            "uploaded_by",
            "uploaded_at",
            "download_url",
        ]
        read_only_fields = fields

    def get_download_url(self, document) -> str:
        return reverse("api:document-download", args=[document.pk])


class DocumentUploadSerializer(serializers.Serializer):
    """Input shape only: the file's type (by content), size, name and the validity dates are
    judged by ``intake_services.document_upload``."""

    doc_type = serializers.ChoiceField(choices=DocumentType.choices)
    # Empty files reach the service, which refuses them with its own message.
    file = serializers.FileField(allow_empty_file=True, help_text="PDF, JPG or PNG")
    valid_from = serializers.DateField(required=False, allow_null=True, default=None)
    valid_until = serializers.DateField(
        required=False,
        allow_null=True,
        default=None,
        help_text="Required for business licences and operating permits",
    )
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=200)


@extend_schema_view(
    retrieve=extend_schema(summary="One qualification document version", tags=["documents"])
)
class DocumentViewSet(ScopedViewSetMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Qualification documents: visible to whoever may see their enterprise — its park's staff
    and the enterprise itself; anyone else gets the 404 of a missing id (R-ORG-3)."""

    queryset = with_is_current(QualificationDocument.objects.select_related("uploaded_by"))
    serializer_class = DocumentSerializer
    filter_backends: list = []
    policy = {"retrieve": "enterprise.view", "download": "document.download"}

    @extend_schema(
        summary="Download a document (always as an attachment; audited)",
        description="Served with the type recorded at upload (checked by content), as an "
        "attachment under its original name, and never rendered by the browser. Every "
        "download is written to the audit trail (R-ENT-2).",
        responses={(200, mime): OpenApiTypes.BINARY for mime in QualificationDocument.EXTENSIONS},
        tags=["documents"],
    )
    @action(detail=True, methods=["get"], content_negotiation_class=IgnoreAcceptHeader)
    def download(self, request, pk=None):
        document = self.get_object()
        handle = intake_services.document_open(actor=request.user, document=document)
        response = FileResponse(
            handle,
            as_attachment=True,
            filename=document.original_name,
            content_type=document.mime_type,
        )
        response["X-Content-Type-Options"] = "nosniff"
        response["Cache-Control"] = "private, no-store"
        return response


# ---------------------------------------------------------------------------------------------
# Double-random draws (R-ENT-3)


class DrawPersonSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


def people_names(draws) -> dict[int, str]:
    """Names of everyone in the pools and results of ``draws``, in one query."""
    ids = {pk for draw in draws for pk in [*draw.pool, *draw.selected]}
    return {person.pk: str(person) for person in User.objects.filter(pk__in=ids)}


class ReviewDrawSerializer(serializers.ModelSerializer):
    """A recorded draw: its pool, seed and result, so anyone on the staff side can re-run it.
    Needs ``context["names"]`` (``people_names``)."""

    purpose_label = ChoiceLabelField("purpose")
    pool = serializers.SerializerMethodField(help_text="The eligible reviewers, by id")
    excluded = serializers.DictField(
        child=serializers.CharField(), read_only=True, help_text="Person id → why excluded"
    )
    selected = serializers.SerializerMethodField(help_text="The reviewers drawn, in draw order")
    drawn_by = person_field()

    class Meta:
        model = ReviewDraw
        fields = [
            "id",
            "enterprise",
            "purpose",
            "purpose_label",
            "gate",
            "round",
            "seed",
            "pool",
            "excluded",
            "count",
            "selected",
            "drawn_by",
            "drawn_at",
            "campaign",
        ]
        read_only_fields = fields

    def _people(self, ids) -> list[dict]:
        names = self.context["names"]
        return [{"id": pk, "name": names.get(pk, "")} for pk in ids]

    @extend_schema_field(DrawPersonSerializer(many=True))
    def get_pool(self, draw):
        return self._people(draw.pool)

    @extend_schema_field(DrawPersonSerializer(many=True))
    def get_selected(self, draw):
        return self._people(draw.selected)


class DrawRerunSerializer(serializers.Serializer):
    selected = serializers.ListField(
        child=serializers.IntegerField(), help_text="Re-run from the recorded pool and seed"
    )
    recorded = serializers.ListField(
        child=serializers.IntegerField(), help_text="The result recorded at the time"
    )
    matches = serializers.BooleanField()


# Draws are staff-side: ReviewDraw declares no enterprise scope, so ``access.scope`` gives an
# enterprise user none of them (an empty list, or the 404 of a missing id) — the pool and the
# reasons for exclusion are internal.
@extend_schema_view(retrieve=extend_schema(summary="One recorded draw", tags=["draws"]))
class ReviewDrawViewSet(ScopedViewSetMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Recorded "double random" draws (双随机, R-ENT-3)."""

    queryset = ReviewDraw.objects.select_related("drawn_by")
    serializer_class = ReviewDrawSerializer
    filter_backends: list = []
    policy = {"retrieve": "enterprise.view", "rerun": "enterprise.view"}

    def retrieve(self, request, pk=None):
        draw = self.get_object()
        return Response(ReviewDrawSerializer(draw, context={"names": people_names([draw])}).data)

    @extend_schema(
        summary="Re-run a recorded draw (read-only)",
        description="Draws again from the recorded pool with the recorded seed; the result must "
        "equal the recorded one, which shows nobody chose the reviewers by hand. Writes nothing.",
        request=None,
        responses=DrawRerunSerializer,
        tags=["draws"],
    )
    @action(detail=True, methods=["post"])
    def rerun(self, request, pk=None):
        draw = self.get_object()
        selected = intake_services.draw_rerun(draw)
        body = {
            "selected": selected,
            "recorded": draw.selected,
            "matches": selected == draw.selected,
        }
        return Response(DrawRerunSerializer(body).data)


# ---------------------------------------------------------------------------------------------
# Published review results ("一公开", R-ENT-3)


class PublishedResultSerializer(serializers.ModelSerializer):
    """Name, matter, decision and date — never the reviewers or their opinions."""

    purpose_label = ChoiceLabelField("purpose")
    decision = serializers.ChoiceField(choices=ReviewDecision.choices, read_only=True)
    decision_label = serializers.CharField(read_only=True)

    class Meta:
        model = PublishedResult
        fields = [
            "id",
            "enterprise_name",
            "purpose",
            "purpose_label",
            "decision",
            "decision_label",
            "decided_on",
            "published_at",
        ]
        read_only_fields = fields


class PublishedResultFilter(filters.FilterSet):
    purpose = filters.ChoiceFilter(choices=DrawPurpose.choices)
    decision = filters.ChoiceFilter(choices=ReviewDecision.choices)

    class Meta:
        model = PublishedResult
        fields = ["purpose", "decision"]


@extend_schema_view(
    list=extend_schema(summary="Published review results (审查结果公示)", tags=["results"])
)
class PublishedResultViewSet(ScopedViewSetMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    """The outcomes of admission reviews and spot checks, published (一公开, R-ENT-3).

    Public across parks by its permission declaration: every staff member with ``result.view``
    and every enterprise user reads the whole list (``intake/permissions.py``). It holds
    only name, matter, decision and date."""

    queryset = PublishedResult.objects.all()
    serializer_class = PublishedResultSerializer
    filter_backends = [filters.DjangoFilterBackend]
    filterset_class = PublishedResultFilter
    policy = {"list": "result.view"}


# ---------------------------------------------------------------------------------------------
# Brand-impersonation check (R-ENT-6)


class BrandFlagSerializer(serializers.ModelSerializer):
    brand_name = serializers.CharField(source="brand.name", read_only=True)
    method_label = ChoiceLabelField("method")
    status = serializers.CharField(read_only=True, help_text="open (blocks approval) or cleared")
    status_label = ChoiceLabelField("status")
    why = serializers.CharField(
        read_only=True, help_text="Why it matched, in Chinese (命中依据), as found at check time"
    )
    evidence = serializers.JSONField(
        read_only=True,
        help_text="path (word, compound, alias, traditional, latin_alias, latin_pinyin, "
        "homophone, near_miss), span, segments, brand_reading, span_reading, score",
    )

    class Meta:
        model = BrandFlag
        fields = [
            "id",
            "enterprise",
            "brand",
            "brand_name",
            "matched_name",
            "method",
            "method_label",
            "score",
            "why",
            "evidence",
            "status",
            "status_label",
            "raised_at",
            "cleared_at",
            "cleared_by_document",
        ]
        read_only_fields = fields


class ProtectedBrandSerializer(serializers.ModelSerializer):
    alias_list = serializers.ListField(child=serializers.CharField(), read_only=True)
    reading_display = serializers.CharField(read_only=True, help_text="e.g. huá wéi")
    distinct_word_list = serializers.ListField(child=serializers.CharField(), read_only=True)

    class Meta:
        model = ProtectedBrand
        fields = [
            "id",
            "name",
            "aliases",
            "alias_list",
            "owner",
            "reading",
            "reading_display",
            "distinct_words",
            "distinct_word_list",
            "is_active",
        ]
        read_only_fields = fields


class ProtectedBrandCreateSerializer(serializers.Serializer):
    name = serializers.CharField(allow_blank=True)
    aliases = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        help_text="Comma-separated, e.g. HUAWEI,华为技术",
    )
    owner = serializers.CharField(required=False, allow_blank=True, default="")
    reading = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        help_text="The brand's own reading, pinyin with tone numbers: hua2 wei2. Blank: the "
        "most common reading.",
    )
    distinct_words = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        help_text="Comma-separated words that contain the brand but are not it, e.g. 京东方",
    )


class ProtectedBrandUpdateSerializer(serializers.Serializer):
    name = serializers.CharField(required=False, allow_blank=True)
    aliases = serializers.CharField(required=False, allow_blank=True)
    owner = serializers.CharField(required=False, allow_blank=True)
    reading = serializers.CharField(required=False, allow_blank=True)
    distinct_words = serializers.CharField(required=False, allow_blank=True)
    is_active = serializers.BooleanField(required=False)


@extend_schema_view(
    list=extend_schema(summary="Protected brands (受保护品牌名录)", tags=["brands"])
)
class ProtectedBrandViewSet(PolicyViewMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    """The maintained list applicants' names are compared with (R-ENT-6). Group-wide reference
    data, not scoped to a park: the ``brand.manage`` action decides."""

    queryset = ProtectedBrand.objects.all()
    serializer_class = ProtectedBrandSerializer
    filter_backends = [SearchFilter]
    search_fields = ["name", "aliases", "owner"]
    policy = {"list": "brand.manage", "create": "brand.manage", "partial_update": "brand.manage"}

    @extend_schema(
        summary="Add a protected brand",
        request=ProtectedBrandCreateSerializer,
        responses={201: ProtectedBrandSerializer},
        tags=["brands"],
    )
    def create(self, request):
        body = ProtectedBrandCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        brand = intake_services.protected_brand_create(actor=request.user, **body.validated_data)
        return Response(ProtectedBrandSerializer(brand).data, status=201)

    @extend_schema(
        summary="Edit a protected brand (its reading, aliases, distinct words, active)",
        request=ProtectedBrandUpdateSerializer,
        responses={200: ProtectedBrandSerializer},
        tags=["brands"],
    )
    def partial_update(self, request, pk=None):
        if not is_storable_id(pk):
            raise NotFound()
        brand = self.get_object()
        body = ProtectedBrandUpdateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        brand = intake_services.protected_brand_update(
            actor=request.user, brand=brand, **body.validated_data
        )
        return Response(ProtectedBrandSerializer(brand).data)


# ---------------------------------------------------------------------------------------------
# Conflict-of-interest declarations (R-ENT-4)


class ConflictFilter(filters.FilterSet):
    active = filters.BooleanFilter(
        field_name="withdrawn_at", lookup_expr="isnull", label="Only declarations not withdrawn"
    )

    class Meta:
        model = ConflictDeclaration
        fields = ["active"]


@extend_schema_view(
    list=extend_schema(
        summary="My conflict-of-interest declarations (我的利益冲突申报)", tags=["conflicts"]
    )
)
class ConflictDeclarationViewSet(
    ScopedViewSetMixin, mixins.ListModelMixin, viewsets.GenericViewSet
):
    """A declaration is personal: each staff member sees and withdraws only their own.
    Declaring is ``POST /enterprises/{id}/declare-conflict/``."""

    queryset = ConflictDeclaration.objects.select_related("person", "enterprise")
    serializer_class = ConflictDeclarationSerializer
    filter_backends = [filters.DjangoFilterBackend]
    filterset_class = ConflictFilter
    policy = {"list": "enterprise.declare_conflict", "withdraw": "enterprise.declare_conflict"}
    # Rows come through ``restrict`` for the route's action: the declaration's owner rule
    # leaves only one's own (someone else's is a 404, as if it did not exist).
    restrict_to_action = True

    withdraw = service_step(
        "withdraw",
        intake_services.conflict_withdraw,
        obj="declaration",
        input=ConflictWithdrawSerializer,
        output=ConflictDeclarationSerializer,
        summary="Withdraw my declaration (e.g. the interest has ended)",
        description="The declarer takes part in draws and approvals of the enterprise again.",
        tags=["conflicts"],
    )


# ---------------------------------------------------------------------------------------------
# Admission fees (R-ENT-5)


class AdmissionTariffSerializer(serializers.ModelSerializer):
    park_name = serializers.CharField(source="park.name", read_only=True)
    in_force = serializers.BooleanField(read_only=True, help_text="The tariff charged today")
    published_by = person_field()

    class Meta:
        model = AdmissionFeeTariff
        fields = [
            "id",
            "park",
            "park_name",
            "amount",
            "effective_from",
            "in_force",
            "published_at",
            "published_by",
        ]
        read_only_fields = fields


class TariffPublishSerializer(serializers.Serializer):
    park = ScopedPrimaryKeyRelatedField(queryset=OrgUnit.objects.filter(kind=UnitKind.PARK))
    amount = serializers.DecimalField(max_digits=12, decimal_places=2, help_text="入驻费（元）")
    effective_from = serializers.DateField(help_text="Today or later: never retroactive")


class TariffFilter(filters.FilterSet):
    park = IdFilter(field_name="park_id")

    class Meta:
        model = AdmissionFeeTariff
        fields = ["park"]


class AdmissionFeeSerializer(serializers.ModelSerializer):
    charged_by = person_field()

    class Meta:
        model = AdmissionFee
        fields = ["id", "enterprise", "tariff", "amount", "charged_at", "charged_by"]
        read_only_fields = fields


@extend_schema_view(
    list=extend_schema(
        summary="Published admission fee tariffs in my scope (入驻费标准)", tags=["fees"]
    )
)
class AdmissionTariffViewSet(ScopedViewSetMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    """The only amounts an admission fee can be (R-ENT-5); charging is
    ``POST /enterprises/{id}/charge-admission-fee/``."""

    queryset = AdmissionFeeTariff.objects.select_related("park", "published_by").order_by(
        "park__name", "-effective_from"
    )
    serializer_class = AdmissionTariffSerializer
    filter_backends = [filters.DjangoFilterBackend]
    filterset_class = TariffFilter
    policy = {"list": "tariff.view", "create": "tariff.publish"}

    def get_queryset(self):
        return selectors.tariffs_with_in_force(super().get_queryset())

    @extend_schema(
        summary="Publish a park's admission fee tariff",
        description="Takes effect on its date, never retroactively; audited.",
        request=TariffPublishSerializer,
        responses={201: AdmissionTariffSerializer},
        tags=["fees"],
    )
    def create(self, request):
        body = TariffPublishSerializer(data=request.data, context={"request": request})
        body.is_valid(raise_exception=True)
        tariff = intake_services.tariff_publish(actor=request.user, **body.validated_data)
        return Response(
            AdmissionTariffSerializer(self.get_queryset().get(pk=tariff.pk)).data, status=201
        )


# ---------------------------------------------------------------------------------------------
# Good standing (R-ENT-5) and quarterly spot checks (R-ENT-3)


class StandingSerializer(serializers.Serializer):
    in_good_standing = serializers.BooleanField(
        help_text="May have agreements, resources and services"
    )
    problems = serializers.ListField(
        child=serializers.CharField(), help_text="What stands in the way, naming the document"
    )


class SpotCheckCampaignSerializer(serializers.ModelSerializer):
    """Needs ``context["visible"]``: {enterprise id: name} of the sampled enterprises the reader
    may see; the others count in ``sample_size`` but are not named (R-ORG-3)."""

    population_size = serializers.SerializerMethodField()
    sample_size = serializers.SerializerMethodField()
    sample = serializers.SerializerMethodField(help_text="Sampled enterprises in my scope")

    class Meta:
        model = SpotCheckCampaign
        fields = [
            "id",
            "quarter",
            "seed",
            "rate",
            "population_size",
            "sample_size",
            "sample",
            "drawn_at",
        ]
        read_only_fields = fields

    def get_population_size(self, campaign) -> int:
        return len(campaign.population)

    def get_sample_size(self, campaign) -> int:
        return len(campaign.sample)

    @extend_schema_field(DrawPersonSerializer(many=True))
    def get_sample(self, campaign):
        visible = self.context["visible"]
        return [{"id": pk, "name": visible[pk]} for pk in campaign.sample if pk in visible]


class SpotCheckRunSerializer(serializers.Serializer):
    quarter = serializers.RegexField(
        r"^\d{4}Q[1-4]$", required=False, help_text="e.g. 2026Q3; default: the current quarter"
    )


def visible_names(user, campaigns) -> dict[int, str]:
    ids = {pk for campaign in campaigns for pk in campaign.sample}
    enterprises = access.scope(user, Enterprise.objects.filter(pk__in=ids))
    return dict(enterprises.values_list("pk", "name"))


@extend_schema_view(
    list=extend_schema(summary="Quarterly spot-check draws (季度抽查)", tags=["spot-checks"])
)
class SpotCheckCampaignViewSet(PolicyViewMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    """One group-wide random sample of approved enterprises per quarter (R-ENT-3). A campaign
    spans every park, so it is not scoped itself; the sampled enterprises are named only to
    those who may see them."""

    queryset = SpotCheckCampaign.objects.all()
    serializer_class = SpotCheckCampaignSerializer
    filter_backends: list = []
    policy = {"list": "spot_check.view", "run": "spot_check.run"}

    def list(self, request):
        page = self.paginate_queryset(self.get_queryset())
        context = {"visible": visible_names(request.user, page)}
        data = SpotCheckCampaignSerializer(page, many=True, context=context).data
        return self.get_paginated_response(data)

    @extend_schema(
        summary="Run the quarter's spot-check draw",
        description="Draws the random sample and one random reviewer for each sampled "
        "enterprise; the seed is the system's, never the caller's. Running a quarter again "
        "returns its existing draw.",
        request=SpotCheckRunSerializer,
        responses=SpotCheckCampaignSerializer,
        tags=["spot-checks"],
    )
    @action(detail=False, methods=["post"])
    def run(self, request):
        body = SpotCheckRunSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        campaign = intake_services.spot_check_campaign_run(
            actor=request.user, **body.validated_data
        )
        context = {"visible": visible_names(request.user, [campaign])}
        return Response(SpotCheckCampaignSerializer(campaign, context=context).data)

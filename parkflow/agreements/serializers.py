"""Shapes of the agreements API (R-AGR-1 … R-AGR-6). Output serializers read rows; input
serializers only parse: every rule — mandatory clauses, no bundling, tariffs, gates — is judged by
``services`` (STYLE.md §8), so the pages, an import and the admin meet the same ones."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from parkflow.core import access
from parkflow.core.api import (
    ChoiceLabelField,
    IdField,
    ScopedPrimaryKeyRelatedField,
    person_field,
    staff_users,
)
from parkflow.core.choices import GateStatus
from parkflow.enterprises.models import Enterprise
from parkflow.org.choices import UnitKind
from parkflow.org.models import OrgUnit

from . import gates
from .choices import AgreementKind, FeeKind, FeePeriod, LineBasis, TariffUnit, VenueKind
from .models import (
    Agreement,
    AgreementClause,
    FeeLine,
    ServiceItem,
    ServiceLine,
    Tariff,
    Template,
    TemplateClause,
    TemplateReReview,
    TemplateVersion,
    Venue,
)

# ---------------------------------------------------------------------------------------------
# Gate states (shown on an agreement's and a template version's detail)


class GateStateSerializer(serializers.Serializer):
    code = serializers.CharField()
    label = serializers.CharField()
    requirement = serializers.CharField()
    applies = serializers.BooleanField(help_text="False: the gate does not apply (no exception)")
    status = serializers.CharField(help_text="passed, open, refused, void or not_applicable")
    status_label = serializers.CharField()


def gate_states(obj, chain) -> list[dict]:
    """Each gate's state on the row as stored (an edit behind the services' back shows as void)."""
    states = []
    for gate in chain:
        status = gate.status(obj)
        states.append(
            {
                "code": gate.code,
                "label": str(gate.label),
                "requirement": gate.requirement,
                "applies": status != GateStatus.NOT_APPLICABLE,
                "status": status,
                "status_label": str(GateStatus(status).label),
            }
        )
    return states


# ---------------------------------------------------------------------------------------------
# Reference data: venues, service items, tariffs


class VenueSerializer(serializers.ModelSerializer):
    kind_label = ChoiceLabelField("kind")

    class Meta:
        model = Venue
        fields = ["id", "name", "kind", "kind_label", "is_active", "note"]
        read_only_fields = fields


class VenueInputSerializer(serializers.Serializer):
    name = serializers.CharField(allow_blank=True)
    kind = serializers.ChoiceField(choices=VenueKind.choices)
    is_active = serializers.BooleanField(required=False, default=True)
    note = serializers.CharField(required=False, allow_blank=True, default="")


class ServiceItemSerializer(serializers.ModelSerializer):
    class Meta:
        model = ServiceItem
        fields = ["id", "park", "code", "name", "description", "required_for", "is_active"]
        read_only_fields = fields


class ServiceItemInputSerializer(serializers.Serializer):
    park = ScopedPrimaryKeyRelatedField(queryset=OrgUnit.objects.filter(kind=UnitKind.PARK))
    code = serializers.CharField(allow_blank=True)
    name = serializers.CharField(allow_blank=True)
    description = serializers.CharField(required=False, allow_blank=True, default="")
    required_for = serializers.ListField(
        child=serializers.ChoiceField(choices=AgreementKind.choices),
        required=False,
        default=list,
        help_text="The agreement kinds that must include it (R-AGR-3); optional for the others",
    )
    is_active = serializers.BooleanField(required=False, default=True)


class ServiceItemUpdateSerializer(ServiceItemInputSerializer):
    park = None  # an item does not move between parks
    code = serializers.CharField(required=False, allow_blank=True)
    name = serializers.CharField(required=False, allow_blank=True)
    description = serializers.CharField(required=False, allow_blank=True)
    required_for = serializers.ListField(
        child=serializers.ChoiceField(choices=AgreementKind.choices), required=False
    )
    is_active = serializers.BooleanField(required=False)


class TariffSerializer(serializers.ModelSerializer):
    fee_kind_label = ChoiceLabelField("fee_kind")
    unit_label = ChoiceLabelField("unit")
    published_by = person_field()

    class Meta:
        model = Tariff
        fields = [
            "id",
            "park",
            "fee_kind",
            "fee_kind_label",
            "service_item",
            "unit",
            "unit_label",
            "price",
            "effective_from",
            "published_at",
            "published_by",
            "note",
        ]
        read_only_fields = fields


class PricePublishSerializer(serializers.Serializer):
    park = ScopedPrimaryKeyRelatedField(queryset=OrgUnit.objects.filter(kind=UnitKind.PARK))
    fee_kind = serializers.ChoiceField(choices=FeeKind.choices)
    unit = serializers.ChoiceField(choices=TariffUnit.choices)
    price = serializers.DecimalField(max_digits=12, decimal_places=2, help_text="元")
    effective_from = serializers.DateField(help_text="Today or later: never retroactive")
    service_item = ScopedPrimaryKeyRelatedField(
        queryset=ServiceItem.objects.all(), required=False, allow_null=True, default=None
    )
    note = serializers.CharField(required=False, allow_blank=True, default="")


# ---------------------------------------------------------------------------------------------
# Templates (R-AGR-1)


class ClauseSerializerBase(serializers.ModelSerializer):
    kind_label = ChoiceLabelField("kind")
    venue_kind_label = ChoiceLabelField("venue_kind")

    class Meta:
        fields = [
            "position",
            "kind",
            "kind_label",
            "title",
            "text",
            "venue_kind",
            "venue_kind_label",
            "venue_name",
        ]
        read_only_fields = fields


class TemplateClauseSerializer(ClauseSerializerBase):
    class Meta(ClauseSerializerBase.Meta):
        model = TemplateClause


class AgreementClauseSerializer(ClauseSerializerBase):
    class Meta(ClauseSerializerBase.Meta):
        model = AgreementClause


class ClausesInputSerializer(serializers.Serializer):
    """The whole list, in order. Each item: kind, title, text and, for a dispute clause,
    venue_kind and venue_name; the service checks them and names a bad one by its number."""

    clauses = serializers.ListField(child=serializers.DictField(), allow_empty=True)


class TemplateSerializer(serializers.ModelSerializer):
    kind_label = ChoiceLabelField("kind")

    class Meta:
        model = Template
        fields = ["id", "park", "name", "kind", "kind_label", "owner_unit", "created_at"]
        read_only_fields = fields


class TemplateVersionSerializer(serializers.ModelSerializer):
    template_name = serializers.CharField(source="template.name", read_only=True)
    kind = serializers.CharField(source="template.kind", read_only=True)
    status_label = ChoiceLabelField("status")

    class Meta:
        model = TemplateVersion
        fields = [
            "id",
            "template",
            "template_name",
            "kind",
            "number",
            "status",
            "status_label",
            "note",
            "created_at",
            "approved_at",
            "last_reviewed_on",
        ]
        read_only_fields = fields


class TemplateReReviewSerializer(serializers.ModelSerializer):
    reviewer = person_field()

    class Meta:
        model = TemplateReReview
        fields = ["id", "version", "reviewer", "opinion", "reviewed_on", "created_at"]
        read_only_fields = fields


class TemplateVersionDetailSerializer(TemplateVersionSerializer):
    clauses = TemplateClauseSerializer(many=True, read_only=True)
    rereviews = TemplateReReviewSerializer(many=True, read_only=True)
    created_by = person_field()
    gates = serializers.SerializerMethodField()

    class Meta(TemplateVersionSerializer.Meta):
        fields = [*TemplateVersionSerializer.Meta.fields, "created_by", "clauses", "rereviews"]
        fields.append("gates")
        read_only_fields = fields

    @extend_schema_field(GateStateSerializer(many=True))
    def get_gates(self, version):
        return gate_states(version, (gates.TEMPLATE_REVIEW,))


class TemplateCreateSerializer(serializers.Serializer):
    park = ScopedPrimaryKeyRelatedField(queryset=OrgUnit.objects.filter(kind=UnitKind.PARK))
    name = serializers.CharField(allow_blank=True)
    kind = serializers.ChoiceField(choices=AgreementKind.choices)
    clauses = serializers.ListField(child=serializers.DictField(), allow_empty=True)
    owner_unit = ScopedPrimaryKeyRelatedField(
        queryset=OrgUnit.objects.all(), required=False, allow_null=True, default=None
    )
    note = serializers.CharField(required=False, allow_blank=True, default="")


class TemplateVersionCreateSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, default="")


class TemplateReReviewInputSerializer(serializers.Serializer):
    opinion = serializers.CharField(allow_blank=True, help_text="书面复核意见 (Art.18(三))")


# ---------------------------------------------------------------------------------------------
# Agreements (R-AGR-2 … R-AGR-6)


class AgreementSerializer(serializers.ModelSerializer):
    """One row of the list: no clauses, lines or fees (those are the detail's)."""

    kind_label = ChoiceLabelField("kind")
    status_label = ChoiceLabelField("status")
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True)

    class Meta:
        model = Agreement
        fields = [
            "id",
            "number",
            "version",
            "amends",
            "title",
            "kind",
            "kind_label",
            "status",
            "status_label",
            "park",
            "enterprise",
            "enterprise_name",
            "start_date",
            "end_date",
            "signed_on",
            "migrated",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class ServiceLineSerializer(serializers.ModelSerializer):
    item_code = serializers.CharField(source="item.code", read_only=True)
    item_name = serializers.CharField(source="item.name", read_only=True)
    basis_label = ChoiceLabelField("basis")
    confirmed_via_label = ChoiceLabelField("confirmed_via")
    confirmed_by = person_field()
    is_confirmed = serializers.BooleanField(read_only=True)

    class Meta:
        model = ServiceLine
        fields = [
            "id",
            "item",
            "item_code",
            "item_name",
            "basis",
            "basis_label",
            "is_confirmed",
            "confirmed_via",
            "confirmed_via_label",
            "confirmed_at",
            "confirmed_by",
            "note",
            "added_at",
        ]
        read_only_fields = fields


class FeeLineSerializer(serializers.ModelSerializer):
    kind_label = ChoiceLabelField("kind")
    period_label = ChoiceLabelField("period")
    above_tariff = serializers.BooleanField(read_only=True)
    discount_percent = serializers.DecimalField(max_digits=6, decimal_places=2, read_only=True)

    class Meta:
        model = FeeLine
        fields = [
            "id",
            "position",
            "kind",
            "kind_label",
            "service_item",
            "label",
            "quantity",
            "unit_price",
            "tariff",
            "tariff_price",
            "above_tariff",
            "discount_percent",
            "period",
            "period_label",
            "start_date",
            "end_date",
            "escalation_percent",
        ]
        read_only_fields = fields


class AgreementDetailSerializer(AgreementSerializer):
    """One agreement with its content (clauses, service lines, fee schedule) and the state of
    each gate that guards its signature."""

    template_version = serializers.PrimaryKeyRelatedField(read_only=True)
    clauses = AgreementClauseSerializer(many=True, read_only=True)
    lines = ServiceLineSerializer(many=True, read_only=True)
    fees = FeeLineSerializer(many=True, read_only=True)
    gates = serializers.SerializerMethodField()
    price_approver = person_field()
    park_signatory = person_field()
    signed_by = person_field()
    created_by = person_field()

    class Meta(AgreementSerializer.Meta):
        fields = [
            *AgreementSerializer.Meta.fields,
            "template_version",
            "return_opinion",
            "price_approver",
            "submitted_at",
            "enterprise_signatory",
            "park_signatory",
            "signed_by",
            "scan_name",
            "scan_mime",
            "scan_size",
            "created_by",
            "clauses",
            "lines",
            "fees",
            "gates",
        ]
        read_only_fields = fields

    # What stays inside the park: who reviewed and what they wrote, who drafted and signed.
    INTERNAL = ("return_opinion", "gates", "price_approver", "signed_by", "created_by")

    @extend_schema_field(GateStateSerializer(many=True))
    def get_gates(self, agreement):
        return gate_states(agreement, gates.CHAIN)

    def to_representation(self, agreement):
        shown = super().to_representation(agreement)
        request = self.context.get("request")
        if request is not None and access.is_enterprise_user(request.user):
            for name in self.INTERNAL:
                shown.pop(name, None)
        return shown


class AgreementCreateSerializer(serializers.Serializer):
    enterprise = ScopedPrimaryKeyRelatedField(queryset=Enterprise.objects.all())
    template_version = ScopedPrimaryKeyRelatedField(
        queryset=TemplateVersion.objects.select_related("template"),
        help_text="An approved template version of the enterprise's park",
    )
    title = serializers.CharField(allow_blank=True)
    start_date = serializers.DateField()
    end_date = serializers.DateField()


class AgreementUpdateSerializer(serializers.Serializer):
    title = serializers.CharField(required=False, allow_blank=True)
    start_date = serializers.DateField(required=False)
    end_date = serializers.DateField(required=False)
    price_approver = IdField(
        queryset=staff_users(),
        required=False,
        allow_null=True,
        help_text="The leader who approves a price exception (R-AGR-5)",
    )


class ServiceLineAddSerializer(serializers.Serializer):
    item = ScopedPrimaryKeyRelatedField(queryset=ServiceItem.objects.all())
    basis = serializers.ChoiceField(
        choices=LineBasis.choices,
        required=False,
        allow_blank=True,
        help_text="Derived from the agreement's kind; a service the kind does not require can "
        "never be made required (409 line_cannot_be_required, R-AGR-3)",
    )
    note = serializers.CharField(required=False, allow_blank=True, default="")


class FeeLineInputSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=FeeKind.choices)
    label = serializers.CharField(required=False, allow_blank=True)
    quantity = serializers.DecimalField(max_digits=12, decimal_places=2, required=False)
    unit_price = serializers.DecimalField(
        max_digits=12,
        decimal_places=2,
        required=False,
        allow_null=True,
        help_text="Default: the tariff in force on the start date (R-AGR-5)",
    )
    period = serializers.ChoiceField(choices=FeePeriod.choices)
    start_date = serializers.DateField()
    end_date = serializers.DateField(required=False, allow_null=True)
    escalation_percent = serializers.DecimalField(max_digits=5, decimal_places=2, required=False)
    service_item = ScopedPrimaryKeyRelatedField(
        queryset=ServiceItem.objects.all(), required=False, allow_null=True
    )


class SignSerializer(serializers.Serializer):
    signed_on = serializers.DateField()
    enterprise_signatory = serializers.CharField(allow_blank=True)
    park_signatory = IdField(
        queryset=staff_users(),
        required=False,
        allow_null=True,
        default=None,
        help_text="Default: the person recording the signature",
    )
    # Empty files reach the service, which refuses them with its own message.
    scan = serializers.FileField(allow_empty_file=True, help_text="PDF, JPG or PNG")


class AmendSerializer(serializers.Serializer):
    title = serializers.CharField(required=False, allow_blank=True, default="")

"""Shapes of the resources API (R-RES-1 … R-RES-6). Output serializers read rows; input
serializers only parse: the entitlement, the gates, the free slot and who may act are judged by
``services`` (STYLE.md §8), so the pages, the portal, an import and the admin meet the same ones.
What stays inside the park — who holds a slot, who granted an allocation, a resource's value —
is dropped for an enterprise (portal) user."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from parkflow.core import access
from parkflow.core.api import (
    ChoiceLabelField,
    IdField,
    ScopedPrimaryKeyRelatedField,
    person_field,
)
from parkflow.core.choices import GateStatus
from parkflow.enterprises.choices import EnterpriseGrade
from parkflow.enterprises.models import Enterprise
from parkflow.org.choices import UnitKind
from parkflow.org.models import OrgUnit

from . import gates
from .choices import DeviationKind, ResourceKind, ResourceStatus
from .entitlements import standing_of
from .models import Allocation, Deviation, Entitlement, Resource, ResourceRequest


def for_enterprise_user(context) -> bool:
    request = context.get("request")
    return request is not None and access.is_enterprise_user(request.user)


def visible_resources(user, rows=None):
    """The resources ``user`` may see: staff their parks' (``resource.view``); an enterprise
    user the resources of its own park, to book (``resource.book``, never another park's)."""
    rows = Resource.objects.all() if rows is None else rows
    enterprise_id = access.enterprise_id_of(user)
    if enterprise_id is None:
        return access.scope(user, rows)
    own_park = Enterprise.objects.filter(pk=enterprise_id).values("park_id")
    return access.restrict(user, "resource.book", rows).filter(park_id__in=own_park)


class InternalFieldsMixin:
    """Drops ``INTERNAL`` fields for an enterprise user."""

    INTERNAL: tuple[str, ...] = ()

    def to_representation(self, instance):
        shown = super().to_representation(instance)
        if self.INTERNAL and for_enterprise_user(self.context):
            for name in self.INTERNAL:
                shown.pop(name, None)
        return shown


# ---------------------------------------------------------------------------------------------
# The catalogue (R-RES-1)


class ResourceSerializer(InternalFieldsMixin, serializers.ModelSerializer):
    kind_label = ChoiceLabelField("kind")
    status_label = ChoiceLabelField("status")

    INTERNAL = ("value", "created_at")

    class Meta:
        model = Resource
        fields = [
            "id",
            "park",
            "kind",
            "kind_label",
            "code",
            "name",
            "building",
            "floor",
            "number",
            "area",
            "capacity",
            "equipment",
            "value",
            "status",
            "status_label",
            "created_at",
        ]
        read_only_fields = fields


class ResourceInputSerializer(serializers.Serializer):
    park = ScopedPrimaryKeyRelatedField(queryset=OrgUnit.objects.filter(kind=UnitKind.PARK))
    kind = serializers.ChoiceField(choices=ResourceKind.choices)
    code = serializers.CharField(allow_blank=True)
    name = serializers.CharField(allow_blank=True)
    building = serializers.CharField(required=False, allow_blank=True)
    floor = serializers.CharField(required=False, allow_blank=True)
    number = serializers.CharField(required=False, allow_blank=True)
    area = serializers.DecimalField(
        max_digits=10, decimal_places=2, required=False, allow_null=True, help_text="平方米"
    )
    capacity = serializers.IntegerField(required=False, allow_null=True, min_value=0)
    equipment = serializers.CharField(required=False, allow_blank=True)
    value = serializers.DecimalField(
        max_digits=14,
        decimal_places=2,
        required=False,
        allow_null=True,
        help_text="元: a unit's monthly rent or an asset's book value (the major threshold)",
    )
    status = serializers.ChoiceField(choices=ResourceStatus.choices, required=False)


class ResourceUpdateSerializer(ResourceInputSerializer):
    park = None  # a resource does not move between parks
    kind = serializers.ChoiceField(choices=ResourceKind.choices, required=False)
    code = serializers.CharField(required=False, allow_blank=True)
    name = serializers.CharField(required=False, allow_blank=True)


class BusyQuerySerializer(serializers.Serializer):
    # ``from`` is a Python keyword: the field is declared below under its query-string name.
    to = serializers.DateTimeField(required=False, help_text="Default: 7 days after from")

    def get_fields(self):
        fields = super().get_fields()
        fields["from"] = serializers.DateTimeField(required=False, help_text="Default: now")
        return fields


class BusyPeriodSerializer(serializers.Serializer):
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    # Staff only: who holds the slot (an enterprise user never learns it, R-RES-4).
    allocation = serializers.IntegerField(required=False)
    enterprise = serializers.IntegerField(required=False)
    enterprise_name = serializers.CharField(required=False)


class FreePeriodSerializer(serializers.Serializer):
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()


class FreeBusySerializer(serializers.Serializer):
    resource = serializers.IntegerField()
    starts_at = serializers.DateTimeField(source="from")
    ends_at = serializers.DateTimeField(source="to")
    busy = BusyPeriodSerializer(many=True)
    free = FreePeriodSerializer(many=True)


# ---------------------------------------------------------------------------------------------
# Entitlements (R-RES-2)


class EntitlementSerializer(serializers.ModelSerializer):
    grade_label = ChoiceLabelField("grade")
    kind_label = ChoiceLabelField("kind")

    class Meta:
        model = Entitlement
        fields = [
            "id",
            "park",
            "grade",
            "grade_label",
            "kind",
            "kind_label",
            "monthly_hours",
            "max_count",
            "max_area",
            "priority",
        ]
        read_only_fields = fields


class EntitlementInputSerializer(serializers.Serializer):
    park = ScopedPrimaryKeyRelatedField(queryset=OrgUnit.objects.filter(kind=UnitKind.PARK))
    grade = serializers.ChoiceField(choices=EnterpriseGrade.choices)
    kind = serializers.ChoiceField(choices=ResourceKind.choices)
    monthly_hours = serializers.DecimalField(
        max_digits=6, decimal_places=1, required=False, allow_null=True, default=None
    )
    max_count = serializers.IntegerField(
        required=False, allow_null=True, default=None, min_value=0, max_value=32767
    )
    max_area = serializers.DecimalField(
        max_digits=10, decimal_places=2, required=False, allow_null=True, default=None
    )
    priority = serializers.IntegerField(required=False, default=3, min_value=1, max_value=32767)


# ---------------------------------------------------------------------------------------------
# Requests (R-RES-3, R-RES-4, R-RES-5)


class ResourceGateStateSerializer(serializers.Serializer):
    code = serializers.CharField()
    label = serializers.CharField()
    requirement = serializers.CharField()
    applies = serializers.BooleanField(help_text="False: the gate does not apply")
    status = serializers.CharField(help_text="passed, open, refused, void or not_applicable")
    status_label = serializers.CharField()


def gate_states(obj, chain=gates.CHAIN) -> list[dict]:
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


class ResourceRequestSerializer(serializers.ModelSerializer):
    """One row of the list: no gates, no usage (those are the detail's)."""

    status_label = ChoiceLabelField("status")
    channel_label = ChoiceLabelField("channel")
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True)
    resource_name = serializers.CharField(source="resource.name", read_only=True)
    resource_kind = serializers.CharField(source="resource.kind", read_only=True)

    class Meta:
        model = ResourceRequest
        fields = [
            "id",
            "park",
            "enterprise",
            "enterprise_name",
            "resource",
            "resource_name",
            "resource_kind",
            "starts_at",
            "ends_at",
            "purpose",
            "status",
            "status_label",
            "channel",
            "channel_label",
            "major",
            "above_entitlement",
            "standing_rule",
            "renewal_of",
            "created_at",
            "decided_at",
        ]
        read_only_fields = fields


class ResourceRequestDetailSerializer(InternalFieldsMixin, ResourceRequestSerializer):
    """One request with the state of each gate that guards its allocation and the enterprise's
    usage of the kind against its grade's entitlement."""

    requested_by = person_field()
    allocation = serializers.SerializerMethodField()
    gates = serializers.SerializerMethodField()
    usage = serializers.SerializerMethodField()

    INTERNAL = ("requested_by",)

    class Meta(ResourceRequestSerializer.Meta):
        fields = [
            *ResourceRequestSerializer.Meta.fields,
            "justification",
            "decision_note",
            "requested_by",
            "allocation",
            "gates",
            "usage",
        ]
        read_only_fields = fields

    def get_allocation(self, request) -> int | None:
        allocation = getattr(request, "allocation", None) if request.pk else None
        return allocation.pk if allocation is not None else None

    @extend_schema_field(ResourceGateStateSerializer(many=True))
    def get_gates(self, request):
        return gate_states(request)

    def get_usage(self, request) -> str:
        return standing_of(request).text()


class BookableResourceField(IdField):
    """A resource the user may request: staff their parks', an enterprise user its own park's
    (others are "does not exist", like a missing id)."""

    def get_queryset(self):
        request = self.context.get("request")
        return visible_resources(getattr(request, "user", None), super().get_queryset())


class ResourceRequestCreateSerializer(serializers.Serializer):
    enterprise = ScopedPrimaryKeyRelatedField(
        queryset=Enterprise.objects.all(),
        required=False,
        help_text="Default for an enterprise user: its own enterprise (the only one it may name)",
    )
    resource = BookableResourceField(queryset=Resource.objects.all())
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    purpose = serializers.CharField(allow_blank=True)
    justification = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        help_text="Required above the grade's entitlement (R-RES-5)",
    )
    renewal_of = ScopedPrimaryKeyRelatedField(
        queryset=Allocation.objects.all(),
        required=False,
        allow_null=True,
        default=None,
        help_text="The allocation this request renews (key-customer continuity, R-RES-6)",
    )

    def _user(self):
        return self.context["request"].user

    def validate(self, data):
        if data.get("enterprise") is None:
            enterprise_id = access.enterprise_id_of(self._user())
            if enterprise_id is None:
                raise serializers.ValidationError({"enterprise": [self.error_messages["required"]]})
            data["enterprise"] = Enterprise.objects.get(pk=enterprise_id)
        return data


# ---------------------------------------------------------------------------------------------
# Allocations and deviations (R-RES-4, R-RES-6)


class AllocationSerializer(InternalFieldsMixin, serializers.ModelSerializer):
    status_label = ChoiceLabelField("status")
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True)
    resource_name = serializers.CharField(source="resource.name", read_only=True)
    resource_kind = serializers.CharField(source="resource.kind", read_only=True)
    granted_by = person_field()

    INTERNAL = ("granted_by",)

    class Meta:
        model = Allocation
        fields = [
            "id",
            "request",
            "park",
            "enterprise",
            "enterprise_name",
            "resource",
            "resource_name",
            "resource_kind",
            "starts_at",
            "ends_at",
            "status",
            "status_label",
            "above_entitlement",
            "granted_by",
            "created_at",
            "released_at",
            "release_reason",
        ]
        read_only_fields = fields


class ReleaseSerializer(serializers.Serializer):
    reason = serializers.CharField(allow_blank=True, help_text="释放原因 (audited)")


class DeviationSerializer(InternalFieldsMixin, serializers.ModelSerializer):
    kind_label = ChoiceLabelField("kind")
    status_label = ChoiceLabelField("status")
    channel_label = ChoiceLabelField("channel")
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True)
    reported_by = person_field()
    resolved_by = person_field()

    INTERNAL = ("reported_by", "resolved_by")

    class Meta:
        model = Deviation
        fields = [
            "id",
            "allocation",
            "park",
            "enterprise",
            "enterprise_name",
            "kind",
            "kind_label",
            "description",
            "status",
            "status_label",
            "channel",
            "channel_label",
            "reported_by",
            "reported_at",
            "resolution",
            "resolved_by",
            "resolved_at",
        ]
        read_only_fields = fields


class DeviationReportSerializer(serializers.Serializer):
    allocation = ScopedPrimaryKeyRelatedField(queryset=Allocation.objects.all())
    kind = serializers.ChoiceField(choices=DeviationKind.choices)
    description = serializers.CharField(allow_blank=True)


class ResolveSerializer(serializers.Serializer):
    resolution = serializers.CharField(allow_blank=True, help_text="处理结果")

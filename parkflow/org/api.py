"""Organisation endpoints: the unit tree (R-ORG-1), who I am (R-ORG-2, R-ORG-5) and emergency
contacts (R-ORG-6). Serializers parse and shape; ``org.services`` decides."""

from django.db.models import Max
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from parkflow.core import access, hooks
from parkflow.core.api import (
    ANY_USER,
    ChoiceLabelField,
    IdFilter,
    PolicyViewMixin,
    ScopedPrimaryKeyRelatedField,
    ScopedViewSetMixin,
    person_field,
    service_step,
)
from parkflow.core.errors import NotFound, ValidationFailed

from . import compliance, selectors, services
from .choices import ComplianceKind, DepartmentKind, Role
from .models import ComplianceRecord, EmergencyContact, OrgUnit

# ---------------------------------------------------------------------------------------------
# Units


class OrgUnitSerializer(serializers.ModelSerializer):
    department_kind = serializers.ChoiceField(
        choices=DepartmentKind.choices,
        allow_blank=True,
        read_only=True,
        help_text="Departments only",
    )
    kind_label = ChoiceLabelField("kind")
    department_kind_label = ChoiceLabelField("department_kind")

    class Meta:
        model = OrgUnit
        fields = [
            "id",
            "name",
            "code",
            "kind",
            "kind_label",
            "department_kind",
            "department_kind_label",
            "hosts_special_office",
            "parent",
            "park",
            "sort_order",
        ]
        read_only_fields = fields


class OrgUnitNodeSerializer(OrgUnitSerializer):
    children = serializers.SerializerMethodField()

    class Meta(OrgUnitSerializer.Meta):
        fields = [*OrgUnitSerializer.Meta.fields, "children"]
        read_only_fields = fields

    def get_children(self, unit) -> list[dict]:
        return self.context["render_children"](unit)


class OrgUnitFilter(filters.FilterSet):
    kind = filters.ChoiceFilter(choices=OrgUnit._meta.get_field("kind").choices)
    park = IdFilter(field_name="park_id")

    class Meta:
        model = OrgUnit
        fields = ["kind", "park"]


@extend_schema_view(
    list=extend_schema(summary="Organisation units in my scope, flat (组织单元)", tags=["org"]),
    retrieve=extend_schema(summary="One organisation unit", tags=["org"]),
)
class OrgUnitViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """group → company → park (下属单位) → department. Park staff see their park and its
    departments; headquarters staff see everything (R-ORG-3)."""

    queryset = OrgUnit.objects.all()
    serializer_class = OrgUnitSerializer
    filter_backends = [filters.DjangoFilterBackend]
    filterset_class = OrgUnitFilter
    pagination_class = None  # an organisation is a few dozen units
    policy = {"list": "org.view", "retrieve": "org.view", "tree": "org.view"}

    @extend_schema(
        summary="The organisation tree in my scope (nested)",
        responses=OrgUnitNodeSerializer(many=True),
        filters=False,
        tags=["org"],
    )
    @action(detail=False, methods=["get"], filter_backends=[])
    def tree(self, request):
        units = list(self.get_queryset())
        visible = {u.pk for u in units}
        children: dict[int | None, list[OrgUnit]] = {}
        for unit in units:
            parent = unit.parent_id if unit.parent_id in visible else None
            children.setdefault(parent, []).append(unit)

        def render(unit):
            return OrgUnitNodeSerializer(children.get(unit.pk, []), many=True, context=context).data

        context = {**self.get_serializer_context(), "render_children": render}
        roots = children.get(None, [])
        return Response(OrgUnitNodeSerializer(roots, many=True, context=context).data)


# ---------------------------------------------------------------------------------------------
# Me


class UnitBriefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    kind = serializers.CharField(help_text="group, company, park or department")


class EnterpriseBriefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class MyRoleSerializer(serializers.Serializer):
    role = serializers.ChoiceField(choices=Role.choices)
    role_label = serializers.CharField()
    unit = UnitBriefSerializer()
    park = UnitBriefSerializer(allow_null=True)
    may_act = serializers.BooleanField(help_text="False when the compliance status has lapsed")
    lapse_reason = serializers.CharField(allow_blank=True)


class MyComplianceSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=ComplianceKind.choices)
    label = serializers.CharField()
    valid_until = serializers.DateField(allow_null=True)
    current = serializers.BooleanField()
    required = serializers.BooleanField(help_text="Needed by at least one of my roles")


class MeSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    username = serializers.CharField()
    name = serializers.CharField()
    email = serializers.CharField(allow_blank=True, help_text="E-mail address, or empty")
    is_enterprise_user = serializers.BooleanField()
    enterprise = EnterpriseBriefSerializer(allow_null=True)
    roles = MyRoleSerializer(many=True)
    compliance = MyComplianceSerializer(many=True)
    permissions = serializers.ListField(
        child=serializers.CharField(), help_text="Actions I may take somewhere in my scope"
    )


def _me(user) -> dict:
    assignments = list(user.role_assignments.select_related("unit", "unit__park").order_by("id"))
    needed = {kind for a in assignments for kind in compliance.required_for(a.role)}
    current = compliance.current_kinds(user)
    latest = dict(
        user.compliance_records.values("kind")
        .annotate(until=Max("valid_until"))
        .values_list("kind", "until")
    )
    enterprise = None
    if access.is_enterprise_user(user):
        # The app that owns portal accounts names the user's enterprise (D30).
        enterprise = hooks.require("portal_enterprise")(user)
    actions = sorted(access.PORTAL_ACTIONS) if enterprise else access.actions()
    return {
        "id": user.pk,
        "username": user.get_username(),
        "name": str(user),
        "email": user.email,
        "is_enterprise_user": enterprise is not None,
        "enterprise": enterprise,
        "roles": [
            {
                "role": a.role,
                "role_label": a.get_role_display(),
                "unit": a.unit,
                "park": a.unit.park,
                "may_act": compliance.lapse_reason(user, a.role) is None,
                "lapse_reason": compliance.lapse_reason(user, a.role) or "",
            }
            for a in assignments
        ],
        "compliance": [
            {
                "kind": kind,
                "label": label,
                "valid_until": latest.get(kind),
                "current": kind in current,
                "required": kind in needed,
            }
            for kind, label in ComplianceKind.choices
        ]
        if enterprise is None
        else [],
        "permissions": [a for a in actions if access.may_somewhere(user, a)],
    }


class MeView(PolicyViewMixin, APIView):
    """The signed-in user: roles per unit and park, compliance status (R-ORG-5), and for an
    enterprise user the one enterprise they may see."""

    policy = {"get": ANY_USER}

    @extend_schema(summary="Who am I (我的账号)", responses=MeSerializer, tags=["org"])
    def get(self, request):
        return Response(MeSerializer(_me(request.user)).data)


# ---------------------------------------------------------------------------------------------
# Emergency contacts


class EmergencyContactSerializer(serializers.ModelSerializer):
    unit_name = serializers.CharField(source="unit.name", read_only=True)
    confirmed_by = person_field()

    class Meta:
        model = EmergencyContact
        fields = [
            "id",
            "unit",
            "unit_name",
            "park",
            "name",
            "title",
            "phone",
            "confirmed_at",
            "confirmed_by",
            "is_active",
        ]
        read_only_fields = fields


class EmergencyContactCreateSerializer(serializers.Serializer):
    unit = ScopedPrimaryKeyRelatedField(queryset=OrgUnit.objects.all())
    name = serializers.CharField(allow_blank=True)
    phone = serializers.CharField(allow_blank=True)
    title = serializers.CharField(required=False, allow_blank=True, default="")


class EmergencyContactConfirmSerializer(serializers.Serializer):
    phone = serializers.CharField(
        required=False, allow_null=True, default=None, help_text="A corrected number, if it changed"
    )


class EmergencyContactFilter(filters.FilterSet):
    unit = IdFilter(field_name="unit_id")
    park = IdFilter(field_name="park_id")
    is_active = filters.BooleanFilter()

    class Meta:
        model = EmergencyContact
        fields = ["unit", "park", "is_active"]


@extend_schema_view(
    list=extend_schema(summary="Emergency contacts in my scope (应急联系人)", tags=["org"]),
    retrieve=extend_schema(summary="One emergency contact", tags=["org"]),
)
class EmergencyContactViewSet(
    ScopedViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Art.21(三): contacts are confirmed at least every N days; stale ones raise an alert."""

    queryset = EmergencyContact.objects.select_related("unit", "confirmed_by")
    serializer_class = EmergencyContactSerializer
    filter_backends = [filters.DjangoFilterBackend]
    filterset_class = EmergencyContactFilter
    policy = {
        "list": "org.view",
        "retrieve": "org.view",
        "create": "contact.manage",
        "confirm": "contact.manage",
    }

    def _shaped(self, contact) -> dict:
        return EmergencyContactSerializer(self.get_queryset().get(pk=contact.pk)).data

    @extend_schema(
        summary="Add an emergency contact (confirmed on entry)",
        request=EmergencyContactCreateSerializer,
        responses={201: EmergencyContactSerializer},
        tags=["org"],
    )
    def create(self, request):
        body = EmergencyContactCreateSerializer(data=request.data, context={"request": request})
        body.is_valid(raise_exception=True)
        contact = services.emergency_contact_create(actor=request.user, **body.validated_data)
        return Response(self._shaped(contact), status=201)

    confirm = service_step(
        "confirm",
        services.emergency_contact_confirm,
        obj="contact",
        input=EmergencyContactConfirmSerializer,
        output=EmergencyContactSerializer,
        reread=True,
        summary="Confirm a contact is still right (optionally correcting the phone)",
        tags=["org"],
    )


# ---------------------------------------------------------------------------------------------
# Compliance records (R-ORG-5)


class ComplianceRecordSerializer(serializers.ModelSerializer):
    person = serializers.IntegerField(source="user_id", read_only=True)
    person_name = serializers.CharField(source="user.__str__", read_only=True)
    kind_label = ChoiceLabelField("kind")
    recorded_by = person_field()
    has_evidence = serializers.SerializerMethodField()

    class Meta:
        model = ComplianceRecord
        fields = [
            "id",
            "person",
            "person_name",
            "kind",
            "kind_label",
            "completed_on",
            "valid_until",
            "note",
            "recorded_by",
            "recorded_at",
            "has_evidence",
            "evidence_name",
            "evidence_sha256",
        ]
        read_only_fields = fields

    def get_has_evidence(self, record) -> bool:
        return bool(record.evidence)


class ComplianceRecordCreateSerializer(serializers.Serializer):
    """Input shape only: dates, validity and the evidence file are judged by the service."""

    person = serializers.IntegerField(help_text="Id of a staff member in my scope")
    kind = serializers.ChoiceField(choices=ComplianceKind.choices)
    completed_on = serializers.DateField()
    valid_until = serializers.DateField(
        required=False,
        allow_null=True,
        default=None,
        help_text="Defaults to the regulation's validity (1 year; manager training 6 months)",
    )
    evidence = serializers.FileField(
        allow_empty_file=True, help_text="Signed letter or certificate: PDF, JPG or PNG"
    )
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=200)


class ComplianceRecordFilter(filters.FilterSet):
    person = IdFilter(field_name="user_id")
    kind = filters.ChoiceFilter(choices=ComplianceKind.choices)

    class Meta:
        model = ComplianceRecord
        fields = ["person", "kind"]


@extend_schema_view(
    list=extend_schema(
        summary="Compliance records of the people in my scope (合规履职记录)", tags=["org"]
    ),
    retrieve=extend_schema(summary="One compliance record", tags=["org"]),
)
class ComplianceRecordViewSet(
    PolicyViewMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Art.26: a lapsed person is blocked until the office records the completed training or the
    re-signed commitment letter, with its evidence; the person may act again at once."""

    serializer_class = ComplianceRecordSerializer
    filter_backends = [filters.DjangoFilterBackend]
    filterset_class = ComplianceRecordFilter
    policy = {"list": "org.view", "retrieve": "org.view", "create": "compliance.record"}

    def get_queryset(self):
        return selectors.compliance_records_for(actor=self.request.user)

    @extend_schema(
        summary="Record a completed training or a re-signed commitment (with evidence)",
        request={"multipart/form-data": ComplianceRecordCreateSerializer},
        responses={201: ComplianceRecordSerializer},
        tags=["org"],
    )
    def create(self, request):
        body = ComplianceRecordCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        values = dict(body.validated_data)
        try:
            person = selectors.person_get_for_user(actor=request.user, pk=values.pop("person"))
        except NotFound:
            raise ValidationFailed(
                {"person": [_("人员不存在或不在您的管理范围内。")]}, requirement="R-ORG-3"
            ) from None
        record = services.compliance_record_add(actor=request.user, person=person, **values)
        return Response(ComplianceRecordSerializer(self.get_queryset().get(pk=record.pk)).data, 201)

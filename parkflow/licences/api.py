"""Licence-reading endpoints (issue 13, R-PLT-2): submit a licence for reading (202: the worker
reads it), poll the reading (status, progress, the fields read), and register the enterprise
from it — the same services the pages call, so the API meets the same upload rules, the same
rule of the uncertain credit code and the same audit trail. A reading is named by its random
token, never its id. There is no list, no edit and no DELETE."""

from django.urls import reverse
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from parkflow.core.api import (
    ChoiceLabelField,
    PolicyViewMixin,
    ScopedPrimaryKeyRelatedField,
)
from parkflow.enterprises.api import EnterpriseCreateSerializer
from parkflow.enterprises.models import Enterprise
from parkflow.org.choices import UnitKind
from parkflow.org.models import OrgUnit

from . import mapping, selectors, services
from .choices import SUBMITTABLE_PURPOSES
from .models import LicenceReading

_TAGS = ["licence readings"]


class LicenceReadingSubmitSerializer(serializers.Serializer):
    """Input shape only: the file's checks and who may submit are the service's."""

    file = serializers.FileField(
        help_text="营业执照的照片、扫描件或电子营业执照 PDF（JPG/PNG/PDF）"
    )
    purpose = serializers.ChoiceField(
        choices=SUBMITTABLE_PURPOSES,
        help_text="new_enterprise: 新建企业（须给 park）; renewal: 执照换发（须给 enterprise）",
    )
    park = ScopedPrimaryKeyRelatedField(
        queryset=OrgUnit.objects.filter(kind=UnitKind.PARK), required=False, allow_null=True
    )
    enterprise = ScopedPrimaryKeyRelatedField(
        queryset=Enterprise.objects.all(), required=False, allow_null=True
    )


class LicenceFieldSerializer(serializers.Serializer):
    """One field as read from the licence."""

    value = serializers.CharField(help_text="What the form is pre-filled with (normalised)")
    text = serializers.CharField(help_text="What the licence said")
    confidence = serializers.FloatField()
    unsure = serializers.ListField(
        child=serializers.IntegerField(), help_text="Indexes in value read with low confidence"
    )
    valid = serializers.BooleanField(
        allow_null=True, help_text="False: fails its own check (the credit code's check digit)"
    )
    needs_verification = serializers.BooleanField(
        help_text="True: a person must compare it with the licence before it is saved as read"
    )
    label = serializers.CharField(help_text="The licence's label, e.g. 负责人")


def _url(request, name, token) -> str:
    path = reverse(name, args=[token])
    return request.build_absolute_uri(path) if request is not None else path


class LicenceReadingSerializer(serializers.ModelSerializer):
    purpose_label = ChoiceLabelField("purpose")
    status_label = ChoiceLabelField("status")
    stage_label = ChoiceLabelField("stage")
    fields = serializers.SerializerMethodField(method_name="read_fields")
    long_term = serializers.SerializerMethodField()
    source = serializers.SerializerMethodField()
    seconds = serializers.SerializerMethodField()
    url = serializers.SerializerMethodField()

    class Meta:
        model = LicenceReading
        fields = [
            "token",
            "purpose",
            "purpose_label",
            "status",
            "status_label",
            "progress",
            "stage",
            "stage_label",
            "park",
            "enterprise",
            "original_name",
            "mime_type",
            "size",
            "created_at",
            "started_at",
            "finished_at",
            "error",
            "used_at",
            "used_for",
            "fields",
            "long_term",
            "source",
            "seconds",
            "url",
        ]
        read_only_fields = fields

    def _result(self, reading):
        cache = self.context.setdefault("_results", {})
        if reading.pk not in cache:
            cache[reading.pk] = selectors.result_of(reading)
        return cache[reading.pk]

    @extend_schema_field(serializers.DictField(child=LicenceFieldSerializer()))
    def read_fields(self, reading) -> dict:
        result = self._result(reading)
        if result is None:
            return {}
        return {
            key: {
                "value": found.value,
                "text": found.text,
                "confidence": found.confidence,
                "unsure": list(found.unsure),
                "valid": found.valid,
                "needs_verification": found.needs_verification,
                "label": found.label or str(mapping.LICENCE_LABELS.get(key, key)),
            }
            for key, found in result.fields.items()
        }

    def get_long_term(self, reading) -> bool:
        result = self._result(reading)
        return bool(result and result.long_term)

    def get_source(self, reading) -> str:
        result = self._result(reading)
        return result.source if result else ""

    def get_seconds(self, reading) -> float | None:
        result = self._result(reading)
        return round(result.seconds, 2) if result else None

    def get_url(self, reading) -> str:
        return _url(self.context.get("request"), "api:licence-reading-detail", reading.token)


class LicenceReadingSubmittedSerializer(serializers.Serializer):
    token = serializers.CharField()
    status = serializers.CharField()
    status_label = serializers.CharField()
    progress = serializers.IntegerField()
    url = serializers.CharField(help_text="Poll it until status is done or failed")


class LicenceRegisterSerializer(EnterpriseCreateSerializer):
    """The register's create body (the same fields, judged by the same service) and what the
    licence adds."""

    credit_code_confirmed = serializers.BooleanField(
        required=False,
        default=False,
        help_text="The person compared an uncertain credit code with the licence itself",
    )
    licence_valid_from = serializers.DateField(required=False, allow_null=True, default=None)
    licence_valid_until = serializers.DateField(required=False, allow_null=True, default=None)
    licence_long_term = serializers.BooleanField(
        required=False, default=False, help_text="营业期限 长期: valid until 2099-12-31"
    )


class LicenceRegisteredSerializer(serializers.Serializer):
    enterprise = serializers.IntegerField()
    name = serializers.CharField()
    url = serializers.CharField()


@extend_schema_view(
    retrieve=extend_schema(
        summary="One licence reading: its progress, then the fields read",
        description="Poll while status is queued or running (progress 0–100, stage). A field "
        "with needs_verification must be compared with the licence by a person: registering "
        "with that value unchanged needs credit_code_confirmed.",
        tags=_TAGS,
    )
)
class LicenceReadingViewSet(PolicyViewMixin, viewsets.GenericViewSet):
    serializer_class = LicenceReadingSerializer
    lookup_field = "token"
    lookup_value_regex = "[0-9a-f]{32}"
    filter_backends: list = []
    policy = {
        "create": "licence_reading.submit",
        "retrieve": "licence_reading.view",
        "register": "licence_reading.register",
    }

    def get_queryset(self):
        return LicenceReading.objects.none()  # one reading at a time, by token (get_object)

    def get_object(self):
        reading = selectors.reading_get_for_user(
            actor=self.request.user, token=self.kwargs["token"]
        )
        self.check_object_permissions(self.request, reading)
        return reading

    @extend_schema(
        summary="Submit a business licence for reading (营业执照识别)",
        description="multipart/form-data: the file (JPG, PNG or PDF, checked like any "
        "qualification document), purpose new_enterprise with park, or renewal with "
        "enterprise. 202: the worker reads it in the background; poll the returned url.",
        request={"multipart/form-data": LicenceReadingSubmitSerializer},
        responses={202: LicenceReadingSubmittedSerializer},
        tags=_TAGS,
    )
    def create(self, request):
        body = LicenceReadingSubmitSerializer(data=request.data, context={"request": request})
        body.is_valid(raise_exception=True)
        values = dict(body.validated_data)
        reading = services.reading_submit(actor=request.user, upload=values.pop("file"), **values)
        labels = dict(LicenceReading._meta.get_field("status").flatchoices)
        return Response(
            {
                "token": reading.token,
                "status": reading.status,
                "status_label": str(labels[reading.status]),
                "progress": reading.progress,
                "url": _url(request, "api:licence-reading-detail", reading.token),
            },
            status=202,
        )

    def retrieve(self, request, token=None):
        reading = self.get_object()
        return Response(LicenceReadingSerializer(reading, context={"request": request}).data)

    @extend_schema(
        summary="Register the enterprise from a finished reading (confirmed fields)",
        description="The register's create body plus the licence's validity. One transaction: "
        "the enterprise and the licence file as its business licence version 1 — or nothing. "
        "400 naming credit_code when the code read was uncertain and is sent unchanged "
        "without credit_code_confirmed; 409 reading_used for a reading already used, "
        "reading_not_done before it is finished; 403 for a reading that is not yours.",
        request=LicenceRegisterSerializer,
        responses={201: LicenceRegisteredSerializer},
        tags=_TAGS,
    )
    @action(detail=True, methods=["post"])
    def register(self, request, token=None):
        reading = self.get_object()
        body = LicenceRegisterSerializer(data=request.data, context={"request": request})
        body.is_valid(raise_exception=True)
        values = dict(body.validated_data)
        if values.pop("licence_long_term"):
            values["licence_valid_until"] = mapping.LONG_TERM_UNTIL
        enterprise = services.enterprise_register_from_licence(
            actor=request.user, reading=reading, **values
        )
        return Response(
            {
                "enterprise": enterprise.pk,
                "name": enterprise.name,
                "url": request.build_absolute_uri(
                    reverse("api:enterprise-detail", args=[enterprise.pk])
                ),
            },
            status=201,
        )

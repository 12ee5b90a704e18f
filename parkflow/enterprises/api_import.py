"""Register import over the API (R-PLT-5): upload a workbook, poll its check, read the row-level
errors, confirm. The same services as the pages; a batch is visible only to its importer."""

from django.http import HttpResponse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from parkflow.core.api import ChoiceLabelField, IgnoreAcceptHeader, PolicyViewMixin, is_storable_id
from parkflow.core.errors import NotFound

from . import imports, services_import
from .models import ImportBatch

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class ImportErrorSerializer(serializers.Serializer):
    sheet = serializers.CharField()
    row = serializers.IntegerField()
    column = serializers.CharField()
    message = serializers.CharField()


class ImportBatchSerializer(serializers.ModelSerializer):
    status_label = ChoiceLabelField("status")
    rows_done = serializers.SerializerMethodField()
    errors = ImportErrorSerializer(many=True, read_only=True)

    class Meta:
        model = ImportBatch
        fields = [
            "id",
            "original_name",
            "sha256",
            "size",
            "status",
            "status_label",
            "created_at",
            "checked_at",
            "imported_at",
            "enterprise_rows",
            "resident_rows",
            "contact_rows",
            "rows_done",
            "error_count",
            "errors",
            "failure",
        ]
        read_only_fields = fields

    def get_rows_done(self, batch) -> int:
        return services_import.progress_of(batch) if batch.is_running else 0


class ImportUploadSerializer(serializers.Serializer):
    file = serializers.FileField()


@extend_schema_view(
    list=extend_schema(summary="My register import batches, newest first", tags=["imports"]),
    retrieve=extend_schema(
        summary="One import batch: status, progress and row-level errors", tags=["imports"]
    ),
)
class ImportBatchViewSet(
    PolicyViewMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """A park's Excel register, checked in full and imported all or nothing."""

    serializer_class = ImportBatchSerializer
    filter_backends: list = []
    policy = {
        "list": "enterprise.import",
        "retrieve": "enterprise.import",
        "create": "enterprise.import",
        "confirm": "enterprise.import",
        "template": "enterprise.import",
    }

    def get_queryset(self):
        return services_import.import_batch_list(actor=self.request.user)

    def get_object(self):
        pk = self.kwargs["pk"]
        if not is_storable_id(pk):
            raise NotFound()
        return services_import.import_batch_get_for_user(actor=self.request.user, pk=pk)

    @extend_schema(
        summary="Upload a register workbook and start its check",
        description="Answers at once with the batch in status `checking`; poll it until it is "
        "`valid` (then confirm) or `invalid` (the row-level errors say what to correct).",
        request={"multipart/form-data": ImportUploadSerializer},
        responses={201: ImportBatchSerializer},
        tags=["imports"],
    )
    def create(self, request):
        body = ImportUploadSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        batch = services_import.import_batch_upload(
            actor=request.user, upload=body.validated_data["file"]
        )
        batch.refresh_from_db()
        return Response(ImportBatchSerializer(batch).data, status=201)

    @extend_schema(
        summary="Confirm a checked batch: import every row, or none",
        request=None,
        responses=ImportBatchSerializer,
        tags=["imports"],
    )
    @action(detail=True, methods=["post"])
    def confirm(self, request, pk=None):
        batch = services_import.import_batch_confirm(actor=request.user, batch=self.get_object())
        batch.refresh_from_db()
        return Response(ImportBatchSerializer(batch).data)

    @extend_schema(
        summary="The import template (Excel, Chinese headers)",
        responses={(200, XLSX): OpenApiTypes.BINARY},
        tags=["imports"],
    )
    @action(detail=False, methods=["get"], content_negotiation_class=IgnoreAcceptHeader)
    def template(self, request):
        parks = list(services_import.importable_parks(request.user).values())
        response = HttpResponse(imports.template_workbook(parks), content_type=XLSX)
        response["Content-Disposition"] = content_disposition_header(
            True, _("企业名录导入模板.xlsx")
        )
        return response

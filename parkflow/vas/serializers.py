"""Shapes of the value-added services API (R-VAS-1 … R-VAS-3, R-PLT-2). Output serializers read
rows, their choice labels from a dict built once per request (``ChoiceLabelField``); input
serializers only parse: the lead time, the park of a service, who confirms and the order's state
are judged by ``services`` (STYLE.md §8). Class names carry the ``Vas`` prefix: serializer names
are unique across apps (the schema's component names)."""

from rest_framework import serializers

from parkflow.core import access
from parkflow.core.api import ChoiceLabelField, IdField, person_field
from parkflow.enterprises.models import Enterprise
from parkflow.org.models import OrgUnit

from .models import VasOrder, VasPrice, VasService


class VasPriceSerializer(serializers.ModelSerializer):
    service_name = serializers.CharField(source="service.name", read_only=True)
    published_by = person_field()

    class Meta:
        model = VasPrice
        fields = [
            "id",
            "service",
            "service_name",
            "price",
            "effective_from",
            "published_at",
            "published_by",
            "note",
        ]
        read_only_fields = fields


class VasUpcomingPriceSerializer(serializers.ModelSerializer):
    class Meta:
        model = VasPrice
        fields = ["id", "price", "effective_from", "published_at"]
        read_only_fields = fields


class VasServiceSerializer(serializers.ModelSerializer):
    """A catalogue entry with the price in force today and the prices announced ahead of time
    (annotated and prefetched by ``selectors.with_prices``: no query per row)."""

    category_label = ChoiceLabelField("category")
    park_name = serializers.CharField(source="park.name", read_only=True)
    current_price = serializers.DecimalField(
        max_digits=12, decimal_places=2, read_only=True, allow_null=True, default=None
    )
    current_from = serializers.DateField(read_only=True, allow_null=True, default=None)
    upcoming_prices = VasUpcomingPriceSerializer(many=True, read_only=True, default=list)

    class Meta:
        model = VasService
        fields = [
            "id",
            "park",
            "park_name",
            "name",
            "category",
            "category_label",
            "unit",
            "description",
            "is_active",
            "current_price",
            "current_from",
            "upcoming_prices",
        ]
        read_only_fields = fields


class VasServiceCreateSerializer(serializers.Serializer):
    park = IdField(queryset=OrgUnit.objects.all())
    name = serializers.CharField(allow_blank=True)
    category = serializers.CharField(allow_blank=True)
    unit = serializers.CharField(allow_blank=True)
    description = serializers.CharField(required=False, allow_blank=True, default="")


class VasPricePublishSerializer(serializers.Serializer):
    service = IdField(queryset=VasService.objects.all())
    price = serializers.DecimalField(max_digits=14, decimal_places=2)
    effective_from = serializers.DateField(
        help_text="At least N days after today (the lead time, default 7; R-VAS-1)"
    )
    note = serializers.CharField(required=False, allow_blank=True, default="")

    def validate_service(self, value):
        # A service the user may not see "does not exist", like a missing id.
        user = self.context["request"].user
        if not access.scope(user, VasService.objects.filter(pk=value.pk)).exists():
            raise serializers.ValidationError("对象不存在。")
        return value


class VasOrderSerializer(serializers.ModelSerializer):
    status_label = ChoiceLabelField("status")
    channel_label = ChoiceLabelField("channel")
    service_name = serializers.CharField(source="service.name", read_only=True)
    unit = serializers.CharField(source="service.unit", read_only=True)
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True)
    handler = person_field()

    class Meta:
        model = VasOrder
        fields = [
            "id",
            "park",
            "enterprise",
            "enterprise_name",
            "service",
            "service_name",
            "unit",
            "quantity",
            "unit_price",
            "amount",
            "note",
            "channel",
            "channel_label",
            "status",
            "status_label",
            "placed_at",
            "confirmed_at",
            "declined_at",
            "decline_reason",
            "started_at",
            "handler",
            "completed_at",
            "delivery_note",
            "cancelled_at",
            "cancel_reason",
            "billed_at",
            "rating",
            "rating_comment",
            "rated_at",
        ]
        read_only_fields = fields


class VasOrderCreateSerializer(serializers.Serializer):
    enterprise = IdField(
        queryset=Enterprise.objects.all(),
        required=False,
        help_text="Default for an enterprise user: its own enterprise (the only one it may name)",
    )
    service = IdField(queryset=VasService.objects.all())
    quantity = serializers.DecimalField(max_digits=12, decimal_places=2)
    note = serializers.CharField(required=False, allow_blank=True, default="")

    def validate(self, data):
        user = self.context["request"].user
        if data.get("enterprise") is None:
            enterprise_id = access.enterprise_id_of(user)
            if enterprise_id is None:
                raise serializers.ValidationError({"enterprise": ["请选择企业。"]})
            data["enterprise"] = Enterprise.objects.get(pk=enterprise_id)
        elif not access.scope(user, Enterprise.objects.filter(pk=data["enterprise"].pk)).exists():
            raise serializers.ValidationError({"enterprise": ["对象不存在。"]})
        return data


class VasReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class VasCancelSerializer(serializers.Serializer):
    reason = serializers.CharField(allow_blank=True)


class VasCompleteSerializer(serializers.Serializer):
    delivery_note = serializers.CharField(required=False, allow_blank=True, default="")


class VasRateSerializer(serializers.Serializer):
    rating = serializers.IntegerField(min_value=1, max_value=5)
    comment = serializers.CharField(required=False, allow_blank=True, default="")

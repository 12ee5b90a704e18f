"""REST API v1 (R-PLT-2): every route here goes through the same services and gates as the pages.
Documented at /api/schema/ (OpenAPI 3) and /api/docs/ (Swagger UI, served locally)."""

from django.urls import path
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.routers import DefaultRouter
from rest_framework.settings import api_settings

from parkflow.core.api import (
    AlertViewSet,
    ArticleViewSet,
    ErrorSerializer,
    ReviewViewSet,
    RuleViewSet,
)
from parkflow.enterprises.api import EnterpriseViewSet
from parkflow.enterprises.api_import import ImportBatchViewSet
from parkflow.enterprises.api_intake import (
    AdmissionTariffViewSet,
    ConflictDeclarationViewSet,
    DocumentViewSet,
    ProtectedBrandViewSet,
    PublishedResultViewSet,
    ReviewDrawViewSet,
    SpotCheckCampaignViewSet,
)
from parkflow.org.api import (
    ComplianceRecordViewSet,
    EmergencyContactViewSet,
    MeView,
    OrgUnitViewSet,
)


class ApiRouter(DefaultRouter):
    # Ids like "Art.17" and rule codes like "org.emergency_contact_stale" contain dots, so no
    # ".json" suffix routes; content negotiation uses the Accept header.
    include_format_suffixes = False


router = ApiRouter()
router.register("enterprises", EnterpriseViewSet, basename="enterprise")
router.register("documents", DocumentViewSet, basename="document")
router.register("draws", ReviewDrawViewSet, basename="draw")
router.register("published-results", PublishedResultViewSet, basename="published-result")
router.register("protected-brands", ProtectedBrandViewSet, basename="protected-brand")
router.register("conflicts", ConflictDeclarationViewSet, basename="conflict")
router.register("admission-tariffs", AdmissionTariffViewSet, basename="admission-tariff")
router.register("spot-checks", SpotCheckCampaignViewSet, basename="spot-check")
router.register("imports", ImportBatchViewSet, basename="import")
router.register("alerts", AlertViewSet, basename="alert")
router.register("reviews", ReviewViewSet, basename="review")
router.register("rules", RuleViewSet, basename="rule")
router.register("articles", ArticleViewSet, basename="article")
router.register("org/units", OrgUnitViewSet, basename="org-unit")
router.register("org/emergency-contacts", EmergencyContactViewSet, basename="emergency-contact")
router.register("org/compliance-records", ComplianceRecordViewSet, basename="compliance-record")


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField()


@extend_schema(
    summary="Exchange username and password for an API token",
    description='Send it on every later request as the header "Authorization: Token" '
    "followed by a space and the token (e.g. Authorization: Token 9944b09199c6…).",
    responses={
        200: TokenSerializer,
        400: OpenApiResponse(ErrorSerializer, description="Wrong username or password"),
    },
    auth=[],
    tags=["auth"],
)
class TokenView(ObtainAuthToken):
    """rest_framework.authtoken's obtain_auth_token, documented."""

    # ObtainAuthToken names its own parsers; use the project's (SafeJSONParser first).
    parser_classes = api_settings.DEFAULT_PARSER_CLASSES


app_name = "api"
urlpatterns = [
    path("me/", MeView.as_view(), name="me"),
    path("auth/token/", TokenView.as_view(), name="token"),
    *router.urls,
]

"""REST API v1 (R-PLT-2): every route here goes through the same services and gates as the pages.
Documented at /api/schema/ (OpenAPI 3) and /api/docs/ (Swagger UI, served locally)."""

from django.urls import path
from rest_framework.routers import DefaultRouter

from parkflow.agreements.api import (
    AgreementViewSet,
    ServiceItemViewSet,
    TariffViewSet,
    TemplateVersionViewSet,
    TemplateViewSet,
    VenueViewSet,
)
from parkflow.billing.api_bank import (
    BankImportCheckViewSet,
    BankImportViewSet,
    BankLineViewSet,
    InvoiceDataViewSet,
    ReceivablesViewSet,
)
from parkflow.billing.api_bills import (
    AdjustmentViewSet,
    BillRunViewSet,
    BillViewSet,
    PaymentViewSet,
)
from parkflow.billing.api_statements import StatementDisputeViewSet, StatementViewSet
from parkflow.core.api_views import (
    AlertViewSet,
    ArticleViewSet,
    GateViewSet,
    ReviewViewSet,
    RuleViewSet,
)
from parkflow.duties.api import DutyTaskViewSet
from parkflow.enterprises.api import EnterpriseViewSet
from parkflow.enterprises.api_import import ImportBatchViewSet
from parkflow.intake.api import (
    AdmissionTariffViewSet,
    ConflictDeclarationViewSet,
    DocumentViewSet,
    ProtectedBrandViewSet,
    PublishedResultViewSet,
    ReviewDrawViewSet,
    SpotCheckCampaignViewSet,
)
from parkflow.intake.api_enterprise import EnterpriseIntakeViewSet
from parkflow.licences.api import LicenceReadingViewSet
from parkflow.notifications.api import NotificationViewSet
from parkflow.org.api import (
    ComplianceRecordViewSet,
    EmergencyContactViewSet,
    MeView,
    OrgUnitViewSet,
)
from parkflow.org.api_tokens import ApiTokenViewSet, TokenView
from parkflow.resources.api import (
    AllocationViewSet,
    DeviationViewSet,
    EntitlementViewSet,
    ResourceRequestViewSet,
    ResourceViewSet,
)
from parkflow.servicedesk.api_complaints import (
    ComplaintViewSet,
    EmergencyPlanViewSet,
    GradingViewSet,
)
from parkflow.servicedesk.api_requests import (
    AnomalyReportViewSet,
    CallBackViewSet,
    ServiceRequestViewSet,
    TransferViewSet,
)
from parkflow.vas.api import VasOrderViewSet, VasPriceViewSet, VasServiceViewSet


class ApiRouter(DefaultRouter):
    # Ids like "Art.17" and rule codes like "org.emergency_contact_stale" contain dots, so no
    # ".json" suffix routes; content negotiation uses the Accept header.
    include_format_suffixes = False


router = ApiRouter()
router.register("enterprises", EnterpriseViewSet, basename="enterprise")
router.register("enterprises", EnterpriseIntakeViewSet, basename="enterprise-intake")
router.register("documents", DocumentViewSet, basename="document")
router.register("draws", ReviewDrawViewSet, basename="draw")
router.register("published-results", PublishedResultViewSet, basename="published-result")
router.register("protected-brands", ProtectedBrandViewSet, basename="protected-brand")
router.register("conflicts", ConflictDeclarationViewSet, basename="conflict")
router.register("admission-tariffs", AdmissionTariffViewSet, basename="admission-tariff")
router.register("spot-checks", SpotCheckCampaignViewSet, basename="spot-check")
router.register("imports", ImportBatchViewSet, basename="import")
# --- licence readings (issue 13): read a business licence, register from it
router.register("licence-readings", LicenceReadingViewSet, basename="licence-reading")
router.register("alerts", AlertViewSet, basename="alert")
router.register("reviews", ReviewViewSet, basename="review")
router.register("rules", RuleViewSet, basename="rule")
router.register("gates", GateViewSet, basename="gate")
router.register("articles", ArticleViewSet, basename="article")
router.register("org/units", OrgUnitViewSet, basename="org-unit")
router.register("org/emergency-contacts", EmergencyContactViewSet, basename="emergency-contact")
router.register("org/compliance-records", ComplianceRecordViewSet, basename="compliance-record")
router.register("auth/tokens", ApiTokenViewSet, basename="api-token")
router.register("notifications", NotificationViewSet, basename="notification")
router.register("duty-tasks", DutyTaskViewSet, basename="duty-task")
router.register("agreements", AgreementViewSet, basename="agreement")
router.register("agreement-templates", TemplateViewSet, basename="agreement-template")
router.register("template-versions", TemplateVersionViewSet, basename="template-version")
router.register("tariffs", TariffViewSet, basename="tariff")
router.register("service-items", ServiceItemViewSet, basename="service-item")
router.register("venues", VenueViewSet, basename="venue")
router.register("resources", ResourceViewSet, basename="resource")
router.register("entitlements", EntitlementViewSet, basename="entitlement")
router.register("resource-requests", ResourceRequestViewSet, basename="resource-request")
router.register("allocations", AllocationViewSet, basename="allocation")
router.register("deviations", DeviationViewSet, basename="deviation")
# --- the service desk: service requests, call-backs, anomaly reports (R-SVC-1 … R-SVC-3) ---
router.register("service-requests", ServiceRequestViewSet, basename="service-request")
router.register("service-transfers", TransferViewSet, basename="service-transfer")
router.register("callbacks", CallBackViewSet, basename="callback")
router.register("anomaly-reports", AnomalyReportViewSet, basename="anomaly-report")
# --- complaints (R-CMP-1 … R-CMP-8)
router.register("complaints", ComplaintViewSet, basename="complaint")
router.register("complaint-plans", EmergencyPlanViewSet, basename="complaint-plan")
router.register("complaint-grading", GradingViewSet, basename="complaint-grading")
# --- value-added services (R-VAS-1 … R-VAS-3)
router.register("vas-services", VasServiceViewSet, basename="vas-service")
router.register("vas-prices", VasPriceViewSet, basename="vas-price")
router.register("vas-orders", VasOrderViewSet, basename="vas-order")
# --- billui: bills, payments, adjustments and bill runs (R-BIL-1 … R-BIL-6) ---
router.register("bills", BillViewSet, basename="bill")
router.register("payments", PaymentViewSet, basename="payment")
router.register("adjustments", AdjustmentViewSet, basename="adjustment")
router.register("bill-runs", BillRunViewSet, basename="bill-run")

# --- billing: refunds, deposit returns and payouts (part "refunds", R-BIL-4) -----------------
from parkflow.billing.api_refunds import RefundViewSet  # noqa: E402

router.register("refunds", RefundViewSet, basename="refund")
# --- billing: statements and disputes (R-BIL-5)
router.register("statements", StatementViewSet, basename="statement")
router.register("statement-disputes", StatementDisputeViewSet, basename="statement-dispute")
# --- billing, receivables part: bank statements, their lines, invoice data, the dashboard
router.register("bank-import-checks", BankImportCheckViewSet, basename="bank-import-check")
router.register("bank-imports", BankImportViewSet, basename="bank-import")
router.register("bank-lines", BankLineViewSet, basename="bank-line")
router.register("invoice-data", InvoiceDataViewSet, basename="invoice-data")
router.register("receivables", ReceivablesViewSet, basename="receivables")


app_name = "api"
urlpatterns = [
    path("me/", MeView.as_view(), name="me"),
    path("auth/token/", TokenView.as_view(), name="token"),
    *router.urls,
]

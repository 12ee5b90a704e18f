"""ParkFlow settings: one module, driven by environment variables (README, "配置")."""

import os
import sys
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.utils.translation import gettext_lazy as _

from parkflow.runtime import load_or_create_secret_key, only_loopback

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


# Safe by default: DEBUG is off unless asked for (`make dev` sets DEBUG=1), so a wrong URL shows
# the product's own 404 page and never Django's list of URL patterns (decisions.md D24).
DEBUG = env_bool("DEBUG", False)
VAR_DIR = Path(os.environ.get("PARKFLOW_VAR_DIR", BASE_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)
# SECRET_KEY from the environment, else one generated on first start and kept in var/ (0600).
# Several machines serving one site must share it: set SECRET_KEY there (deployment.md).
SECRET_KEY = os.environ.get("SECRET_KEY") or load_or_create_secret_key(VAR_DIR / "secret_key")
ALLOWED_HOSTS = [h for h in os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h]
# Served behind HTTPS: secure cookies, SSL redirect, HSTS. On by default as soon as the site is
# reachable under any non-loopback host name; off for the loopback-only single-machine run, which
# is plain http://127.0.0.1 (D24). PARKFLOW_HTTPS=0/1 decides explicitly.
PARKFLOW_HTTPS = env_bool("PARKFLOW_HTTPS", not DEBUG and not only_loopback(ALLOWED_HOSTS))
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o]
# Under pytest, background tasks run inline (huey immediate mode) so tests see their effects.
TESTING = env_bool("PARKFLOW_TESTING", "pytest" in sys.modules)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_filters",
    "django_htmx",
    "django_fsm",
    "axes",
    "csp",
    "huey.contrib.djhuey",
    "parkflow.core",
    "parkflow.org",
    "parkflow.notifications",
    "parkflow.duties",
    "parkflow.enterprises",
    "parkflow.intake",
    "parkflow.agreements",
    "parkflow.resources",
    "parkflow.servicedesk",
    "parkflow.vas",
    "parkflow.licences",
    "parkflow.billing",
    "parkflow.portal",
    "parkflow.workbench",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Near the outside, so it also sees error responses produced by the other middleware: JSON
    # errors under /api/ (issue 6 §6). Its process_exception still sees the views' exceptions.
    "parkflow.core.api_errors.ApiErrorMiddleware",
    "csp.middleware.CSPMiddleware",
    "parkflow.core.security.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "parkflow.core.middleware.ChineseFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
    "parkflow.core.middleware.ConcurrentUpdateMiddleware",
]

ROOT_URLCONF = "parkflow.urls"
WSGI_APPLICATION = "parkflow.wsgi.application"
AUTH_USER_MODEL = "org.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "workbench:home"
LOGOUT_REDIRECT_URL = "login"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "parkflow" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "parkflow.workbench.context_processors.navigation",
            ],
        },
    },
]

# Database: SQLite by default, PostgreSQL when DATABASE_URL is set (ARCHITECTURE.md).
_SQLITE_PATH = os.environ.get("SQLITE_PATH", str(BASE_DIR / "db.sqlite3"))
DATABASES = {
    "default": dj_database_url.config(
        env="DATABASE_URL", default=f"sqlite:///{_SQLITE_PATH}", conn_max_age=60
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # IMMEDIATE transactions take the write lock up front, so two writers of the audit
    # chain never both read the same "last hash" (R-PLT-1).
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    DATABASES["default"]["TEST"] = {"NAME": os.environ.get("SQLITE_TEST_PATH") or None}
elif TESTING:
    # The test database is thrown away: its commits (migrations, transactional tests' flushes)
    # need not wait for the disk. Never set outside the test run.
    DATABASES["default"]["OPTIONS"] = {"options": "-c synchronous_commit=off"}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = 0.5  # hours
# Lock the (username, client IP) pair, never an IP for every account: behind a reverse proxy one
# IP is everybody (D23). A successful sign-in clears that pair's failures.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# The client IP: REMOTE_ADDR, or — only when PARKFLOW_TRUSTED_PROXY_COUNT proxies are declared in
# front of the application — the address the outermost trusted proxy put into X-Forwarded-For.
AXES_CLIENT_IP_CALLABLE = "parkflow.core.security.client_ip"
PARKFLOW_TRUSTED_PROXY_COUNT = int(os.environ.get("PARKFLOW_TRUSTED_PROXY_COUNT", "0"))
PARKFLOW_TRUSTED_PROXY_IPS = [
    p.strip() for p in os.environ.get("PARKFLOW_TRUSTED_PROXY_IPS", "").split(",") if p.strip()
]
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_ENABLED = env_bool("AXES_ENABLED", True)
AXES_VERBOSE = False

# Chinese first (R-PLT-4).
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("简体中文")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "parkflow" / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("PARKFLOW_STATIC_ROOT", BASE_DIR / "staticfiles"))
STATIC_ROOT.mkdir(
    parents=True, exist_ok=True
)  # WhiteNoise warns on every request before collectstatic ran

# Front-end assets are installed from the npm registry (package-lock.json committed) and
# collected from node_modules; nothing is loaded from a CDN at run time (ARCHITECTURE.md).
NODE_MODULES = BASE_DIR / "node_modules"
STATICFILES_DIRS = [
    BASE_DIR / "parkflow" / "static",
    ("vendor/bootstrap", NODE_MODULES / "bootstrap" / "dist"),
    ("vendor/bootstrap-icons", NODE_MODULES / "bootstrap-icons" / "font"),
    ("vendor/echarts", NODE_MODULES / "echarts" / "dist"),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
# Uploaded files live outside the static root and are served only through views
# that check access (R-ORG-3).
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "var" / "files"))
MEDIA_URL = "/files/"

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "parkflow.org.tokens.ApiTokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.SearchFilter",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "EXCEPTION_HANDLER": "parkflow.core.api.exception_handler",
    # JSON with a size and nesting limit (core.api_errors); forms and uploads as DRF's defaults.
    "DEFAULT_PARSER_CLASSES": [
        "parkflow.core.api_errors.SafeJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
}
SPECTACULAR_SETTINGS = {
    "TITLE": "ParkFlow API",
    # No angle brackets: the description is rendered as HTML, where "<resource>" disappears.
    "DESCRIPTION": "产业园企业服务全流程管理系统 REST API. A state transition is a POST to "
    "/api/v1/{resource}/{id}/{action}/ (e.g. POST /api/v1/enterprises/12/apply/) and goes "
    "through the same services and gates as the pages.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    # Swagger UI is served from the sidecar package: nothing is loaded from the internet.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Choice sets that share a field name get stable component names.
    "ENUM_NAME_OVERRIDES": {
        "UnitKindEnum": "parkflow.org.choices.UnitKind",
        "ComplianceKindEnum": "parkflow.org.choices.ComplianceKind",
        "EnterpriseStatusEnum": "parkflow.enterprises.choices.EnterpriseStatus",
        "AlertStatusEnum": "parkflow.core.choices.AlertStatus",
        "ReviewDecisionEnum": "parkflow.core.choices.ReviewDecision",
        "AgreementKindEnum": "parkflow.agreements.choices.AgreementKind",
        "AgreementStatusEnum": "parkflow.agreements.choices.AgreementStatus",
        "TemplateStatusEnum": "parkflow.agreements.choices.TemplateStatus",
        "ClauseKindEnum": "parkflow.agreements.choices.ClauseKind",
        "VenueKindEnum": "parkflow.agreements.choices.VenueKind",
        "FeeKindEnum": "parkflow.agreements.choices.FeeKind",
        "FeePeriodEnum": "parkflow.agreements.choices.FeePeriod",
        "LineBasisEnum": "parkflow.agreements.choices.LineBasis",
        "TariffUnitEnum": "parkflow.agreements.choices.TariffUnit",
        "ConfirmationChannelEnum": "parkflow.agreements.choices.ConfirmationChannel",
        "ResourceKindEnum": "parkflow.resources.choices.ResourceKind",
        "ResourceStatusEnum": "parkflow.resources.choices.ResourceStatus",
        "ResourceRequestStatusEnum": "parkflow.resources.choices.RequestStatus",
        "AllocationStatusEnum": "parkflow.resources.choices.AllocationStatus",
        "DeviationKindEnum": "parkflow.resources.choices.DeviationKind",
        "DeviationStatusEnum": "parkflow.resources.choices.DeviationStatus",
        "ServiceCategoryEnum": "parkflow.servicedesk.choices.Category",
        "ServiceRequestStatusEnum": "parkflow.servicedesk.choices.RequestStatus",
        "ServiceChannelEnum": "parkflow.servicedesk.choices.Channel",
        "TransferStatusEnum": "parkflow.servicedesk.choices.TransferStatus",
        "CallBackStatusEnum": "parkflow.servicedesk.choices.CallBackStatus",
        "CallBackChannelEnum": "parkflow.servicedesk.choices.CallBackChannel",
        # Named once "channel" was no longer one enum (the service desk added two).
        "ResourceRequestChannelEnum": "parkflow.resources.choices.RequestChannel",
        "NotificationChannelEnum": "parkflow.notifications.choices.Channel",
        # Named once licence readings brought their own "purpose" (intake's draws had it alone).
        "PurposeEnum": "parkflow.intake.choices.DrawPurpose",
        "LicenceReadingPurposeEnum": "parkflow.licences.choices.ReadingPurpose",
        "LicenceSubmitPurposeEnum": "parkflow.licences.choices.SUBMITTABLE_PURPOSES",
        "LicenceReadingStatusEnum": "parkflow.licences.choices.ReadingStatus",
        "LicenceReadingStageEnum": "parkflow.licences.choices.ReadingStage",
        # Value-added services (R-VAS-1 … R-VAS-3): "status", "channel" and "category" clash.
        "VasOrderStatusEnum": "parkflow.vas.choices.OrderStatus",
        "VasOrderChannelEnum": "parkflow.vas.choices.OrderChannel",
        "VasServiceCategoryEnum": "parkflow.vas.choices.VasCategory",
        # --- complaints (and the sets whose field names they share)
        "EnterpriseGradeEnum": "parkflow.enterprises.choices.EnterpriseGrade",
        "ComplaintStatusEnum": "parkflow.servicedesk.choices.ComplaintStatus",
        "ComplaintChannelEnum": "parkflow.servicedesk.choices.ComplaintChannel",
        "ComplaintGradeEnum": "parkflow.servicedesk.choices.ComplaintGrade",
        "ComplaintTopicEnum": "parkflow.servicedesk.choices.ComplaintTopic",
        "PlanStageEnum": "parkflow.servicedesk.choices.PlanStage",
        "ReferralStatusEnum": "parkflow.servicedesk.choices.ReferralStatus",
        # --- billui: bills, payments, adjustments, bill runs
        "BillStatusEnum": "parkflow.billing.choices.BillStatus",
        "BillSourceEnum": "parkflow.billing.choices.BillSource",
        "ChargeKindEnum": "parkflow.billing.choices.ChargeKind",
        "PaymentMethodEnum": "parkflow.billing.choices.PaymentMethod",
        "ReceivedMethodEnum": "parkflow.billing.choices.RECEIVED_METHODS",
        "PaymentSourceEnum": "parkflow.billing.choices.PaymentSource",
        "AdjustmentKindEnum": "parkflow.billing.choices.AdjustmentKind",
        "BillRunStatusEnum": "parkflow.billing.choices.RunStatus",
        # --- billing: refunds, deposit returns and payouts (part "refunds")
        "RefundKindEnum": "parkflow.billing.choices_refunds.RefundKind",
        "RefundStatusEnum": "parkflow.billing.choices_refunds.RefundStatus",
        # --- billing: statements and disputes (R-BIL-5)
        "StatementStatusEnum": "parkflow.billing.choices_statements.StatementStatus",
        "StatementLineKindEnum": "parkflow.billing.choices_statements.StatementLineKind",
        "StatementDisputeStatusEnum": "parkflow.billing.choices_statements.DisputeStatus",
    },
}

# Background jobs: SqliteHuey by default, RedisHuey when REDIS_URL is set.
REDIS_URL = os.environ.get("REDIS_URL", "")
HUEY_IMMEDIATE = env_bool("HUEY_IMMEDIATE", TESTING)
if REDIS_URL:
    HUEY = {
        "huey_class": "huey.RedisHuey",
        "name": "parkflow",
        "url": REDIS_URL,
        "immediate": HUEY_IMMEDIATE,
        "consumer": {"workers": 2, "worker_type": "thread"},
    }
else:
    HUEY = {
        "huey_class": "huey.SqliteHuey",
        "name": "parkflow",
        "filename": os.environ.get("HUEY_SQLITE_PATH", str(VAR_DIR / "huey.sqlite3")),
        "immediate": HUEY_IMMEDIATE,
        "consumer": {"workers": 2, "worker_type": "thread"},
    }

if REDIS_URL:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if os.environ.get("EMAIL_HOST")
    else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "parkflow@localhost")

# Notifications (R-MON-2, D38): links in e-mails and robot messages point here; the outbox
# retries failures that happened before a platform took a message, with exponential back-off,
# and marks a delivery "outcome unknown" when a worker left it "sending" past the lease.
PARKFLOW_BASE_URL = os.environ.get("PARKFLOW_BASE_URL", "http://127.0.0.1:8000")
PARKFLOW_NOTIFY_MAX_ATTEMPTS = int(os.environ.get("PARKFLOW_NOTIFY_MAX_ATTEMPTS", "6"))
PARKFLOW_NOTIFY_BACKOFF_SECONDS = int(os.environ.get("PARKFLOW_NOTIFY_BACKOFF_SECONDS", "60"))
PARKFLOW_NOTIFY_LEASE_SECONDS = int(os.environ.get("PARKFLOW_NOTIFY_LEASE_SECONDS", "600"))
PARKFLOW_NOTIFY_CONNECT_TIMEOUT = float(os.environ.get("PARKFLOW_NOTIFY_CONNECT_TIMEOUT", "5"))
PARKFLOW_NOTIFY_READ_TIMEOUT = float(os.environ.get("PARKFLOW_NOTIFY_READ_TIMEOUT", "10"))

SESSION_COOKIE_AGE = 8 * 3600
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
if PARKFLOW_HTTPS:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Content-Security-Policy (django-csp): no inline script or style anywhere, nothing from other
# origins, no framing. Templates use classes from app.css, never style="…" (D23).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
# Powerful browser features the product never uses are switched off for every page.
PERMISSIONS_POLICY = {
    "accelerometer": [],
    "autoplay": [],
    "camera": [],
    "display-capture": [],
    "geolocation": [],
    "gyroscope": [],
    "magnetometer": [],
    "microphone": [],
    "midi": [],
    "payment": [],
    "publickey-credentials-get": [],
    "serial": [],
    "usb": [],
    "xr-spatial-tracking": [],
}

# API tokens (D23): per device, stored hashed, expire, revoked on password change/deactivation.
PARKFLOW_API_TOKEN_DAYS = int(os.environ.get("PARKFLOW_API_TOKEN_DAYS", "30"))
PARKFLOW_API_TOKEN_MAX_ACTIVE = int(os.environ.get("PARKFLOW_API_TOKEN_MAX_ACTIVE", "20"))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.request": {"level": "ERROR"},
        # huey's consumer logs through its own handler; don't repeat every line via root.
        "huey": {"handlers": ["console"], "level": "INFO", "propagate": False},
    },
}

# Intake (R-ENT-2, R-ENT-3): upload limit, reviewers per admission draw, quarterly spot-check rate.
PARKFLOW_UPLOAD_MAX_BYTES = int(os.environ.get("PARKFLOW_UPLOAD_MAX_MB", "20")) * 1024 * 1024
# Portal invitation links ("邀请开通门户") stop working after this many days.
PARKFLOW_PORTAL_INVITATION_DAYS = int(os.environ.get("PARKFLOW_PORTAL_INVITATION_DAYS", "7"))
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
PARKFLOW_ADMISSION_REVIEWERS = int(os.environ.get("PARKFLOW_ADMISSION_REVIEWERS", "2"))
PARKFLOW_SPOT_CHECK_RATE = os.environ.get("PARKFLOW_SPOT_CHECK_RATE", "0.10")
# The compliance calendar tells a task's owner this many days before it falls due (R-MON-3).
PARKFLOW_DUTY_REMIND_DAYS = int(os.environ.get("PARKFLOW_DUTY_REMIND_DAYS", "3"))
PARKFLOW_PORTAL_APPLY_PER_HOUR = int(os.environ.get("PARKFLOW_PORTAL_APPLY_PER_HOUR", "10"))
# Register import (R-PLT-5): largest file and most rows per sheet in one batch.
PARKFLOW_IMPORT_MAX_BYTES = int(os.environ.get("PARKFLOW_IMPORT_MAX_MB", "20")) * 1024 * 1024
PARKFLOW_IMPORT_MAX_ROWS = int(os.environ.get("PARKFLOW_IMPORT_MAX_ROWS", "10000"))

# Signed audit digests (R-PLT-1, issue 6 §2, decisions.md D18): the chain's head is anchored
# outside the database. The HMAC key comes from the environment or a key file under var/ (made
# once, mode 0600) and never from the database; the directory may be on other storage.
PARKFLOW_AUDIT_DIGEST_DIR = Path(
    os.environ.get("PARKFLOW_AUDIT_DIGEST_DIR", VAR_DIR / "audit-digests")
)
PARKFLOW_AUDIT_DIGEST_KEY = os.environ.get("PARKFLOW_AUDIT_DIGEST_KEY", "")
PARKFLOW_AUDIT_DIGEST_KEY_FILE = Path(
    os.environ.get("PARKFLOW_AUDIT_DIGEST_KEY_FILE", VAR_DIR / "audit-digest.key")
)
PARKFLOW_AUDIT_DIGEST_WEBHOOK = os.environ.get("PARKFLOW_AUDIT_DIGEST_WEBHOOK", "")
PARKFLOW_AUDIT_DIGEST_EMAILS = [
    a.strip() for a in os.environ.get("PARKFLOW_AUDIT_DIGEST_EMAILS", "").split(",") if a.strip()
]
PARKFLOW_AUDIT_DIGEST_MAX_AGE_HOURS = int(
    os.environ.get("PARKFLOW_AUDIT_DIGEST_MAX_AGE_HOURS", "3")
)

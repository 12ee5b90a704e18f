"""R-PLT-2: every API operation is documented (OpenAPI 3 at /api/schema/, Swagger UI at
/api/docs/ served from local static files only), and a fuzzing run against the documented schema
finds no server error and no response that contradicts the documentation."""

import re

import pytest
import schemathesis
from django.contrib.staticfiles import finders
from django.core.management import call_command
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.validation import validate_schema
from hypothesis import HealthCheck, Phase, given, settings
from rest_framework.test import APIClient

from parkflow.enterprises.tests.factories import EnterpriseFactory
from parkflow.org import tokens
from parkflow.org.choices import Role
from parkflow.org.models import RoleAssignment
from parkflow.org.tests.factories import EmergencyContactFactory, OrgUnitFactory, staff
from parkflow.wsgi import application

METHODS = {"get", "post", "put", "patch", "delete"}


def test_schema_endpoint_serves_a_valid_openapi_document(db):
    response = APIClient().get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    schema = response.json()
    validate_schema(schema)  # raises on an invalid OpenAPI 3 document
    assert schema["openapi"].startswith("3.")
    assert "/api/v1/enterprises/{id}/approve/" in schema["paths"]
    assert "/api/v1/auth/token/" in schema["paths"]
    assert "tokenAuth" in schema["components"]["securitySchemes"]


def test_schema_generation_has_no_warnings_or_errors(tmp_path):
    call_command(
        "spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yaml")
    )


def test_every_operation_has_a_summary_a_tag_and_documented_error_bodies():
    schema = SchemaGenerator().get_schema(request=None, public=True)
    problems = []
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            if method not in METHODS:
                continue
            name = f"{method.upper()} {path}"
            if not operation.get("summary"):
                problems.append(f"{name}: no summary")
            if not operation.get("tags"):
                problems.append(f"{name}: no tag")
            errors = {code for code in operation["responses"] if code.startswith("4")}
            if not errors:
                problems.append(f"{name}: no documented error response")
            for code in errors:
                body = operation["responses"][code]["content"]["application/json"]["schema"]
                if body != {"$ref": "#/components/schemas/Error"}:
                    problems.append(f"{name}: {code} is not the error body")
    assert problems == []


def test_swagger_ui_loads_from_local_static_files_only(db):
    response = APIClient().get("/api/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    references = re.findall(r"""(?:src|href)\s*=\s*["']([^"']+)["']""", html)
    assert any("swagger-ui-bundle.js" in ref for ref in references)
    remote = [ref for ref in references if re.match(r"^(?:[a-z]+:)?//", ref, re.IGNORECASE)]
    assert remote == []
    assert not re.search(r"""(?:src|href)\s*=\s*["']https?://""", html, re.IGNORECASE)
    for ref in references:
        if ref.startswith("/api/docs/?"):
            continue  # the page's own start-up script, a separate request (no inline script: CSP)
        assert ref.startswith("/static/"), ref
        assert finders.find(ref.removeprefix("/static/")), f"{ref} is not a collected static file"
    assert "<script>" not in html and "<style>" not in html


# --- fuzzing ----------------------------------------------------------------------------------

# Excluded checks: the schema offers two ways to authenticate (session, token) and schemathesis
# judges "ignored auth" by tampering with one while the other stays valid; and data that is valid
# for the schema may still be refused by the services (a wrong check digit in a credit code is a
# well-formed string), which is the point of keeping business rules out of the serializers.
EXCLUDED_CHECKS = [schemathesis.checks.ignored_auth, schemathesis.checks.positive_data_acceptance]


@pytest.fixture
def fuzz_user(park, other_park):
    """A headquarters user with wide rights, so the generated requests reach the services;
    some data with small ids, so generated ids hit real rows as well as missing ones."""
    headquarters = OrgUnitFactory(name="集团总部")
    user = staff(Role.OFFICE_STAFF, headquarters)
    for role in (Role.SYSTEM_ADMIN, Role.RISK_OFFICER, Role.BUSINESS_STAFF):
        RoleAssignment.objects.create(user=user, role=role, unit=headquarters)
    for unit in (park, other_park):
        EnterpriseFactory.create_batch(2, park=unit)
        EmergencyContactFactory(unit=unit)
    return user


@pytest.fixture
def keep_connection_open():
    """Calling the WSGI app directly fires request_finished, whose close_old_connections would
    close the test's connection (and with it the test transaction on PostgreSQL). Django's test
    client disconnects it the same way."""
    from django.core import signals
    from django.db import close_old_connections

    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.mark.django_db(transaction=False)
def test_fuzzing_every_documented_operation_finds_no_server_error_and_no_undocumented_answer(
    fuzz_user, keep_connection_open
):
    _token, key = tokens.issue(actor=fuzz_user, name="fuzz")
    headers = {"Authorization": f"Token {key}"}
    schema = schemathesis.openapi.from_wsgi("/api/schema/", application)
    # Revoking the fuzzer's own token would turn every later call into a 401 and so hide the
    # rest of the run; revocation has its own tests (org/tests/test_tokens.py).
    operations = [
        op
        for op in (result.ok() for result in schema.get_all_operations())
        if not op.path.endswith("/revoke/") or not op.path.startswith("/api/v1/auth/tokens/")
    ]
    assert len(operations) > 20

    for operation in operations:
        # Fixed seed-free derivation: the same code generates the same requests on every run.
        @settings(
            max_examples=10,
            derandomize=True,
            deadline=None,
            database=None,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        @given(case=operation.as_strategy())
        def check(case):
            case.call_and_validate(headers=headers, excluded_checks=EXCLUDED_CHECKS)

        check()

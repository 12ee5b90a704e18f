"""R-PLT-2: every API operation is documented (OpenAPI 3 at /api/schema/, Swagger UI at
/api/docs/ served from local static files only). The fuzzing run against the documented schema
of every installed app is in workbench/tests/test_api_fuzzing.py."""

import re

from django.contrib.staticfiles import finders
from django.core.management import call_command
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.validation import validate_schema
from rest_framework.test import APIClient

METHODS = {"get", "post", "put", "patch", "delete"}


def test_schema_endpoint_serves_a_valid_openapi_document(db):
    response = APIClient().get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    schema = response.json()
    validate_schema(schema)  # raises on an invalid OpenAPI 3 document
    assert schema["openapi"].startswith("3.")
    assert "/api/v1/errands/{id}/complete/" in schema["paths"]  # a declared workflow step
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

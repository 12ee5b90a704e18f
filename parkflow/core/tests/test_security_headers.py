"""A strict Content-Security-Policy and a Permissions-Policy on every response (issue 6 §7, D23),
and templates that need nothing more: no inline script, style or event handler anywhere."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

TEMPLATE_ROOT = Path(settings.BASE_DIR) / "parkflow"


def directives(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    parsed = {}
    for part in header.split(";"):
        name, *values = part.split()
        parsed[name] = values
    return parsed


@pytest.mark.parametrize(
    "url", ["/accounts/login/", "/api/v1/me/", "/api/docs/", "/no-such-page/", "/portal/apply/"]
)
def test_every_kind_of_response_carries_the_strict_policy(db, url):
    response = Client().get(url)
    policy = directives(response)
    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["base-uri"] == ["'self'"]
    assert policy["form-action"] == ["'self'"]
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]
    assert "'unsafe-eval'" not in response["Content-Security-Policy"]
    permissions = response["Permissions-Policy"]
    for feature in ("camera=()", "microphone=()", "geolocation=()", "payment=()", "usb=()"):
        assert feature in permissions
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


def _templates():
    return sorted(p for p in TEMPLATE_ROOT.rglob("*.html") if "node_modules" not in p.parts)


INLINE = [
    (re.compile(r"\sstyle\s*=", re.IGNORECASE), "style attribute"),
    (re.compile(r"<style[\s>]", re.IGNORECASE), "<style> element"),
    (re.compile(r"\son[a-z]+\s*=", re.IGNORECASE), "event handler attribute"),
    (re.compile(r"javascript:", re.IGNORECASE), "javascript: URL"),
    (
        re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", re.IGNORECASE),
        "inline script",
    ),
]


def test_no_template_relies_on_inline_script_or_style():
    """The policy forbids them; a template that used one would break silently in the browser."""
    found = []
    for template in _templates():
        text = re.sub(
            r"{%\s*comment\s*%}.*?{%\s*endcomment\s*%}", "", template.read_text(), flags=re.S
        )
        for pattern, what in INLINE:
            for match in pattern.finditer(text):
                found.append(f"{template.relative_to(TEMPLATE_ROOT)}: {what}: {match.group(0)!r}")
    assert found == []


def test_the_scan_above_does_catch_inline_content(tmp_path):
    sample = '<td style="width:1px"><script>alert(1)</script><a onclick="x()">'
    caught = {what for pattern, what in INLINE if pattern.search(sample)}
    assert caught == {"style attribute", "inline script", "event handler attribute"}


def test_htmx_is_told_not_to_inject_its_indicator_style(db, park):
    from parkflow.org.choices import Role
    from parkflow.org.tests.factories import staff

    client = Client()
    client.force_login(staff(Role.BUSINESS_STAFF, park))
    html = client.get("/").content.decode()
    assert '"includeIndicatorStyles":false' in html


@pytest.mark.parametrize("url", ["/admin/", "/admin/org/user/", "/admin/core/auditevent/"])
def test_admin_pages_need_no_inline_style_and_ask_for_no_favicon(db, url):
    """Django's change list has one inline <style>, only for lists with actions switched off
    (``actions_on_top = actions_on_bottom = False``): no ParkFlow admin does that."""
    from parkflow.org.choices import Role
    from parkflow.org.tests.factories import OrgUnitFactory, staff

    admin = staff(
        Role.SYSTEM_ADMIN, OrgUnitFactory(name="集团总部"), is_staff=True, is_superuser=True
    )
    client = Client()
    client.force_login(admin)
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert "<style" not in html
    assert 'rel="icon"' in html

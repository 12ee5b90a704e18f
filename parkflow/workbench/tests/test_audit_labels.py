"""Every audit code recorded anywhere in ParkFlow has a Chinese label and a summary (R-PLT-1,
issue 6 §9). A whole-system check: it walks the source of every app, so it lives with the
composition layer; the kernel's part of the audit wording is in core/tests/test_audit_actions.py."""

import ast
import re
from pathlib import Path

import pytest
from django.contrib import admin
from django.utils import translation

from parkflow.core import audit_actions, workflow
from parkflow.core.admin import AuditedAdmin
from parkflow.core.choices import ReviewDecision

SOURCE = Path(__file__).resolve().parents[2]  # parkflow/


@pytest.fixture(autouse=True)
def _chinese():
    # Labels are msgids in Chinese; other tests may leave another language active.
    with translation.override("zh-hans"):
        yield


def _recorded_codes() -> tuple[set[str], list[str]]:
    """Every literal action code passed to ``audit.record(actor, "<code>", …)`` (or to
    ``audit.build``, for events written in bulk) in the source, and the places that build a code
    at run time (each must be enumerated below)."""
    codes, dynamic = set(), []
    for path in SOURCE.rglob("*.py"):
        if "tests" in path.parts or "migrations" in path.parts:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr in ("record", "build")
                and isinstance(node.func.value, ast.Name)
                and node.func.value.id == "audit"
            ):
                continue
            arg = node.args[1] if len(node.args) > 1 else None
            if arg is None:
                continue
            if isinstance(arg, ast.JoinedStr):
                dynamic.append(f"{path.relative_to(SOURCE)}:{node.lineno}")
                continue
            for sub in ast.walk(arg):
                if isinstance(sub, ast.Constant) and isinstance(sub.value, str):
                    codes.add(sub.value)
    return codes, dynamic


def _run_time_codes() -> set[str]:
    """The codes built at run time: transitions, review decisions and the audited admin."""
    codes = {declared.code for declared in workflow.REGISTRY.values()}
    codes |= {
        f"review.{d}"
        for d in ReviewDecision.values
        if d not in (ReviewDecision.PENDING, ReviewDecision.WITHDRAWN)
    }
    for model_admin in admin.site._registry.values():
        if isinstance(model_admin, AuditedAdmin):
            codes |= {f"{model_admin._label()}.{verb}" for verb in ("create", "update", "delete")}
    return codes


def test_every_recorded_audit_action_has_a_chinese_label_and_summary():
    literal, dynamic = _recorded_codes()
    assert "enterprise.create" in literal and "alert.open" in literal  # the walk finds them
    # Run-time codes are built in exactly these places; a new one must be enumerated above.
    assert {place.split(":")[0] for place in dynamic} <= {
        "enterprises/services.py",
        "core/reviews.py",  # review.<decision>
        "core/admin.py",
        "core/maintained.py",  # the audited admin's codes, enumerated in _run_time_codes
    }, dynamic
    missing = sorted(
        code for code in literal | _run_time_codes() if code not in audit_actions.REGISTRY
    )
    assert not missing, f"audit actions without a label: {missing}"
    for code, action in audit_actions.REGISTRY.items():
        assert re.search(r"[\u4e00-\u9fff]", str(action.label)), code
        assert re.search(r"[\u4e00-\u9fff]", str(action.summary)), code
        str(action.summary).format(actor="甲", object="乙")  # no stray placeholders


def test_an_unlabelled_action_code_fails_the_label_check(monkeypatch):
    monkeypatch.delitem(audit_actions.REGISTRY, "enterprise.move_in")
    with pytest.raises(AssertionError, match="enterprise.move_in"):
        test_every_recorded_audit_action_has_a_chinese_label_and_summary()

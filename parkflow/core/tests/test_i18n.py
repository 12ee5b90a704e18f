"""The English catalogue (parkflow/locale/en): complete, and the committed .mo matches the .po.

msgids are the Simplified Chinese UI strings. After adding strings run `make messages`, translate
the new entries in django.po and commit both django.po and django.mo.
"""

import gettext
import json
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation

LC_MESSAGES = Path(settings.BASE_DIR) / "parkflow" / "locale" / "en" / "LC_MESSAGES"
PO_PATH = LC_MESSAGES / "django.po"
MO_PATH = LC_MESSAGES / "django.mo"


def _unquote(line: str) -> str:
    # PO strings use C escapes (\" \\ \n \t), which JSON string syntax reads the same way.
    return json.loads(line)


def parse_po(path: Path) -> list[dict]:
    """Minimal .po reader: active (non-obsolete) entries with flags, msgctxt, msgid(_plural), msgstr(s)."""
    entries, current, field = [], None, None

    def flush():
        if current is not None and "msgid" in current:
            entries.append(current)

    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith("#~"):
            continue
        if line.startswith("#,"):
            flush()
            current, field = {"flags": {f.strip() for f in line[2:].split(",")}}, None
        elif line.startswith("#"):
            if current is not None and "msgid" in current:
                flush()
                current, field = None, None
        elif line.startswith('"'):
            key, index = field
            if index is None:
                current[key] += _unquote(line)
            else:
                current[key][index] += _unquote(line)
        else:
            keyword, _, rest = line.partition(" ")
            if keyword in ("msgctxt", "msgid") and current is not None and "msgid" in current:
                flush()
                current = None
            if current is None:
                current = {"flags": set()}
            if keyword.startswith("msgstr["):
                index = int(keyword[len("msgstr[") : -1])
                current.setdefault("msgstr_plural", {})[index] = _unquote(rest)
                field = ("msgstr_plural", index)
            else:
                current[keyword] = _unquote(rest)
                field = (keyword, None)
    flush()
    return entries


@pytest.fixture(scope="module")
def po_entries():
    assert PO_PATH.exists(), f"missing {PO_PATH}; run `make messages`"
    return parse_po(PO_PATH)


@pytest.mark.parametrize(
    ("msgid", "english"),
    [
        ("工作台", "Workbench"),
        ("我的待办", "My tasks"),
        ("企业名录", "Enterprises"),
        ("预警中心", "Alert center"),
        ("统一社会信用代码", "Unified social credit code"),
        ("营业执照", "Business licence"),
        ("审计追踪", "Audit trail"),
    ],
)
def test_english_translates_key_ui_strings(msgid, english):
    with translation.override("en"):
        assert translation.gettext(msgid) == english
    with translation.override("zh-hans"):
        assert translation.gettext(msgid) == msgid


def test_english_plural_forms():
    msgid = "%(n)s 人的合规履职状态已失效。"
    with translation.override("en"):
        assert translation.ngettext(msgid, msgid, 1) % {"n": 1} == (
            "Compliance status has lapsed for 1 person."
        )
        assert translation.ngettext(msgid, msgid, 3) % {"n": 3} == (
            "Compliance status has lapsed for 3 people."
        )


def test_po_has_no_untranslated_or_fuzzy_entries(po_entries):
    header = [e for e in po_entries if e["msgid"] == "" and "msgctxt" not in e]
    assert header and "Language: en" in header[0]["msgstr"]
    assert "#, fuzzy" not in PO_PATH.read_text(encoding="utf-8")
    fuzzy = [e["msgid"] for e in po_entries if "fuzzy" in e["flags"]]
    untranslated = [
        e["msgid"]
        for e in po_entries
        if e["msgid"]
        and (not all(e["msgstr_plural"].values()) if "msgid_plural" in e else not e.get("msgstr"))
    ]
    assert not fuzzy, f"fuzzy entries: {fuzzy}"
    assert not untranslated, (
        f"untranslated entries (translate, then compilemessages): {untranslated}"
    )
    assert len(po_entries) > 500


def test_committed_mo_matches_po(po_entries):
    """The .mo is committed so running the app needs no gettext tools; it must not be stale."""
    with MO_PATH.open("rb") as fh:
        catalogue = gettext.GNUTranslations(fh)
    stale = []
    for entry in po_entries:
        msgid = entry["msgid"]
        if not msgid:
            continue
        if "msgid_plural" in entry:
            for n, index in ((1, 0), (2, 1)):
                if "msgctxt" in entry:
                    found = catalogue.npgettext(entry["msgctxt"], msgid, entry["msgid_plural"], n)
                else:
                    found = catalogue.ngettext(msgid, entry["msgid_plural"], n)
                if found != entry["msgstr_plural"][index]:
                    stale.append(msgid)
        elif "msgctxt" in entry:
            if catalogue.pgettext(entry["msgctxt"], msgid) != entry["msgstr"]:
                stale.append(msgid)
        elif catalogue.gettext(msgid) != entry["msgstr"]:
            stale.append(msgid)
    assert not stale, f"django.mo is out of date; run compilemessages. Differs for: {stale[:10]}"


def test_chinese_is_the_default_even_for_an_english_browser(client, db):
    response = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert response.status_code == 200
    assert 'lang="zh-hans"' in response.content.decode()


def test_the_language_switch_still_turns_the_pages_english(client, db):
    client.post("/i18n/setlang/", {"language": "en", "next": "/accounts/login/"})
    assert 'lang="en"' in client.get("/accounts/login/").content.decode()

"""The amendment's clause diff and the Chinese clause numbers (diff.py): pure functions."""

from types import SimpleNamespace

import pytest

from ..diff import (
    ADDED,
    CHANGED,
    REMOVED,
    UNCHANGED,
    article,
    chinese_number,
    clause_diff,
    inline_diff,
    summary,
)


def clause(title, text, kind="other", venue_kind="", venue_name=""):
    return SimpleNamespace(
        kind=kind, title=title, text=text, venue_kind=venue_kind, venue_name=venue_name
    )


@pytest.mark.parametrize(
    ("n", "text"),
    [
        (1, "一"),
        (9, "九"),
        (10, "十"),
        (11, "十一"),
        (20, "二十"),
        (21, "二十一"),
        (99, "九十九"),
        (100, "一百"),
        (105, "一百零五"),
        (110, "一百一十"),
        (112, "一百一十二"),
        (120, "一百二十"),
    ],
)
def test_clause_numbers_are_written_the_chinese_way(n, text):
    assert chinese_number(n) == text


def test_article_is_di_n_tiao():
    assert article(3) == "第三条"
    assert article(12) == "第十二条"


def test_clauses_are_paired_by_position_and_classified():
    old = [clause("保密", "双方保密。"), clause("违约", "违约赔偿。"), clause("其他", "附则。")]
    new = [clause("保密", "双方保密。"), clause("违约责任", "违约方赔偿全部损失。")]
    changes = clause_diff(old, new)
    assert [c.change for c in changes] == [UNCHANGED, CHANGED, REMOVED]
    assert changes[1].changed_fields == ("title", "text")
    assert changes[2].article == "第三条"
    assert summary(changes) == {ADDED: 0, REMOVED: 1, CHANGED: 1, UNCHANGED: 1}
    grown = clause_diff(new, [*new, clause("数据", "退出时返还数据。")])
    assert [c.change for c in grown] == [UNCHANGED, UNCHANGED, ADDED]


def test_a_venue_change_alone_is_a_change():
    old = [clause("争议", "提交仲裁。", "dispute", "arbitration", "苏州仲裁委员会")]
    new = [clause("争议", "提交仲裁。", "dispute", "arbitration", "上海仲裁委员会")]
    (change,) = clause_diff(old, new)
    assert change.change == CHANGED
    assert change.changed_fields == ("venue_name",)


def test_chinese_text_is_diffed_character_by_character():
    html = inline_diff("乙方按月支付租金。", "乙方按季支付租金及物业费。")
    assert html == "乙方按<del>月</del><ins>季</ins>支付租金<ins>及物业费</ins>。"


def test_the_diff_escapes_the_clause_text():
    html = inline_diff("<b>旧</b>", "<script>新</script>")
    assert "<script" not in html and "<b>" not in html
    assert html.startswith("&lt;<del>b</del><ins>script</ins>&gt;")
    changes = clause_diff([clause("<i>", "a")], [clause("<i>", "a")])
    assert str(changes[0].title_html) == "&lt;i&gt;"

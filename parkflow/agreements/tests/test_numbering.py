import pytest

from ..numbering import chinese_number, clause_number


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
        (999, "九百九十九"),
    ],  # fmt: skip
)
def test_clauses_are_numbered_in_chinese_contract_style(n, text):
    assert chinese_number(n) == text
    assert clause_number(n) == f"第{text}条"

"""Field extraction from recognised lines (issue 13), without the OCR: lines as the recogniser
gives them, boxes included, for the horizontal layout, spaced labels and a tilted photo."""

import math

import pytest

from parkflow.licences import fields
from parkflow.licences.reading import OcrLine

CODE = "91320594MA1Y2K3X0D"  # passes GB 32100 (checked below)


def _line(text, x, y, *, width=None, height=30, angle=0.0, conf=0.99):
    width = width or 28 * len(text)
    points = [(x, y), (x + width, y), (x + width, y + height), (x, y + height)]
    if angle:
        cos, sin = math.cos(angle), math.sin(angle)
        points = [(px * cos - py * sin, px * sin + py * cos) for px, py in points]
    return OcrLine(text=text, confidences=[conf] * len(text), box=[list(p) for p in points])


def _licence(angle=0.0, code=CODE):
    rows = [
        ("统一社会信用代码" + code, 120, 225),
        ("名", 118, 323),
        ("称", 196, 324),
        ("苏州汇锦精密机械有限公司", 300, 325),
        ("注册资本", 857, 323),
        ("伍佰万元整", 1036, 321),
        ("类", 118, 394),
        ("型", 196, 393),
        ("有限责任公司(自然人投资或控股)", 300, 396),
        ("成立日期", 859, 394),
        ("2019年03月12日", 1040, 394),
        ("法定代表人", 120, 464),
        ("张建国", 297, 462),
        ("营业期限", 859, 464),
        ("2019年03月12日至长期", 1039, 464),
        ("经营范围", 118, 535),
        ("精密机械零部件的研发、生产、销售；", 300, 536),
        ("机械设备租赁。", 300, 576),
        ("住", 857, 533),
        ("所", 927, 534),
        ("苏州工业园区星湖街328号", 1040, 534),
        ("登记机关", 1000, 800),
    ]
    return [_line(text, x, y, angle=angle) for text, x, y in rows]


def test_the_code_used_here_passes_its_check_digit():
    from stdnum.cn import uscc

    assert uscc.is_valid(CODE)


@pytest.mark.parametrize("angle", [0.0, math.radians(7)])
def test_every_field_is_read_from_a_horizontal_licence_also_when_tilted(angle):
    result = fields.extract(_licence(angle))
    values = {key: reading.value for key, reading in result.fields.items()}
    assert values == {
        "credit_code": CODE,
        "name": "苏州汇锦精密机械有限公司",
        "registered_capital": "500",
        "company_type": "有限责任公司（自然人投资或控股）",
        "established_on": "2019-03-12",
        "legal_representative": "张建国",
        "term_from": "2019-03-12",
        "term_until": "",
        "address": "苏州工业园区星湖街328号",
        "business_scope": "精密机械零部件的研发、生产、销售；机械设备租赁。",
    }
    assert result.long_term
    assert result.fields["credit_code"].valid is True
    assert result.layout == "horizontal"


def test_a_code_that_fails_its_check_digit_is_flagged_with_its_unsure_characters():
    altered = CODE[:5] + ("1" if CODE[5] != "1" else "2") + CODE[6:]
    lines = _licence(code=altered)
    lines[0].confidences[8 + 5] = 0.41  # the recogniser was unsure of the altered character
    reading = fields.extract(lines).fields["credit_code"]
    assert reading.value == altered
    assert reading.valid is False
    assert reading.needs_verification
    assert 5 in reading.unsure


def test_lookalike_letters_gb32100_never_uses_are_read_as_digits():
    reading = fields.read_credit_code(fields.Chars.of(CODE.replace("0", "O"), [0.9] * 18))
    assert reading.value == CODE
    assert reading.valid is True


@pytest.mark.parametrize(
    ("printed", "wan"),
    [
        ("伍佰万元整", "500"),
        ("壹仟贰佰叁拾肆万伍仟元整", "1234.5"),
        ("人民币1000万元", "1000"),
        ("500万元人民币", "500"),
        ("3.5亿元", "35000"),
        ("拾万元整", "10"),
    ],
)
def test_registered_capital_is_kept_in_wan_yuan(printed, wan):
    assert fields.registered_capital(printed) == (wan, True)


def test_a_term_with_an_end_date_fills_both_ends():
    lines = [_line("营业期限", 100, 100), _line("2019年03月12日至2039年03月11日", 300, 100)]
    result = fields.extract(lines)
    assert result.fields["term_from"].value == "2019-03-12"
    assert result.fields["term_until"].value == "2039-03-11"
    assert not result.long_term


def test_a_partnership_names_its_executive_partner():
    lines = [_line("执行事务合伙人", 100, 100), _line("苏州某某投资管理有限公司", 330, 100)]
    reading = fields.extract(lines).fields["legal_representative"]
    assert reading.label == "执行事务合伙人"
    assert reading.value == "苏州某某投资管理有限公司"


def test_a_misread_label_character_still_finds_a_long_label():
    lines = [_line("法定代表入", 100, 100), _line("王芳", 300, 100)]
    assert fields.extract(lines).fields["legal_representative"].value == "王芳"


def test_a_capital_in_another_currency_is_flagged_not_taken_as_renminbi():
    lines = [_line("注册资本", 100, 100), _line("100万美元", 300, 100)]
    reading = fields.extract(lines).fields["registered_capital"]
    assert reading.value == "100"
    assert reading.valid is False and reading.needs_verification

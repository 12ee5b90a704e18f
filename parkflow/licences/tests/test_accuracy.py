"""The accuracy harness (issue 13 §D) counts what a reader got right: per field after
normalising full-width punctuation and spaces, the credit code character for character, 长期 only
with long_term, and — for the code — which wrong reads the reading itself flagged."""

import dataclasses

import pytest

from parkflow.licences import accuracy, testset
from parkflow.licences.reading import FIELD_KEYS, FieldReading, LicenceResult


@pytest.fixture(scope="module")
def licences():
    return testset.samples(12, seed=11)


def items(licences):
    # the fake readers below look the truth up by the bytes, which are the code
    return [(s, s.credit_code.encode(), "image/png", s.kind) for s in licences]


def truth_reader(licences, change=None):
    by_code = {s.credit_code: s for s in licences}

    def read(data: bytes, mime: str) -> LicenceResult:
        sample = by_code[data.decode()]
        fields = {
            key: FieldReading(value=getattr(sample, key), confidence=0.99) for key in FIELD_KEYS
        }
        fields["credit_code"].valid = True
        result = LicenceResult(fields=fields, lines=[], source="image", long_term=sample.long_term)
        if change:
            change(sample, result)
        return result

    return read


def test_a_reader_that_returns_the_truth_scores_every_field(licences):
    report = accuracy.measure(truth_reader(licences), items(licences))
    assert report.licences == 12
    assert all(report.accuracy(key) == 1.0 for key in FIELD_KEYS)
    assert report.all_right == 12
    assert report.code_wrong == report.code_caught == report.code_flagged_right == 0
    assert report.misses == [] and report.errors == []
    assert len(report.seconds) == 12 and report.seconds_max >= report.seconds_p50 >= 0
    assert sum(int(stats[0]) for stats in report.groups.values()) == 12


def test_a_misread_code_that_the_reading_flags_is_caught(licences):
    def misread(sample, result):
        result.fields["credit_code"] = FieldReading(
            value=testset.altered_code(sample.credit_code), valid=False
        )

    report = accuracy.measure(truth_reader(licences, misread), items(licences))
    assert report.accuracy("credit_code") == 0.0
    assert report.accuracy("name") == 1.0
    assert report.code_wrong == 12 and report.code_caught == 12 and report.code_silent == 0
    assert report.all_right == 0
    assert {m.field for m in report.misses} == {"credit_code"}
    assert all(m.flagged for m in report.misses)


def test_a_misread_code_flagged_only_by_unsure_characters_is_caught_too(licences):
    def unsure(sample, result):
        result.fields["credit_code"] = FieldReading(
            value=testset.altered_code(sample.credit_code), valid=None, unsure=[10]
        )

    report = accuracy.measure(truth_reader(licences, unsure), items(licences))
    assert report.code_wrong == report.code_caught == 12


def test_a_misread_code_without_a_flag_is_counted_silent(licences):
    def silent(sample, result):
        result.fields["credit_code"] = FieldReading(
            value=testset.altered_code(sample.credit_code), valid=True
        )

    report = accuracy.measure(truth_reader(licences, silent), items(licences))
    assert report.code_wrong == 12 and report.code_caught == 0 and report.code_silent == 12


def test_a_right_code_flagged_anyway_counts_as_right_and_as_a_needless_check(licences):
    def doubtful(sample, result):
        result.fields["credit_code"].unsure = [3]

    report = accuracy.measure(truth_reader(licences, doubtful), items(licences))
    assert report.accuracy("credit_code") == 1.0
    assert report.code_flagged_right == 12 and report.code_wrong == 0


def test_full_width_punctuation_and_spaces_do_not_count_but_other_characters_do(licences):
    def half_width(sample, result):
        f = result.fields
        f["name"].value = sample.name.replace("（", "(").replace("）", ")") + " "
        f["company_type"].value = " ".join(sample.company_type)
        scope = sample.business_scope.replace("：", ":").replace("；", ";")
        f["business_scope"].value = scope.removesuffix("。")
        f["legal_representative"].value = sample.legal_representative + "。"
        f["address"].value = sample.address[:-1] + "X"
        if sample.registered_capital:
            f["registered_capital"].value = f"{sample.registered_capital}.00"

    report = accuracy.measure(truth_reader(licences, half_width), items(licences))
    for key in (
        "name",
        "company_type",
        "business_scope",
        "registered_capital",
        "legal_representative",
    ):
        assert report.accuracy(key) == 1.0, key
    assert report.accuracy("address") == 0.0


def test_a_credit_code_must_match_exactly(licences):
    def spaced(sample, result):  # what other fields forgive (spaces) the code does not
        code = sample.credit_code
        result.fields["credit_code"].value = f"{code[:8]} {code[8:]}"

    report = accuracy.measure(truth_reader(licences, spaced), items(licences))
    assert report.accuracy("credit_code") == 0.0


def test_long_term_is_right_only_when_the_reading_says_so(licences):
    def missed(sample, result):
        result.long_term = False

    report = accuracy.measure(truth_reader(licences, missed), items(licences))
    long_term = sum(s.long_term for s in licences)
    assert 0 < long_term < len(licences)
    assert report.correct["term_until"] == len(licences) - long_term


def test_a_field_left_out_is_wrong_unless_the_licence_has_none(licences):
    def no_capital(sample, result):
        del result.fields["registered_capital"]

    report = accuracy.measure(truth_reader(licences, no_capital), items(licences))
    without = sum(not s.registered_capital for s in licences)
    assert without > 0
    assert report.correct["registered_capital"] == without


def test_a_reader_that_raises_reads_nothing_and_says_why(licences):
    def broken(data, mime):
        raise RuntimeError("model missing")

    report = accuracy.measure(broken, items(licences)[:3])
    assert report.licences == 3 and report.all_right == 0
    assert sum(report.correct.values()) == sum(
        1 for s in licences[:3] for key in FIELD_KEYS if not getattr(s, key) and key != "term_until"
    ) + sum(1 for s in licences[:3] if not s.term_until and not s.long_term)
    assert [e[2] for e in report.errors] == ["RuntimeError: model missing"] * 3


def test_the_report_prints_a_table_in_chinese_and_english(licences):
    def silent(sample, result):
        if sample is licences[0]:
            result.fields["credit_code"] = FieldReading(
                value=testset.altered_code(sample.credit_code)
            )

    text = accuracy.measure(truth_reader(licences, silent), items(licences)).as_text()
    assert "统一社会信用代码 credit_code" in text
    assert "11/12" in text
    assert "读错 wrong 1" in text and "silent 1" in text
    assert "seconds per licence" in text
    assert licences[0].credit_code in text  # the misread is listed


def test_case_items_render_each_case_with_its_mime():
    case = dataclasses.replace(
        testset.standard_set()[0], kind="image", layout="vertical", level="clean"
    )
    [(sample, data, mime, group)] = list(accuracy.case_items([case]))
    assert sample is case.sample and mime == "image/png" and data.startswith(b"\x89PNG")
    assert group == "vertical/clean"

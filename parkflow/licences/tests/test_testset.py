"""The generated licence test set (issue 13 §D): deterministic, realistic in what it says (valid
GB 32100 credit codes, the labels each kind of licence uses), pictures of the sizes the reader
is measured on, an e-licence PDF whose text layer says what the licence says and a scanned PDF
that has none."""

import io
from collections import Counter

import pytest
from PIL import Image
from pypdf import PdfReader
from stdnum.cn import uscc

from parkflow.licences import testset
from parkflow.licences.reading import FIELD_KEYS


@pytest.fixture(scope="module")
def many():
    return testset.samples(200, seed=7)


def test_the_same_seed_gives_the_same_licences_and_another_seed_others():
    assert testset.samples(30, seed=5) == testset.samples(30, seed=5)
    assert testset.samples(30, seed=5) != testset.samples(30, seed=6)


def test_every_credit_code_validates_with_stdnum_and_its_organisation_code_check(many):
    for sample in many:
        assert uscc.is_valid(sample.credit_code), sample.credit_code
        assert testset.uscc_is_valid(sample.credit_code), sample.credit_code
        assert sample.credit_code[:2] == ("92" if sample.kind == "individual" else "91")
    assert len({s.credit_code for s in many}) == len(many)


def test_the_check_characters_follow_the_standards_published_example():
    # 91110000600037341L (stdnum's example): organisation code 60003734-1, check L
    assert testset.org_check_char("60003734") == "1"
    assert testset.uscc_check_char("91110000600037341") == "L"
    assert testset.uscc_is_valid("91110000600037341L")


def test_some_codes_carry_characters_ocr_confuses(many):
    tricky = [
        s.credit_code
        for s in many
        if set(s.credit_code[8:]) & set("DBQ") and set(s.credit_code[8:]) & set("08")
    ]
    assert len(tricky) >= len(many) // 4


def test_an_altered_code_differs_in_one_character_and_fails_the_check(many):
    for sample in many:
        altered = testset.altered_code(sample.credit_code)
        assert len(altered) == 18
        assert sum(a != b for a, b in zip(altered, sample.credit_code, strict=True)) == 1
        assert not uscc.is_valid(altered), altered
        assert not testset.uscc_is_valid(altered)
    assert not uscc.is_valid(testset.altered_code("91110000600037341L", position=17))


def test_each_kind_of_licence_uses_its_own_labels_and_fields(many):
    kinds = Counter(s.kind for s in many)
    assert set(kinds) == {"company", "branch", "partnership", "individual", "sole"}
    for s in many:
        assert set(s.truth()) == set(FIELD_KEYS)
        label = {
            "company": "法定代表人",
            "branch": "负责人",
            "partnership": "执行事务合伙人",
            "individual": "经营者",
            "sole": "投资人",
        }[s.kind]
        assert s.representative_label == label
        if s.kind in ("branch", "sole", "individual"):
            assert s.registered_capital == "" and s.capital_text == ""
        else:
            assert s.registered_capital and s.capital_text
        if s.kind == "individual":
            assert s.term_from == s.term_until == "" and not s.long_term
            assert s.established_label == "注册日期"
        else:
            assert s.term_from == s.established_on
            assert (s.term_until == "") == s.long_term
    assert any(s.long_term for s in many) and any(s.term_until for s in many)
    assert any(s.capital_currency == "USD" for s in many)
    assert any(s.business_scope.startswith(("一般项目", "许可项目")) for s in many)
    assert {s.address_label for s in many} == {"住所", "营业场所", "主要经营场所", "经营场所"}


def test_capital_is_printed_in_the_ways_licences_print_it(many):
    assert testset.yuan_in_words(5_000_000) == "伍佰万元整"
    assert testset.yuan_in_words(10_500_000) == "壹仟零伍拾万元整"
    assert testset.yuan_in_words(12_345_000) == "壹仟贰佰叁拾肆万伍仟元整"
    assert testset.yuan_in_words(100_000_000) == "壹亿元整"
    assert testset.yuan_in_words(100_500) == "壹拾万零伍佰元整"
    printed = [s.capital_text for s in many if s.capital_text]
    assert any(t.endswith("元整") and not t[0].isdigit() and "人民币" not in t for t in printed)
    assert any(t.startswith("人民币") and t[3].isdigit() for t in printed)
    assert any(t.endswith("万元人民币") for t in printed)
    assert any(t.endswith("万美元") for t in printed)


def test_pictures_have_the_sizes_of_both_layouts_and_a_photo_lies_on_a_desk():
    sample = testset.samples(3, seed=1)[0]
    for layout, size in (("horizontal", (1600, 1130)), ("vertical", (1130, 1600))):
        clean = testset.render_licence(sample, layout=layout, seed=1)
        assert testset.mime_of(clean) == "image/png"
        assert Image.open(io.BytesIO(clean)).size == size
    heavy = testset.Degradation.preset("heavy", 3)
    photo = testset.render_licence(sample, layout="vertical", degrade=heavy, seed=3, scale=0.5)
    assert testset.mime_of(photo) == "image/jpeg"
    image = Image.open(io.BytesIO(photo))
    assert image.size == (600, 800)  # PHOTO_SIZE (4 : 3) at half scale
    # the desk shows round the sheet: the corners are darker than the paper in the middle
    grey = image.convert("L")
    assert grey.getpixel((2, 2)) < grey.getpixel((300, 400)) - 40


def test_a_small_render_is_deterministic_and_scaled():
    sample = testset.samples(3, seed=2)[1]
    light = testset.Degradation.preset("light", 4)
    first = testset.render_licence(sample, layout="vertical", degrade=light, seed=4, scale=0.25)
    again = testset.render_licence(sample, layout="vertical", degrade=light, seed=4, scale=0.25)
    assert first == again
    assert Image.open(io.BytesIO(first)).size == (282, 400)


def test_the_e_licence_pdf_has_a_text_layer_with_the_name_and_code_and_the_scan_has_none():
    import pypdfium2 as pdfium

    def pdfium_text(data: bytes) -> str:
        document = pdfium.PdfDocument(data)
        try:
            return "".join(page.get_textpage().get_text_range() for page in document)
        finally:
            document.close()

    sample = testset.samples(3, seed=3)[2]
    data = testset.e_licence_pdf(sample)
    text = pdfium_text(data)
    assert sample.name in text
    assert sample.credit_code in text
    assert "".join(sample.address.split()) in "".join(text.split())
    # pypdf reads the same layer, but puts a NUL before each character of fpdf2's CFF subsets
    # (it takes their embedded encoding CMap for a one-byte one)
    flat = "".join(PdfReader(io.BytesIO(data)).pages[0].extract_text().replace("\x00", "").split())
    assert sample.name in flat and sample.credit_code in flat

    scan = testset.scanned_pdf(sample, scale=0.4)
    assert PdfReader(io.BytesIO(scan)).pages[0].extract_text().strip() == ""
    assert pdfium_text(scan).strip() == ""
    assert list(PdfReader(io.BytesIO(scan)).pages[0].images)


def test_the_standard_set_is_fixed_and_mixes_layouts_levels_and_pdfs():
    cases = testset.standard_set()
    assert len(cases) >= 50
    assert cases == testset.standard_set()
    images = [c for c in cases if c.kind == "image"]
    assert sum(c.layout == "vertical" for c in images) * 3 >= len(images)
    assert {c.level for c in images} == {"clean", "light", "heavy"}
    assert {c.kind for c in cases} == {"image", "e_pdf", "scanned_pdf"}
    assert len({c.sample.credit_code for c in cases}) == len(cases)
    with pytest.raises(ValueError):
        testset.standard_set(20)


def test_a_missing_font_says_which_package_to_install(monkeypatch):
    monkeypatch.setattr(testset, "FONT_DIRS", ("/nonexistent",))
    monkeypatch.setattr(testset.shutil, "which", lambda name: None)
    testset.font_file.cache_clear()
    try:
        with pytest.raises(testset.FontsMissing, match="fonts-noto-cjk"):
            testset.font_file("serif")
    finally:
        testset.font_file.cache_clear()

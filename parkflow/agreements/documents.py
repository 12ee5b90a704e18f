"""The agreement as a document (R-AGR-6): a PDF to print, sign and archive, and a .docx for
parks that negotiate in Word. Both are made from one ``AgreementText`` so they say the same:
title, number and version, the parties, the term, the clauses numbered 第一条、第二条…, the service
lines (required or requested), the fee schedule and the signature block.

The PDF embeds its fonts (subsets of Noto Serif/Sans CJK SC, Debian's ``fonts-noto-cjk``): a
contract must print the same on every reader, with no font pack to install and nothing fetched
at run time (docs/decisions.md). fpdf2 embeds these CFF-based OpenType collections through
fontTools, which ReportLab cannot.
"""

import dataclasses
import datetime
import io
import logging
from decimal import Decimal
from functools import cache
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpResponse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _

from parkflow.core import access, audit, clock

from .choices import AgreementStatus, ClauseKind, LineBasis
from .models import Agreement

PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
FONT_DIRS = ("/usr/share/fonts/opentype/noto", "/usr/share/fonts/truetype/noto")
# (family used below, style, file, the face's name in the collection): 宋体-like serif for the
# text, bold sans (黑体) for headings. Each face costs ~0.4 s of subsetting per document.
FONT_FACES = (
    ("serif", "", "NotoSerifCJK-Regular.ttc", "Noto Serif CJK SC"),
    ("serif", "B", "NotoSerifCJK-Bold.ttc", "Noto Serif CJK SC Bold"),
    ("sans", "B", "NotoSansCJK-Bold.ttc", "Noto Sans CJK SC Bold"),
)
# fontTools logs every subsetting step at INFO: one line per table per font per document.
logging.getLogger("fontTools.subset").setLevel(logging.WARNING)
DIGITS = "零一二三四五六七八九"
# Chinese line breaking (禁则): these never begin a line, these never end one.
NO_LINE_START = set("，。、；：？！）》」』〕】”’%)]}.,;:?!·…—")
NO_LINE_END = set("（《「『〔【“‘([{¥￥")


class FontsMissing(ImproperlyConfigured):
    """The CJK fonts the PDF embeds are not installed (never downloaded at run time)."""


# ---------------------------------------------------------------------------------------------
# Chinese formats


def chinese_number(n: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 20 → 二十, 105 → 一百零五 (clause numbers, 1 … 999)."""
    if not 0 < n < 1000:
        raise ValueError(n)
    hundreds, tens, ones = n // 100, n // 10 % 10, n % 10
    text = ""
    if hundreds:
        text += DIGITS[hundreds] + "百"
        if tens == 0 and ones:
            return text + "零" + DIGITS[ones]
    if tens:
        text += ("" if tens == 1 and not hundreds else DIGITS[tens]) + "十"
    if ones:
        text += DIGITS[ones]
    return text


def article(n: int) -> str:
    return f"第{chinese_number(n)}条"


def chinese_date(value: datetime.date | None) -> str:
    return f"{value.year}年{value.month}月{value.day}日" if value else "　　年　　月　　日"


def money(value: Decimal | None) -> str:
    return "" if value is None else f"¥{Decimal(value):,.2f}"


def _quantity(value: Decimal) -> str:
    value = Decimal(value)
    return f"{value:,.0f}" if value == value.to_integral_value() else f"{value:,.2f}"


# ---------------------------------------------------------------------------------------------
# What both documents say


@dataclasses.dataclass
class Clause:
    heading: str  # 第一条　保密
    paragraphs: list[str]


@dataclasses.dataclass
class AgreementText:
    title: str
    number_line: str
    notice: str  # shown above the parties: draft, migrated and not reviewed …
    parties: list[tuple[str, str]]  # (label, value)
    preamble: str
    clauses: list[Clause]
    service_header: list[str]
    service_rows: list[list[str]]
    fee_header: list[str]
    fee_rows: list[list[str]]
    fee_note: str
    park_name: str
    enterprise_name: str
    park_signatory: str
    enterprise_signatory: str
    signed_on: datetime.date | None


def _load(agreement: Agreement) -> Agreement:
    return (
        Agreement.objects.select_related("park", "enterprise", "park_signatory", "amends")
        .prefetch_related("clauses", "lines__item", "fees__service_item", "fees__tariff")
        .get(pk=agreement.pk)
    )


def _notice(agreement: Agreement) -> str:
    if agreement.migrated and agreement.migration_reviewed_at is None:
        return _("历史导入，未经审查")
    if agreement.status in (AgreementStatus.DRAFT, AgreementStatus.IN_REVIEW):
        return _("%(status)s · 仅供审阅，不作签署之用") % {"status": agreement.get_status_display()}
    if agreement.status in (AgreementStatus.SUPERSEDED, AgreementStatus.TERMINATED):
        return agreement.get_status_display()
    return ""


def agreement_text(agreement: Agreement) -> AgreementText:
    """The agreement's content, worded and formatted once for the PDF and the .docx."""
    agreement = _load(agreement)
    enterprise, park = agreement.enterprise, agreement.park
    version = (
        _("第%(v)s版（补充协议，补充 %(amends)s）")
        % {"v": agreement.version, "amends": agreement.amends.number}
        if agreement.amends_id
        else _("第%(v)s版") % {"v": agreement.version}
    )
    parties = [
        (_("甲方（园区）"), park.name),
        (_("乙方（企业）"), enterprise.name),
        (_("统一社会信用代码"), enterprise.credit_code),
        (_("法定代表人"), enterprise.legal_representative),
    ]
    if enterprise.address:
        parties.append((_("乙方地址"), enterprise.address))
    parties.append(
        (
            _("协议期限"),
            _("自%(start)s起至%(end)s止")
            % {
                "start": chinese_date(agreement.start_date),
                "end": chinese_date(agreement.end_date),
            },
        )
    )
    clauses = []
    for number, row in enumerate(agreement.clauses.all(), start=1):
        paragraphs = [p.strip() for p in row.text.splitlines() if p.strip()]
        if row.kind == ClauseKind.DISPUTE and row.venue_name:
            paragraphs.append(
                _("约定的争议解决机构：%(venue)s（%(kind)s）。")
                % {"venue": row.venue_name, "kind": row.get_venue_kind_display()}
            )
        clauses.append(Clause(f"{article(number)}　{row.title}", paragraphs))
    lines = sorted(agreement.lines.all(), key=lambda line: (line.basis != LineBasis.REQUIRED,))
    service_rows = []
    for number, line in enumerate(lines, start=1):
        if line.basis == LineBasis.REQUIRED:
            confirmation = _("—")
        elif line.confirmed_at:
            confirmation = _("已确认（%(via)s）\n%(on)s") % {
                "via": line.get_confirmed_via_display(),
                "on": chinese_date(line.confirmed_at.date()),
            }
        else:
            confirmation = _("待企业确认")
        service_rows.append(
            [
                str(number),
                line.item.name,
                line.item.description or "",
                line.get_basis_display(),
                confirmation,
            ]
        )
    fee_rows = []
    for fee in agreement.fees.all():
        unit = f"\n{fee.tariff.get_unit_display()}" if fee.tariff_id else ""
        fee_rows.append(
            [
                str(fee.position),
                fee.label,
                fee.get_kind_display(),
                _quantity(fee.quantity),
                money(fee.unit_price) + unit,
                fee.get_period_display(),
                f"{chinese_date(fee.start_date)}\n至{chinese_date(fee.end_date)}"
                if fee.end_date != fee.start_date
                else chinese_date(fee.start_date),
                f"{fee.escalation_percent:.2f}%" if fee.escalation_percent else "—",
            ]
        )
    return AgreementText(
        title=agreement.title,
        number_line=_("协议编号：%(number)s　　版本：%(version)s")
        % {"number": agreement.number, "version": version},
        notice=_notice(agreement),
        parties=parties,
        preamble=_(
            "甲乙双方本着平等自愿、诚实信用的原则，经友好协商，就乙方在园区接受甲方服务的相关事宜"
            "订立本%(kind)s，以资共同遵守。"
        )
        % {"kind": agreement.get_kind_display()},
        clauses=clauses,
        service_header=[_("序号"), _("服务项目"), _("服务说明"), _("纳入依据"), _("企业确认")],
        service_rows=service_rows,
        fee_header=[
            _("序号"),
            _("费用名称"),
            _("类别"),
            _("数量"),
            _("单价"),
            _("计费周期"),
            _("计费期间"),
            _("年递增"),
        ],
        fee_rows=fee_rows,
        fee_note=_(
            "金额以人民币元计，保留两位小数；周期性费用按计费周期预付，期末不足一期的按日折算；"
            "约定年递增的，自计费起始日起每满一年按递增率调整单价。"
        ),
        park_name=park.name,
        enterprise_name=enterprise.name,
        park_signatory=str(agreement.park_signatory) if agreement.park_signatory_id else "",
        enterprise_signatory=agreement.enterprise_signatory,
        signed_on=agreement.signed_on,
    )


# ---------------------------------------------------------------------------------------------
# PDF


@cache
def font_files() -> tuple[tuple[str, str, str, int], ...]:
    """(family, style, path, index in the collection) of each face the PDF embeds. The index is
    looked up by the face's name, not assumed: the order differs between releases."""
    from fontTools.ttLib import TTCollection

    dirs = getattr(settings, "PARKFLOW_CJK_FONT_DIRS", FONT_DIRS)
    found = []
    for family, style, filename, face in FONT_FACES:
        path = next((Path(d) / filename for d in dirs if (Path(d) / filename).exists()), None)
        if path is None:
            raise FontsMissing(
                f"{filename} not found in {', '.join(dirs)}: install Debian's fonts-noto-cjk "
                "(apt-get install fonts-noto-cjk) or set PARKFLOW_CJK_FONT_DIRS"
            )
        collection = TTCollection(str(path), lazy=True)
        names = [font["name"].getDebugName(4) for font in collection.fonts]
        if face not in names:
            raise FontsMissing(f"{path} has no face {face!r} (found: {names})")
        found.append((family, style, str(path), names.index(face)))
    return tuple(found)


def _pdf_class():
    from fpdf import FPDF

    class AgreementPDF(FPDF):
        header_text = ""

        def header(self):
            if self.page_no() == 1:
                return
            self.set_font("serif", size=8)
            self.set_text_color(110, 110, 110)
            self.cell(0, 5, self.header_text, align="R")
            self.set_text_color(0, 0, 0)
            self.ln(8)

        def footer(self):
            self.set_y(-14)
            self.set_font("serif", size=9)
            self.set_text_color(70, 70, 70)
            self.cell(0, 6, f"第 {self.page_no()} 页 / 共 {{nb}} 页", align="C")
            self.set_text_color(0, 0, 0)

    return AgreementPDF


def render_pdf(agreement: Agreement) -> bytes:
    """The agreement as an A4 PDF with its fonts embedded."""
    from fpdf.enums import WrapMode

    text = agreement_text(agreement)
    pdf = _pdf_class()(format="A4", unit="mm")
    pdf.header_text = text.number_line.replace("　　", "  ")
    pdf.set_margins(22, 20, 22)
    pdf.set_auto_page_break(True, margin=22)
    pdf.set_title(text.title)
    pdf.set_creator("ParkFlow")
    pdf.set_creation_date(clock.now())
    for family, style, path, index in font_files():
        pdf.add_font(family, style=style, fname=path, collection_font_number=index)
    pdf.add_page()
    width = pdf.epw
    char = WrapMode.CHAR

    if text.notice:
        pdf.set_font("sans", "B", 9)
        pdf.set_text_color(176, 32, 32)
        pdf.cell(0, 5, text.notice, align="R", new_x="LMARGIN", new_y="NEXT")
        pdf.set_text_color(0, 0, 0)
    pdf.ln(6)
    pdf.set_font("serif", "B", 20)
    pdf.multi_cell(0, 11, text.title, align="C", wrapmode=char, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    pdf.set_font("serif", size=10)
    pdf.cell(0, 6, text.number_line, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(8)

    label_width = 36
    for label, value in text.parties:
        pdf.set_font("serif", "B", 11)
        pdf.cell(label_width, 8, f"{label}：")
        pdf.set_font("serif", size=11)
        pdf.multi_cell(width - label_width, 8, value, wrapmode=char, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    pdf.set_font("serif", size=11)
    _pdf_paragraph(pdf, text.preamble)
    pdf.ln(3)

    for clause in text.clauses:
        # The heading stays with (the start of) its first paragraph.
        pdf.set_font("serif", size=11)
        first = clause.paragraphs[0] if clause.paragraphs else ""
        lines = len(wrap_lines(pdf.get_string_width, "　　" + first, pdf.epw))
        if pdf.will_page_break(9 + 7 * min(lines, 4)):
            pdf.add_page()
        pdf.set_font("sans", "B", 11.5)
        pdf.cell(0, 9, clause.heading, new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("serif", size=11)
        for paragraph in clause.paragraphs:
            _pdf_paragraph(pdf, paragraph)
        pdf.ln(2)

    _pdf_table(
        pdf,
        _("附件一　服务项目清单"),
        text.service_header,
        text.service_rows,
        (10, 30, 58, 26, 42),
        ("CENTER", "LEFT", "LEFT", "CENTER", "CENTER"),
        _("（无服务项目）"),
    )
    _pdf_table(
        pdf,
        _("附件二　费用明细表"),
        text.fee_header,
        text.fee_rows,
        (10, 40, 14, 13, 25, 15, 35, 14),
        ("CENTER", "LEFT", "CENTER", "RIGHT", "RIGHT", "CENTER", "CENTER", "RIGHT"),
        _("（无费用）"),
    )
    pdf.set_font("serif", size=9)
    pdf.set_text_color(90, 90, 90)
    _pdf_paragraph(pdf, text.fee_note, height=5, indent=False)
    pdf.set_text_color(0, 0, 0)
    _pdf_signatures(pdf, text)
    return bytes(pdf.output())


def wrap_lines(measure, text: str, width: float) -> list[str]:
    """Break ``text`` into lines no wider than ``width`` (``measure`` gives a string's width),
    character by character as Chinese is set, keeping the 禁则: no closing punctuation at the
    start of a line (it hangs on the line before), no opening one at the end."""
    lines, line = [], ""
    for char in text:
        if measure(line + char) <= width or not line:
            line += char
            continue
        if char in NO_LINE_START:
            line += char  # hanging punctuation: a little past the margin, as typesetters do
            continue
        carry = ""
        while line and line[-1] in NO_LINE_END:
            carry, line = line[-1] + carry, line[:-1]
        lines.append(line)
        line = carry + char
    if line:
        lines.append(line)
    return lines


def _pdf_paragraph(pdf, text: str, *, height: float = 7, indent: bool = True) -> None:
    lead = "　　" if indent else ""
    lines = wrap_lines(pdf.get_string_width, lead + text, pdf.epw)
    if len(lines) <= 4 and pdf.will_page_break(len(lines) * height):
        pdf.add_page()  # a short paragraph is not split over two pages
    for line in lines:
        pdf.cell(0, height, line, new_x="LMARGIN", new_y="NEXT")


def _pdf_table(pdf, title, header, rows, widths, aligns, empty) -> None:
    from fpdf.fonts import FontFace

    if pdf.will_page_break(30):
        pdf.add_page()
    pdf.ln(4)
    pdf.set_font("sans", "B", 11.5)
    pdf.cell(0, 9, title, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("serif", size=9)
    if not rows:
        pdf.cell(0, 7, empty, new_x="LMARGIN", new_y="NEXT")
        return
    with pdf.table(
        col_widths=widths,
        text_align=aligns,
        line_height=5.5,
        padding=1.2,
        headings_style=FontFace(family="sans", emphasis="BOLD", fill_color=(232, 236, 244)),
        borders_layout="SINGLE_TOP_LINE",
        cell_fill_color=(248, 248, 250),
        cell_fill_mode="ROWS",
        width=pdf.epw,
        wrapmode="CHAR",
    ) as table:
        head = table.row()
        for heading in header:
            head.cell(heading, align="CENTER")
        for values in rows:
            row = table.row()
            for value in values:
                row.cell(value)


def _pdf_signatures(pdf, text: AgreementText) -> None:
    """甲方 left, 乙方 right: name, signatory, date and room for the seal."""
    block = 62
    if pdf.will_page_break(block + 6):
        pdf.add_page()
    pdf.ln(8)
    top = pdf.get_y()
    half = pdf.epw / 2
    sides = (
        (_("甲方（盖章）"), text.park_name, _("授权代表（签字）"), text.park_signatory),
        (_("乙方（盖章）"), text.enterprise_name, _("法定代表人或授权代表（签字）"),
         text.enterprise_signatory),
    )  # fmt: skip
    for column, (party, name, signatory_label, signatory) in enumerate(sides):
        x = pdf.l_margin + column * half
        pdf.set_xy(x, top)
        pdf.set_font("serif", "B", 11)
        pdf.cell(half - 6, 8, party + "：", new_x="LEFT", new_y="NEXT")
        pdf.set_font("serif", size=11)
        pdf.multi_cell(half - 6, 7, name, wrapmode="CHAR", new_x="LEFT", new_y="NEXT")
        # The seal goes here: a light dashed circle marks the space, nothing printed over it.
        seal_y = pdf.get_y() + 2
        pdf.set_draw_color(200, 200, 200)
        with pdf.local_context(dash_pattern={"dash": 1, "gap": 1.2}):
            pdf.circle(x=x + (half - 6) / 2, y=seal_y + 14, radius=14)
        pdf.set_draw_color(0, 0, 0)
        pdf.set_xy(x, seal_y + 31)
        pdf.cell(half - 6, 7, f"{signatory_label}：{signatory}", new_x="LEFT", new_y="NEXT")
        pdf.cell(
            half - 6, 7, _("日期：") + chinese_date(text.signed_on), new_x="LEFT", new_y="NEXT"
        )


# ---------------------------------------------------------------------------------------------
# Word


def _east_asian(run_or_style, name="宋体", latin="SimSun") -> None:
    from docx.oxml.ns import qn

    run_or_style.font.name = latin
    r_pr = run_or_style.element.get_or_add_rPr()
    fonts = r_pr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = r_pr.makeelement(qn("w:rFonts"), {})
        r_pr.append(fonts)
    fonts.set(qn("w:eastAsia"), name)


def _page_field(paragraph, instruction: str) -> None:
    from docx.oxml.ns import qn

    run = paragraph.add_run()
    for kind, text in (("begin", None), (None, instruction), ("separate", None), (None, "1")):
        if kind:
            element = run._r.makeelement(qn("w:fldChar"), {qn("w:fldCharType"): kind})
        else:
            tag = "w:instrText" if text == instruction else "w:t"
            element = run._r.makeelement(qn(tag), {qn("xml:space"): "preserve"})
            element.text = text
        run._r.append(element)
    run._r.append(run._r.makeelement(qn("w:fldChar"), {qn("w:fldCharType"): "end"}))


def render_docx(agreement: Agreement) -> bytes:
    """The agreement as a Word document: 宋体 body, 黑体 headings, clauses numbered in the text
    (no Word list numbering to get lost in an edit), the fee table, page numbers."""
    from docx import Document
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm, Pt, RGBColor

    text = agreement_text(agreement)
    document = Document()
    section = document.sections[0]
    section.page_height, section.page_width = Cm(29.7), Cm(21.0)
    section.left_margin = section.right_margin = Cm(2.4)
    section.top_margin = section.bottom_margin = Cm(2.2)
    normal = document.styles["Normal"]
    _east_asian(normal)
    normal.font.size = Pt(11)
    document.core_properties.title = text.title
    document.core_properties.author = "ParkFlow"

    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    footer.add_run("第 ")
    _page_field(footer, "PAGE")
    footer.add_run(" 页 / 共 ")
    _page_field(footer, "NUMPAGES")
    footer.add_run(" 页")

    def paragraph(value="", *, size=11, bold=False, align=None, heading=False, indent=False):
        p = document.add_paragraph()
        if align is not None:
            p.alignment = align
        if indent:
            p.paragraph_format.first_line_indent = Pt(size * 2)
        run = p.add_run(value)
        run.bold = bold
        run.font.size = Pt(size)
        _east_asian(run, "黑体", "SimHei") if heading else _east_asian(run)
        return p, run

    if text.notice:
        __, notice = paragraph(text.notice, size=9, bold=True, align=WD_ALIGN_PARAGRAPH.RIGHT)
        notice.font.color.rgb = RGBColor(0xB0, 0x20, 0x20)
    paragraph(text.title, size=20, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    paragraph(text.number_line, size=10, align=WD_ALIGN_PARAGRAPH.CENTER)
    for label, value in text.parties:
        line, __ = paragraph(f"{label}：", bold=True)
        tail = line.add_run(value)
        _east_asian(tail)
    paragraph(text.preamble, indent=True)
    for clause in text.clauses:
        heading, __ = paragraph(clause.heading, size=11.5, bold=True, heading=True)
        heading.paragraph_format.keep_with_next = True
        for body in clause.paragraphs:
            paragraph(body, indent=True)

    def table(title, header, rows, empty):
        paragraph(title, size=11.5, bold=True, heading=True)
        if not rows:
            paragraph(empty, size=10)
            return
        grid = document.add_table(rows=1, cols=len(header))
        grid.style = "Table Grid"
        grid.alignment = WD_TABLE_ALIGNMENT.CENTER
        for cell, heading in zip(grid.rows[0].cells, header, strict=True):
            cell.text = ""
            run = cell.paragraphs[0].add_run(heading)
            run.bold = True
            run.font.size = Pt(9)
            _east_asian(run, "黑体", "SimHei")
        for values in rows:
            cells = grid.add_row().cells
            for cell, value in zip(cells, values, strict=True):
                run = cell.paragraphs[0].add_run(value)
                run.font.size = Pt(9)
                _east_asian(run)

    table(_("附件一　服务项目清单"), text.service_header, text.service_rows, _("（无服务项目）"))
    table(_("附件二　费用明细表"), text.fee_header, text.fee_rows, _("（无费用）"))
    paragraph(text.fee_note, size=9)

    paragraph()
    signatures = document.add_table(rows=1, cols=2)
    sides = (
        (_("甲方（盖章）"), text.park_name, _("授权代表（签字）"), text.park_signatory),
        (_("乙方（盖章）"), text.enterprise_name, _("法定代表人或授权代表（签字）"),
         text.enterprise_signatory),
    )  # fmt: skip
    for cell, (party, name, signatory_label, signatory) in zip(
        signatures.rows[0].cells, sides, strict=True
    ):
        lines = [
            f"{party}：",
            name,
            "",
            "",
            "",
            f"{signatory_label}：{signatory}",
            _("日期：") + chinese_date(text.signed_on),
        ]
        cell.text = ""
        for number, line in enumerate(lines):
            p = cell.paragraphs[0] if number == 0 else cell.add_paragraph()
            run = p.add_run(line)
            run.bold = number == 0
            _east_asian(run)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


# ---------------------------------------------------------------------------------------------
# Downloads


RENDERERS = {"pdf": (render_pdf, PDF), "docx": (render_docx, DOCX)}


def agreement_document(*, actor, agreement: Agreement, fmt: str) -> tuple[bytes, str, str]:
    """The agreement's PDF or .docx for someone who may download it (staff of its park, or its
    enterprise's user in the portal): (content, file name, MIME type); audited (R-AGR-6)."""
    access.ensure(actor, "agreement.download", agreement, requirement="R-AGR-6")
    render, mime = RENDERERS[fmt]
    content = render(agreement)
    audit.record(
        actor,
        "agreement.download",
        agreement,
        after={"format": fmt, "number": agreement.number, "version": agreement.version},
    )
    stem = agreement_text_stem(agreement)
    return content, f"{stem}.{fmt}", mime


def signed_scan_open(*, actor, agreement: Agreement):
    """Open the signed scan for someone who may download the agreement; audited (R-AGR-6)."""
    access.ensure(actor, "agreement.download", agreement, requirement="R-AGR-6")
    handle = agreement.signed_scan.open("rb")
    audit.record(
        actor,
        "agreement.download",
        agreement,
        after={"format": "scan", "number": agreement.number, "version": agreement.version},
    )
    return handle


def agreement_text_stem(agreement: Agreement) -> str:
    stem = f"{agreement.number}-{agreement.title}"
    if agreement.version > 1:
        stem += f"-补充协议{agreement.version - 1}"
    return "".join("_" if c in '\\/:*?"<>|\r\n' else c for c in stem)[:120]


def document_response(content: bytes, filename: str, mime: str) -> HttpResponse:
    """A download: Chinese file name (RFC 5987 ``filename*``), kept off shared caches."""
    response = HttpResponse(content, content_type=mime)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def agreement_pdf_response(request, agreement: Agreement) -> HttpResponse:
    """The PDF download for a page (the staff page and the enterprise portal alike): the caller
    has fetched ``agreement`` through the access layer; this checks the download permission,
    audits and answers. A refusal raises the domain error (PermissionDenied)."""
    content, filename, mime = agreement_document(actor=request.user, agreement=agreement, fmt="pdf")
    return document_response(content, filename, mime)

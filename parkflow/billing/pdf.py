"""The statement (对账单) as a PDF with Chinese text (R-BIL-5): A4, the park's name, the
enterprise, the period, every line as issued, the totals and the closing balance in figures and
in capitals (大写), the bills outstanding at the end, and the statement's content hash.

Fonts as the agreements' PDF embeds them (D46): fpdf2 with Debian's Noto CJK faces, found by
``agreements.documents.font_files`` (imported, not copied) — never fetched at run time. Pure:
the caller (``services_statements.statement_download``) checks access and audits."""

from django.utils.translation import gettext as _

from parkflow.agreements.documents import font_files, wrap_lines
from parkflow.core import clock

from .choices_statements import StatementLineKind
from .exports_statements import statement_facts, statement_totals
from .money import cny_in_words, yuan_text

SYSTEM_OPERATIONS = {
    "statement_pdf": "pure: renders a statement the caller fetched through the access layer "
    "(statement_download checks and audits)",
}


def _pdf_class():
    from fpdf import FPDF

    class StatementPDF(FPDF):
        footer_text = ""

        def footer(self):
            self.set_y(-14)
            self.set_font("serif", size=8)
            self.set_text_color(110, 110, 110)
            self.cell(0, 5, self.footer_text, align="L")
            self.set_x(self.l_margin)
            self.cell(0, 5, f"第 {self.page_no()} 页 / 共 {{nb}} 页", align="R")
            self.set_text_color(0, 0, 0)

    return StatementPDF


def _table(pdf, header, rows, widths, aligns, *, bold_last=False):
    from fpdf.fonts import FontFace

    pdf.set_font("serif", size=8.5)
    with pdf.table(
        col_widths=widths,
        text_align=aligns,
        line_height=5.2,
        padding=1.1,
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
                row.cell(str(value))


def statement_pdf(statement) -> bytes:
    kinds = dict(StatementLineKind.choices)
    pdf = _pdf_class()(format="A4", unit="mm")
    pdf.footer_text = _("内容哈希 %(hash)s") % {"hash": statement.content_hash[:16]}
    pdf.set_margins(18, 18, 18)
    pdf.set_auto_page_break(True, margin=20)
    pdf.set_title(_("企业费用对账单"))
    pdf.set_creator("ParkFlow")
    pdf.set_creation_date(clock.now())
    for family, style, path, index in font_files():
        pdf.add_font(family, style=style, fname=path, collection_font_number=index)
    pdf.add_page()

    pdf.set_font("serif", "B", 12)
    pdf.cell(0, 7, statement.park.name, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("serif", "B", 18)
    pdf.cell(0, 11, _("企业费用对账单"), align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
    label_width = 34
    for label, value in statement_facts(statement):
        if label == _("园区"):
            continue
        pdf.set_font("sans", "B", 10)
        pdf.cell(label_width, 6.5, f"{label}：")
        pdf.set_font("serif", size=10)
        pdf.multi_cell(
            pdf.epw - label_width, 6.5, str(value), wrapmode="CHAR", new_x="LMARGIN", new_y="NEXT"
        )
    pdf.ln(3)

    pdf.set_font("sans", "B", 11)
    pdf.cell(0, 8, _("一、本期往来明细"), new_x="LMARGIN", new_y="NEXT")
    rows = [["", "", "", _("期初余额"), "", yuan_text(statement.opening)]]
    for line in statement.lines.order_by("position"):
        rows.append(
            [
                line.position,
                f"{line.date:%Y-%m-%d}",
                str(kinds.get(line.kind, line.kind)),
                line.description,
                yuan_text(line.amount),
                yuan_text(line.balance),
            ]
        )
    rows.append(["", "", "", _("期末余额"), "", yuan_text(statement.closing)])
    _table(
        pdf,
        [_("序号"), _("日期"), _("类型"), _("摘要"), _("金额"), _("余额")],
        rows,
        (9, 19, 15, 81, 24, 26),
        ("CENTER", "CENTER", "CENTER", "LEFT", "RIGHT", "RIGHT"),
    )
    pdf.ln(4)

    pdf.set_font("sans", "B", 11)
    pdf.cell(0, 8, _("二、本期合计"), new_x="LMARGIN", new_y="NEXT")
    totals = [(label, yuan_text(value)) for label, value in statement_totals(statement)]
    if statement.advance:
        totals.append((_("减：已预付未开始账单"), yuan_text(statement.advance)))
    if len(totals) % 2:
        totals.append(("", ""))
    half = len(totals) // 2
    rows = [[*totals[i], *totals[i + half]] for i in range(half)]
    _table(
        pdf,
        [_("项目"), _("金额"), _("项目"), _("金额")],
        rows,
        (52, 35, 52, 35),
        ("LEFT", "RIGHT", "LEFT", "RIGHT"),
    )
    pdf.ln(3)
    pdf.set_font("sans", "B", 10.5)
    pdf.cell(28, 8, _("期末余额："))
    pdf.set_font("serif", "B", 10.5)
    pdf.multi_cell(
        0,
        8,
        f"{yuan_text(statement.closing)}　（{cny_in_words(statement.closing)}）",
        wrapmode="CHAR",
        new_x="LMARGIN",
        new_y="NEXT",
    )
    pdf.set_font("serif", size=8.5)
    pdf.set_text_color(90, 90, 90)
    note = _(
        "期末余额为正数表示应付园区的金额，为负数表示园区预收的金额。"
        "期末余额 = 期初余额 + 本期账单 + 调增 − 调减 − 收款 + 退款；"
        "预收余额抵扣账单不影响余额。如对明细有异议，请在企业门户对相应明细提出争议。"
    )
    for text in wrap_lines(pdf.get_string_width, note, pdf.epw):  # 禁则 as the agreements'
        pdf.cell(0, 5, text, new_x="LMARGIN", new_y="NEXT")
    pdf.set_text_color(0, 0, 0)
    pdf.ln(3)

    pdf.set_font("sans", "B", 11)
    if pdf.will_page_break(25):
        pdf.add_page()
    pdf.cell(0, 8, _("三、期末未结清账单"), new_x="LMARGIN", new_y="NEXT")
    owed = [
        [
            row["number"],
            row["label"],
            f"{row['period_start']} 至 {row['period_end']}",
            row["due_date"],
            yuan_text(row["due"]),
            yuan_text(row["outstanding"]),
        ]
        for row in statement.outstanding_bills
    ]
    if owed:
        _table(
            pdf,
            [_("账单号"), _("费用名称"), _("计费期间"), _("截止日"), _("应收"), _("未结清")],
            owed,
            (30, 36, 40, 20, 24, 24),
            ("LEFT", "LEFT", "CENTER", "CENTER", "RIGHT", "RIGHT"),
        )
    else:
        pdf.set_font("serif", size=10)
        pdf.cell(0, 7, _("（无未结清账单）"), new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())

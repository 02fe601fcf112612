"""Jinja2 environment for the HTML reports (templates ship inside the package)."""

from __future__ import annotations

import unicodedata
from functools import lru_cache
from pathlib import Path

TEMPLATES = Path(__file__).parent / "templates"


@lru_cache(maxsize=2)
def environment(strict: bool = False):
    """The Jinja2 environment of every HTML report, built once per process; renderers add their filters.

    strict=True makes a missing attribute an error instead of an empty string (templates that promise every field).
    """
    import jinja2

    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATES)),
                             autoescape=jinja2.select_autoescape(["html", "j2"]),
                             undefined=jinja2.StrictUndefined if strict else jinja2.Undefined,
                             trim_blocks=True, lstrip_blocks=True)
    env.filters["css_string"] = css_string
    env.filters["first_sentence"] = first_sentence
    from rarebone.report.paper import paper_size

    env.globals["paper_size"] = paper_size  # called at render time: RAREBONE_PAPER or the locale decides
    env.filters["answer_first"] = answer_first
    from rarebone.report.pdf import CSP

    env.globals["CSP"] = CSP  # the no-fetch, no-script policy of every report (base.html)
    return env


def answer_first(assessment):
    """The ten-second summary of an Assessment (report/summary.py), for the top of the HTML/PDF report."""
    from rarebone.report.summary import summarise

    return summarise(assessment)


def css_string(text) -> str:
    """A quoted CSS string (for ``content:`` in the printed page margins). HTML escaping does not apply inside
    <style>, and CSS ends a string at \\n, \\r *and* \\f, so every character that is not a letter, digit, space or
    printable non-ASCII is written as a 6-digit CSS hex escape (no delimiter, newline, '<' or backslash can
    survive); control characters become spaces first. The result is marked safe."""
    from markupsafe import Markup

    return Markup('"' + "".join(_css_char(ch) for ch in str(text)) + '"')


def _css_char(ch: str) -> str:
    if ch.isascii() and (ch.isalnum() or ch == " "):
        return ch
    if unicodedata.category(ch)[0] in "CZ" and ch != " ":  # controls, format chars, line/paragraph separators
        return " "
    if not ch.isascii():
        return ch
    return f"\\{ord(ch):06x} "  # the space ends the escape (CSS eats one whitespace after hex digits)


def first_sentence(text) -> str:
    text = str(text)
    end = text.find(". ")
    return text if end < 0 else text[: end + 1]


def render(template: str, **context) -> str:
    return environment().get_template(template).render(**context)

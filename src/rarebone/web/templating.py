"""One Jinja2 environment for the workbench: autoescape always on (patient text is hostile until proven
otherwise; no template marks patient data ``|safe``), and the helpers every template uses."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from fastapi import Request
from fastapi.responses import HTMLResponse
from markupsafe import Markup, escape

TEMPLATES = Path(__file__).parent / "templates"

# The navigation bar: (path, label, roles that see it). The Transplant, CNO and Cohort pages add their routers in
# app.ROUTERS; their entries are here already.
NAV = (
    ("/patients", "Patients", ("clinician", "pharmacist", "admin")),
    ("/transplant", "Transplant", ("clinician", "pharmacist", "admin")),
    ("/cno", "CNO", ("clinician", "admin")),
    ("/cohort", "Cohort", ("clinician", "researcher", "admin")),
    ("/imports", "Import", ("clinician", "admin")),
    ("/admin/users", "Accounts", ("admin",)),
)


@lru_cache(maxsize=1)
def environment():
    import jinja2

    from rarebone.report.html import TEMPLATES as REPORT_TEMPLATES

    # the report's templates under "report/": partials shared with the printed report (_assessment_sections.html)
    loader = jinja2.ChoiceLoader([jinja2.FileSystemLoader(str(TEMPLATES)),
                                  jinja2.PrefixLoader({"report": jinja2.FileSystemLoader(str(REPORT_TEMPLATES))})])
    env = jinja2.Environment(loader=loader, autoescape=True,
                             trim_blocks=True, lstrip_blocks=True)
    from rarebone.report.html import first_sentence

    env.filters["first_sentence"] = first_sentence
    env.filters["answer_first"] = _answer_first
    env.filters["num"] = _num
    env.filters["keyurl"] = _keyurl
    return env


def _answer_first(assessment):
    from rarebone.report.summary import summarise

    return summarise(assessment)


def _keyurl(value) -> str:
    """A patient key as one URL path segment (web/keys.py: '/', dot segments, '?', '#' and the rest escaped)."""
    from rarebone.web.keys import key_segment

    return key_segment(value)


def _num(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def render(request: Request, template: str, status_code: int = 200, **context) -> HTMLResponse:
    from rarebone.web.deps import web_session

    session = web_session(request)
    context.setdefault("user", None)
    role = session.role if session.user_id is not None else None
    messages, session.flash = session.flash, []

    def csrf_field() -> Markup:
        return Markup('<input type="hidden" name="csrf_token" value="%s">') % escape(session.csrf)

    html = environment().get_template(template).render(
        request=request, signed_in=session.username if session.user_id else None, role=role,
        nav=[(p, label) for p, label, roles in NAV if role in roles], csrf_field=csrf_field, csrf=session.csrf,
        messages=messages, path=request.url.path, **context)
    return HTMLResponse(html, status_code=status_code)

"""The clinicians' workbench: a server-rendered web application on the registry (``rarebone serve``).

Pages live in ``web/pages/`` (one router module each, listed in ``app.ROUTERS``), templates in ``web/templates/``,
CSS and the small progressive-enhancement scripts in ``web/static/``. docs/workbench.md says how to add a page.
The web layer holds no clinical logic: it calls the registry store, the assess workflow and the report renderers.
"""

from __future__ import annotations


def create_app(settings):  # pragma: no cover - a thin re-export so `from rarebone.web import create_app` works
    from rarebone.web.app import create_app as make

    return make(settings)

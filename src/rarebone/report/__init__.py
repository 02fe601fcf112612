"""Renderers: text, JSON, HTML, PDF, CSV, ICS and charts. Heavy libraries are imported inside functions."""

import sys
import types


class _CallablePackage(types.ModuleType):
    """``rarebone.report`` is both this package and the API function ``rarebone.report(db, ...)``: once any
    renderer is imported, Python binds the package to that name, so the package itself must be callable."""

    def __call__(self, *args, **kwargs):
        from rarebone.api import report

        return report(*args, **kwargs)


sys.modules[__name__].__class__ = _CallablePackage

"""rarebone: decision support for osteopetrosis and chronic nonbacterial osteomyelitis.

The Python API (docs/python-api.md): ``rarebone.assess``, ``rarebone.plan``, ``rarebone.monitor``,
``rarebone.report``, ``rarebone.cno_plan``, ``rarebone.cno_course`` and ``rarebone.read``. They are loaded on first use (PEP 562), so ``import rarebone`` stays
fast and pulls in nothing heavy.
"""

__version__ = "0.1.0"

_API = ("assess", "plan", "monitor", "report", "read", "cno_plan", "cno_course")
__all__ = ["__version__", *_API]


def __getattr__(name: str):
    if name == "report":  # the renderer package, made callable (rarebone/report/__init__.py)
        import importlib

        return importlib.import_module("rarebone.report")
    if name in _API:
        from rarebone import api

        return getattr(api, name)
    raise AttributeError(f"module 'rarebone' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted([*globals(), *_API])

"""Optional dependencies (pyproject ``[project.optional-dependencies]``): which extra provides which import.

The bedside install (``pip install rarebone``) has none of them. When a command reaches for one that is missing,
the user gets one line naming the extra to install (exit status 2), never a traceback: the CLI boundary and the
Python API translate ``ModuleNotFoundError`` through :func:`missing_extra`.
"""

from __future__ import annotations

from rarebone.errors import RareboneError

# top-level import name -> extra (the first extra listed in pyproject that provides it)
PROVIDED_BY = {
    "sqlalchemy": "registry", "alembic": "registry", "pandas": "registry", "lifelines": "registry",
    "sksurv": "registry", "sklearn": "registry", "scipy": "registry", "openpyxl": "registry",
    "platformdirs": "registry", "matplotlib": "pdf", "psycopg": "postgres", "psycopg2": "postgres",
    "fastapi": "web", "uvicorn": "web", "argon2": "web", "multipart": "web",
    "ibis": "screen", "duckdb": "screen", "pyarrow": "screen", "pyspark": "spark",
}
# what the extra is for, for the message
PURPOSE = {"registry": "the registry and the outcomes report", "postgres": "a PostgreSQL registry",
           "pdf": "charts in HTML/PDF documents", "web": "the workbench (rarebone serve)",
           "screen": "population screening over an OMOP CDM", "spark": "screening on Spark"}


class MissingExtraError(RareboneError):
    """An optional dependency is not installed; the message names the extra."""


def missing_extra(error: ModuleNotFoundError) -> MissingExtraError | None:
    """The one-line error for a missing optional dependency, or None when the missing module is not one of ours
    (then it is a real bug and keeps its traceback)."""
    root = (error.name or "").split(".")[0]
    extra = PROVIDED_BY.get(root)
    if extra is None:
        return None
    hint = f"pip install 'rarebone[{extra}]'"
    if extra == "pdf":  # [registry] also brings matplotlib
        hint += " (or 'rarebone[registry]', which includes it)"
    return MissingExtraError(f"the optional package '{root}' is not installed (needed for {PURPOSE[extra]}): {hint}")



def require(extra: str) -> None:
    """Fail early, before any other check, when the modules of an extra are not installed."""
    from importlib.util import find_spec

    for module in (m for m, e in PROVIDED_BY.items() if e == extra and m not in _NOT_REQUIRED):
        if find_spec(module) is None:
            raise missing_extra(ModuleNotFoundError(f"No module named {module!r}", name=module))


# provided by the extra but not imported by rarebone itself (psycopg2: an alternative driver; sklearn: via sksurv)
_NOT_REQUIRED = {"psycopg2", "sklearn"}

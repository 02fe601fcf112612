"""ibis 12 calls ``fetch_arrow_table()`` on DuckDB connections and cursors; DuckDB 2.0 renamed it
``to_arrow_table()`` (2.0.0 and 2.0.1 have only the new name), so ``list_tables``, ``to_pyarrow`` and friends fail.
A DuckDB 2.x file cannot be read by DuckDB 1.x, so pinning back is no way out for a site: wrap the connection
in a thin proxy that answers the old name. No effect when the old name exists."""

from __future__ import annotations


class _Compat:
    __slots__ = ("_raw",)

    def __init__(self, raw):
        object.__setattr__(self, "_raw", raw)

    def __getattr__(self, name):
        if name == "fetch_arrow_table":
            return self._raw.to_arrow_table
        return getattr(self._raw, name)

    def __setattr__(self, name, value):
        setattr(self._raw, name, value)

    def execute(self, *args, **kwargs):
        result = self._raw.execute(*args, **kwargs)
        return _Compat(result) if result is not None else result

    def cursor(self, *args, **kwargs):
        return _Compat(self._raw.cursor(*args, **kwargs))

    def __enter__(self):
        self._raw.__enter__()
        return self

    def __exit__(self, *exc):
        return self._raw.__exit__(*exc)


def patch(backend) -> None:
    """Make an ibis DuckDB backend work on DuckDB 2.x (in place)."""
    import warnings

    # the renamed call warns that it copies a DB-API result; ibis reads small results this way
    warnings.filterwarnings("ignore", message="Arrow output on a DB-API result")
    warnings.filterwarnings("ignore", message=r"fetch_arrow_table\(\) is deprecated")
    raw = backend.con
    if not hasattr(raw, "fetch_arrow_table") and hasattr(raw, "to_arrow_table") and not isinstance(raw, _Compat):
        backend.con = _Compat(raw)

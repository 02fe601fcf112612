"""Population screening over an OMOP CDM: the per-child red flags and criteria as concept sets, run where the
data lives (DuckDB, PostgreSQL, Parquet/CSV folders, Spark) through Ibis. Heavy imports stay inside functions."""

from __future__ import annotations


def run_screen(*args, **kwargs):
    from rarebone.screening.run import run_screen as _run

    return _run(*args, **kwargs)


__all__ = ["run_screen"]

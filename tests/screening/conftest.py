"""Screening fixtures: hand-built CDMs (cdm_builder.py) and the throwaway PostgreSQL server of the registry tests."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
sys.path.insert(0, str(Path(__file__).parents[1] / "registry"))
import pgserver  # noqa: E402


@pytest.fixture(scope="session")
def pg_server():
    if os.environ.get("RAREBONE_SKIP_PG") == "1":
        pytest.skip("PostgreSQL tests skipped by RAREBONE_SKIP_PG=1 (local opt-out; CI must run them)")
    try:
        url, stop = pgserver.start()
    except pgserver.PgUnavailable as exc:
        pytest.fail(str(exc))
    try:
        yield url
    finally:
        stop()

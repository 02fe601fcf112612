"""Fixtures: the vendored Synthea27Nj CDM unpacked once, and one small synthetic CDM in DuckDB."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

SYNTHEA_ZIP = Path(__file__).parents[1] / "data" / "omop-synthea27nj" / "Synthea27Nj_5.4.zip"
SMALL = 3000  # persons: enough for every planted trajectory's minimum (x4), fast on 2 cores


@pytest.fixture(scope="session")
def synthea_folder(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("synthea27nj")
    with zipfile.ZipFile(SYNTHEA_ZIP) as archive:
        for member in archive.namelist():
            if member.endswith(".csv") and "__MACOSX" not in member:
                (folder / Path(member).name).write_bytes(archive.read(member))
    return folder


@pytest.fixture(scope="session")
def small_cdm(tmp_path_factory):
    """(duckdb path, truth table) of a 3,000-person synthetic CDM, seed 7."""
    import pyarrow.parquet as pq

    from rarebone.screening.demo.build import build_demo

    folder = tmp_path_factory.mktemp("cdm")
    result = build_demo(SMALL, str(folder / "cdm.duckdb"), "duckdb", seed=7, show_progress=False)
    return folder / "cdm.duckdb", pq.read_table(result.truth_path).to_pandas()

"""Loader and schema check against a real OMOP CDM v5.4 layout with real vocabulary ids: Synthea27Nj
(OHDSI EunomiaDatasets, Apache-2.0), vendored with its licence in tests/data/omop-synthea27nj/ (by the screen-demo
branch; skipped where that folder is absent)."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

pytest.importorskip("ibis")

ZIP = Path(__file__).parents[1] / "data" / "omop-synthea27nj" / "Synthea27Nj_5.4.zip"


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    if not ZIP.exists():
        pytest.skip("tests/data/omop-synthea27nj/ not in this checkout (vendored by the screen-demo branch)")
    out = tmp_path_factory.mktemp("synthea")
    with zipfile.ZipFile(ZIP) as z:
        for name in z.namelist():
            if name.lower().endswith(".csv") and not name.startswith("__MACOSX"):
                (out / Path(name).name).write_bytes(z.read(name))
    return out


def test_synthea_csv_folder_screens_with_real_vocabulary_ids(folder):
    from rarebone.screening import run_screen

    result = run_screen(f"parquet://{folder}", progress=False)
    assert result.persons == 28
    rep = result.code_report.set_index(["vocabulary_id", "concept_code"]).sort_index()
    # real ids read by vocabulary + code: Anemia and the haemoglobin LOINC exist in Synthea27Nj's CONCEPT table
    assert rep.loc[("SNOMED", "271737000")].found.any()
    assert rep.loc[("LOINC", "718-7")].found.any()
    # its measurement rows carry no reference range, so none is read and the report says how many were skipped
    assert result.skipped_lab_rows > 0
    # 28 mostly adult persons: nobody in the infant or paediatric windows with the pattern
    assert result.flagged.empty


def test_synthea_without_a_required_table_names_it(folder, tmp_path):
    import shutil

    from rarebone.errors import InputError
    from rarebone.screening import run_screen

    copy = tmp_path / "cdm"
    shutil.copytree(folder, copy)
    (copy / "VISIT_OCCURRENCE.csv").unlink()
    with pytest.raises(InputError, match="visit_occurrence: required OMOP table missing"):
        run_screen(f"parquet://{copy}", progress=False)

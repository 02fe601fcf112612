"""Printed PDFs come on A4 or US Letter: RAREBONE_PAPER decides, else the locale's country (Letter in the US)."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from rarebone.errors import InputError
from rarebone.report.paper import paper_size
from tests.conftest import EXAMPLES, ROOT


@pytest.mark.parametrize("env, expected", [
    ({"RAREBONE_PAPER": "letter"}, "letter"), ({"RAREBONE_PAPER": "A4"}, "A4"),
    ({"LC_PAPER": "en_US.UTF-8"}, "letter"), ({"LANG": "en_GB.UTF-8"}, "A4"), ({"LANG": "de_DE.UTF-8"}, "A4"),
    ({"LANG": "fr_CA.UTF-8"}, "letter"), ({"LANG": "C.UTF-8"}, "A4"), ({}, "A4"),
])
def test_paper_size_from_setting_or_locale(monkeypatch, env, expected):
    for name in ("RAREBONE_PAPER", "LC_PAPER", "LC_ALL", "LANG"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    assert paper_size() == expected


def test_unknown_paper_setting_is_one_clear_error(monkeypatch):
    monkeypatch.setenv("RAREBONE_PAPER", "a3")
    with pytest.raises(InputError, match="a4 or letter"):
        paper_size()


@pytest.mark.parametrize("paper, width_pt, height_pt", [("a4", 595, 842), ("letter", 612, 792)])
def test_printed_pdf_has_the_chosen_page_size(tmp_path, paper, width_pt, height_pt):
    # A4 is 210 x 297 mm = 595 x 842 pt; US Letter 8.5 x 11 in = 612 x 792 pt
    from pypdf import PdfReader

    out = tmp_path / "a.pdf"
    env = {**os.environ, "RAREBONE_PAPER": paper}
    done = subprocess.run([sys.executable, "-m", "rarebone", "assess", str(EXAMPLES / "tcirg1-infant.json"),
                           "--differential", "0", "-o", str(out)], cwd=ROOT, env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    box = PdfReader(str(out)).pages[0].mediabox
    assert round(float(box.width)) == width_pt and round(float(box.height)) == height_pt


def test_assess_reads_standard_input(tmp_path):
    child = (EXAMPLES / "tcirg1-infant.json").read_bytes()
    done = subprocess.run([sys.executable, "-m", "rarebone", "assess", "-", "--differential", "0", "--format", "json"],
                          cwd=ROOT, input=child, capture_output=True)
    assert done.returncode == 0, done.stderr
    assert b'"patient_id": "TCIRG1-infant"' in done.stdout
    bad = subprocess.run([sys.executable, "-m", "rarebone", "assess", "-"], cwd=ROOT, input=b"{not json",
                         capture_output=True, text=False)
    assert bad.returncode == 2 and bad.stderr.decode().startswith("rarebone: error: <stdin>: not valid JSON")
    assert bad.stderr.decode().count("\n") == 1

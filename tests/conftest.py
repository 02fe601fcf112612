"""Shared fixtures: knowledge base, ontology, example and store folders."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples" / "phenopackets"
# ~600 real published Phenopackets of other diseases (phenopacket-store, BSD-3, vendored with its LICENSE) so the
# suite passes from a fresh clone alone; RAREBONE_STORE_SAMPLE points it at another copy.
STORE = Path(os.environ.get("RAREBONE_STORE_SAMPLE", ROOT / "tests" / "data" / "phenopacket-store-sample"))


def pytest_configure(config):
    # The differential's disease index is cached per HPO release; the tests (and the CLI they start) build it once
    # into a folder of their own instead of the user's cache. An existing RAREBONE_CACHE_DIR is respected.
    if "RAREBONE_CACHE_DIR" not in os.environ:
        import tempfile

        os.environ["RAREBONE_CACHE_DIR"] = tempfile.mkdtemp(prefix="rarebone-test-cache-")


@pytest.fixture(scope="session")
def kb():
    from rarebone.knowledge import load

    return load()


@pytest.fixture(scope="session")
def onto():
    from rarebone.phenotype import ontology

    return ontology()


@pytest.fixture(scope="session")
def store_files():
    files = sorted(STORE.glob("*.json"))
    if not files:
        pytest.fail(f"phenopacket-store sample not found at {STORE} (set RAREBONE_STORE_SAMPLE)")
    return files


def run_cli(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    """Run the real command in a subprocess, as a user would."""
    return subprocess.run([sys.executable, "-m", "rarebone", *args], cwd=cwd, capture_output=True, text=True)

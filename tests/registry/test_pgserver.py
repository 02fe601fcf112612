"""Without PostgreSQL binaries the PostgreSQL tests must fail (the fixture turns this into pytest.fail)."""

from __future__ import annotations

import pgserver
import pytest


def test_missing_binaries_raise_instead_of_skipping(monkeypatch):
    monkeypatch.setattr(pgserver, "_find", lambda binary: None)
    with pytest.raises(pgserver.PgUnavailable, match="initdb"):
        pgserver.start()

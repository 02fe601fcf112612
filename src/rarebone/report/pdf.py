"""PDF from the same HTML a person reads, printed by headless Chromium (Debian package ``chromium``)."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from rarebone.errors import InputError

_CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "chrome")


def find_chromium() -> str | None:
    override = os.environ.get("RAREBONE_CHROMIUM")
    if override:
        return override
    for name in _CANDIDATES:
        found = shutil.which(name)
        if found:
            return found
    return None


def html_to_pdf(html: str, timeout_s: float = 120) -> bytes:
    """Render HTML to PDF bytes. InputError (exit 2) with the install hint when no Chromium is present."""
    browser = find_chromium()
    if browser is None:
        raise InputError("PDF output needs Chromium (apt-get install chromium); use --format html instead",
                         path="--format", value="pdf")
    with tempfile.TemporaryDirectory(prefix="rarebone-pdf-") as tmp:
        page = Path(tmp) / "report.html"
        out = Path(tmp) / "report.pdf"
        page.write_text(html, encoding="utf-8")
        cmd = [
            browser, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            f"--user-data-dir={tmp}/profile", "--no-pdf-header-footer", f"--print-to-pdf={out}", page.as_uri(),
        ]
        subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=timeout_s, check=False)
        if not out.exists() or out.stat().st_size == 0:
            raise InputError("Chromium did not produce a PDF", path="--format", value="pdf")
        return out.read_bytes()

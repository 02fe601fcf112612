"""Issue 11 item 2: patient text must not escape the page-header CSS of printed PDFs, and printing must not
fetch anything from the network."""

from __future__ import annotations

import pytest

from tests.adversarial.conftest import hostile_ids, hostile_phenopacket
from tests.conftest import run_cli

pypdf = pytest.importorskip("pypdf")


def _needs_chromium():
    from rarebone.report.pdf import find_chromium

    if find_chromium() is None:
        pytest.fail("Chromium is required for PDF output (.ci/run installs it)")


def _pages(path) -> list[str]:
    return [" ".join(page.extract_text().split()) for page in pypdf.PdfReader(str(path)).pages]


@pytest.mark.parametrize("case", range(5))
def test_hostile_subject_id_keeps_notice_on_every_page_and_fetches_nothing(tmp_path, loopback_server, case):
    _needs_chromium()
    base = f"http://127.0.0.1:{loopback_server.server_address[1]}"
    subject_id = hostile_ids(base)[case]
    out = tmp_path / "a.pdf"
    r = run_cli("assess", str(hostile_phenopacket(tmp_path, subject_id)), "--format", "pdf", "-o", str(out))
    assert r.returncode == 0, r.stderr
    pages = _pages(out)
    assert pages
    for number, text in enumerate(pages, 1):
        assert "to be checked by the responsible clinician" in text, (number, text[:300])
        assert f"page {number} of {len(pages)}" in text, (number, text[-200:])
    assert loopback_server.hits == [], loopback_server.hits


def test_css_string_escapes_every_css_newline_and_delimiter():
    from rarebone.report.html import css_string

    for hostile in ("a\fb", "a\nb", "a\rb", 'a"b', "a\\b", "a</style>b", "a}b", "a;b", "a\x00b", "a'b"):
        quoted = str(css_string(hostile))
        inner = quoted[1:-1]
        assert quoted.startswith('"') and quoted.endswith('"')
        for ch in '\f\n\r"\'<>{};\x00':
            assert ch not in inner, (hostile, quoted)
        # every backslash in the output starts a hex escape (never escapes a delimiter)
        import re
        assert re.fullmatch(r'(?:[^\\]|\\[0-9a-f]{6} )*', inner), quoted


def test_a_script_in_the_page_does_not_run_and_an_image_is_not_fetched_when_printed(loopback_server):
    """JavaScript is off (Content-Security-Policy script-src 'none') and no request leaves the printer."""
    _needs_chromium()
    from rarebone.report.pdf import html_to_pdf

    base = f"http://127.0.0.1:{loopback_server.server_address[1]}"
    html = (f"<!doctype html><html><head><title>t</title></head><body><p>visible</p><img src='{base}/img.png'>"
            f"<script>document.body.append('SCRIPT' + 'RAN'); fetch('{base}/fetch');</script></body></html>")
    import io

    text = " ".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(html_to_pdf(html))).pages)
    assert "visible" in text and "SCRIPTRAN" not in text
    assert loopback_server.hits == []

"""Issue 10 item 13: every assessment output opens with the answer — suspicion, HSCT call and urgency, the first
three actions, warnings (a look-alike first) — before the evidence tables; in the PDF all of it is on page 1."""

from __future__ import annotations

import pytest

from tests.conftest import EXAMPLES, run_cli


def _text(name: str) -> str:
    r = run_cli("assess", str(EXAMPLES / name))
    assert r.returncode == 0, r.stderr
    return r.stdout


def test_text_opens_with_suspicion_hsct_call_urgency_and_actions_before_the_evidence():
    out = _text("tcirg1-infant.json")
    top = out.index("ANSWER FIRST")
    evidence = out.index("SUSPICION of osteopetrosis")
    assert top < evidence
    head = out[top:evidence]
    assert "osteopetrosis HIGH" in head and "HSCT INDICATED · URGENT" in head
    assert "First actions:" in head and "1. [urgent] Refer for urgent transplant evaluation" in head
    assert "vision is lost while waiting" in head  # why it is urgent, in the summary


def test_first_actions_are_at_most_three_and_say_how_many_more():
    from rarebone.report.summary import FIRST_ACTIONS, summarise
    from rarebone.workflows.assess import assess_file

    for name in ("tcirg1-infant.json", "leukemia-like-no-radiology.json", "clcn7-biallelic-neuro-pending.json"):
        a = assess_file(EXAMPLES / name)
        s = summarise(a)
        assert [t for _, t in s.actions] == [r.text for r in a.recommendations[:FIRST_ACTIONS]]
        assert s.more_actions == max(0, len(a.recommendations) - FIRST_ACTIONS)


def test_the_mimic_warning_comes_first():
    out = _text("leukemia-like-no-radiology.json")
    head = out[out.index("ANSWER FIRST"):out.index("SUSPICION of osteopetrosis")]
    warnings = head[head.index("Warnings:"):].splitlines()[1:]
    assert warnings[0].strip().startswith("!! Look-alike: Leukaemia / JMML mimic")


def test_a_source_disagreement_on_the_hsct_call_is_a_summary_warning():
    out = _text("clcn7-het-marrow-failure.json")
    head = out[out.index("ANSWER FIRST"):out.index("SUSPICION of osteopetrosis")]
    assert "HSCT CASE BY CASE · URGENT" in head and "Sources disagree on the HSCT call" in head


def test_html_summary_comes_before_the_evidence_tables(tmp_path):
    out = tmp_path / "a.html"
    assert run_cli("assess", str(EXAMPLES / "tcirg1-infant.json"), "-f", "html", "-o", str(out)).returncode == 0
    html = out.read_text()
    summary = html.index('class="summary"')
    assert summary < html.index("<table")
    assert "HSCT INDICATED · URGENT" in html[summary:html.index("<table")]


def test_pdf_page_one_carries_the_hsct_call_and_the_suspicion(tmp_path):
    pypdf = pytest.importorskip("pypdf")
    from rarebone.report.pdf import find_chromium

    if find_chromium() is None:
        pytest.fail("Chromium is required for PDF output (.ci/run installs it)")
    out = tmp_path / "a.pdf"
    r = run_cli("assess", str(EXAMPLES / "tcirg1-infant.json"), "-f", "pdf", "-o", str(out))
    assert r.returncode == 0, r.stderr
    first = " ".join(pypdf.PdfReader(str(out)).pages[0].extract_text().split())
    assert "HSCT INDICATED · URGENT" in first
    assert "Suspicion of osteopetrosis: high" in first
    assert "Refer for urgent transplant evaluation" in first
    assert "Decision support only: to be checked" in first  # the CSS escape keeps the space after the colon


def test_batch_html_lists_first_action_and_first_warning_per_child(tmp_path):
    out = tmp_path / "all.html"
    r = run_cli("assess", str(EXAMPLES), "-f", "html", "-o", str(out))
    assert r.returncode == 0, r.stderr
    html = out.read_text()
    assert "<th>first action</th><th>warnings</th>" in html
    assert "Look-alike: Leukaemia / JMML mimic" in html
    assert "[urgent] Refer for urgent transplant evaluation" in html

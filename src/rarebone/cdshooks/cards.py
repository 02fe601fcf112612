"""Assessment -> CDS Hooks cards for patient-view. A card only when there is something to say:

- osteopetrosis suspicion moderate or high (warning; critical when high) with the evidence, the HSCT call and
  suggestions: order the skeletal survey and the HLA typing when the record does not show them yet;
- an urgent HSCT referral (critical): "vision is lost while waiting";
- each look-alike warning (the leukaemia/JMML mimic first: it changes what is done next);
- CNO suspicion moderate or high, and the dangerous CNO look-alikes still to exclude while CNO is suspected.
Every card carries the decision-support notice, the evidence and the sources with their links, and a link to the
workbench's assessment page. Summaries are cut to the specification's limit (< 140 characters).
"""

from __future__ import annotations

import uuid

from rarebone.cdshooks.models import SUMMARY_LIMIT, Action, Card, Coding, Link, Source, Suggestion
from rarebone.knowledge import KnowledgeBase
from rarebone.workflows.assess import CARD_WORKUP_IDS, Assessment, CardFindings

TOPIC_SYSTEM = "https://rarebone.org/cds-hooks/topic"
OVERRIDE_SYSTEM = "https://rarebone.org/cds-hooks/override-reason"
_MARK = {"verified": "", "secondary": " *(secondary source)*", "unverified": " **UNVERIFIED**"}
_RAISED = ("moderate", "high")
OVERRIDE_REASONS = [
    Coding(system=OVERRIDE_SYSTEM, code="already-known", display="Already known and being managed"),
    Coding(system=OVERRIDE_SYSTEM, code="finding-not-confirmed", display="A finding in the record is not confirmed"),
    Coding(system=OVERRIDE_SYSTEM, code="clinical-judgement", display="Not relevant for this patient now"),
]


def _summary(text: str) -> str:
    return text if len(text) < SUMMARY_LIMIT else text[: SUMMARY_LIMIT - 2].rstrip() + "…"


def source_url(kb: KnowledgeBase, source_id: str) -> str | None:
    s = kb.sources.get(source_id)
    if s is None:
        return None
    if s.url:
        return s.url
    if s.doi:
        return f"https://doi.org/{s.doi}"
    if s.pmid:
        return f"https://pubmed.ncbi.nlm.nih.gov/{s.pmid}/"
    return None


def _link(kb: KnowledgeBase, sid: str) -> str:
    """'[id](url)', or '[id]' for a source without a link."""
    url = source_url(kb, sid)
    return f"[{sid}]({url})" if url else f"[{sid}]"


def _source_line(kb: KnowledgeBase, sid: str) -> str:
    """'- full citation <url>' for the Sources block of a card (a known source id)."""
    url = source_url(kb, sid)
    return f"- {kb.citation_text(sid)}" + (f" <{url}>" if url else "")


def _texts(kb: KnowledgeBase) -> tuple[dict[str, str], dict[str, str]]:
    """Every known source's link and Sources line, made once per knowledge base: they depend on the source entry
    alone, and a card cites the same few sources line after line (~13 links and ~10 lines a chart, each a lookup
    instead of formatting; docs/cds-speed-log.md, "Branch cds-rules3"). tests/cdshooks/test_card_texts.py:
    equal to _link/_source_line for every source of the knowledge base."""
    return kb.derived("cdshooks.cards.source_texts", lambda: (
        {sid: _link(kb, sid) for sid in kb.sources}, {sid: _source_line(kb, sid) for sid in kb.sources}))


def _cite(kb: KnowledgeBase, ids: list[str]) -> str:
    if not ids:
        return ""
    links = _texts(kb)[0]
    # an id the knowledge base does not know (none should be cited) is formatted as before, not kept
    return " " + ", ".join([links.get(sid) or _link(kb, sid) for sid in ids])


def _sources_block(kb: KnowledgeBase, ids: list[str]) -> str:
    lines = _texts(kb)[1]
    found = [lines[sid] for sid in dict.fromkeys(ids) if sid in lines]
    return "**Sources**\n\n" + "\n".join(found) if found else ""


def _source(kb: KnowledgeBase, label: str, topic: str, display: str, citations: list[str]) -> Source:
    url = next((u for u in (source_url(kb, c) for c in citations) if u), None)
    return Source(label=label, url=url, topic=Coding(system=TOPIC_SYSTEM, code=topic, display=display))


def _evidence(kb: KnowledgeBase, s) -> str:
    out = [f"**Suspicion: {s.level.value.upper()}** ({s.explanation})", ""]
    if s.evidence_for:
        out.append("**Evidence for**")
        out += [f"- {e.label}: {e.patient_fact or 'recorded'}{_MARK.get(e.certainty, '')}{_cite(kb, e.citations)}"
                for e in s.evidence_for]
    if s.evidence_against:
        out += ["", "**Evidence against**"]
        out += [f"- {e.label}: {e.patient_fact or 'recorded absent'}{_cite(kb, e.citations)}" for e in s.evidence_against]
    if s.unknown:
        out += ["", "**Not yet recorded**: " + "; ".join(e.label for e in s.unknown)]
    return "\n".join(out)


class CardMaker:
    def __init__(self, kb: KnowledgeBase, workbench_url: str | None, link_type: str, patient_key: str,
                 notes: list[str]) -> None:
        self.kb, self.workbench_url, self.link_type = kb, workbench_url, link_type
        self.patient_key, self.notes = patient_key, notes

    def links(self) -> list[Link] | None:
        if not self.workbench_url:
            return None
        from rarebone.web.keys import key_segment  # the workbench's own encoding ('/' and '..' included)

        url = f"{self.workbench_url}/patients/{key_segment(self.patient_key)}/assessment"
        return [Link(label="Open the rarebone assessment", url=url, type=self.link_type)]

    def card(self, summary: str, indicator: str, body: str, source: Source, citations: list[str],
             suggestions: list[Suggestion] | None = None) -> Card:
        notice = self.kb.get("NOTICE-DECISION-SUPPORT").text
        parts = [f"*{notice}*", body, _sources_block(self.kb, citations)]
        if self.notes:
            parts.append("**About the record read**\n\n" + "\n".join(f"- {n}" for n in self.notes))
        return Card(uuid=str(uuid.uuid4()), summary=_summary(summary), indicator=indicator,
                    detail="\n\n".join(p for p in parts if p), source=source, suggestions=suggestions or None,
                    selectionBehavior="any" if suggestions else None, overrideReasons=OVERRIDE_REASONS,
                    links=self.links())


def _service_request(kb: KnowledgeBase, workup_id: str, patient_ref: str, text_prefix: str) -> dict:
    entry = kb.get(workup_id)
    return {"resourceType": "ServiceRequest", "status": "draft", "intent": "proposal",
            "code": {"text": f"{text_prefix}{entry.item}"}, "subject": {"reference": patient_ref},
            "note": [{"text": f"Proposed by rarebone ({workup_id}): {entry.statement} Decision support, to be "
                              "checked by the responsible clinician."}]}


def _workup_suggestions(kb: KnowledgeBase, a: Assessment | CardFindings, patient_ref: str) -> list[Suggestion]:
    """Order the skeletal survey / refer for HLA typing, when the record does not show them done."""
    status = {w.id: getattr(w.status, "value", w.status) for w in a.workup}
    out = []
    radiology, hla = CARD_WORKUP_IDS  # card_findings builds only these items of the work-up
    wanted = [(radiology, "Order a skeletal survey", "", True)]
    if a.hsct.recommendation.value in ("indicated", "case_by_case"):
        wanted.append((hla, "Refer for HSCT: HLA typing of the child and family", "Referral: ",
                       a.hsct.recommendation.value == "indicated"))
    for wid, label, prefix, recommended in wanted:
        if status.get(wid, "not_recorded") != "not_recorded":  # the record already shows it
            continue
        resource = _service_request(kb, wid, patient_ref, prefix)
        out.append(Suggestion(label=label, uuid=str(uuid.uuid4()), isRecommended=recommended,
                              actions=[Action(type="create", description=f"Create a draft order: {label.lower()}",
                                              resource=resource)]))
    return out


def patient_view_cards(a: Assessment | CardFindings, kb: KnowledgeBase, maker: CardMaker, patient_ref: str) -> list[Card]:
    cards: list[Card] = []
    op = a.suspicion.get("osteopetrosis")
    if a.hsct.urgency.value == "urgent":
        reasons = "\n".join(f"- {r.text}{_MARK.get(r.certainty, '')}{_cite(kb, r.citations)}"
                            for r in a.hsct.urgency_reasons)
        body = f"**HSCT: {a.hsct.recommendation.value.replace('_', ' ')}, URGENT**\n\n{reasons}"
        cards.append(maker.card(
            "Urgent: refer now for HSCT evaluation (osteopetrosis); vision and marrow are lost while waiting",
            "critical", body, _source(kb, "rarebone: HSCT in osteopetrosis", "hsct-urgent", "Urgent HSCT referral",
                                      a.hsct.citations), a.hsct.citations,
            [s for s in _workup_suggestions(kb, a, patient_ref) if "HLA" in s.label]))
    if op is not None and op.level.value in _RAISED:
        genetics = f"**Genetics**: {a.genetics.summary}" if a.genetics.summary else ""
        hsct = f"**HSCT**: {a.hsct.recommendation.value.replace('_', ' ')} (urgency {a.hsct.urgency.value.replace('_', ' ')})"
        present = len(op.evidence_for)
        summary = (f"{op.level.value.capitalize()} suspicion of osteopetrosis: {present} red flag(s) in the record; "
                   "check skeletal radiographs")
        cards.append(maker.card(
            summary, "critical" if op.level.value == "high" else "warning",
            "\n\n".join(p for p in (_evidence(kb, op), genetics, hsct) if p),
            _source(kb, "rarebone: osteopetrosis red flags", "osteopetrosis-suspicion", "Osteopetrosis suspicion",
                    op.citations), op.citations + a.genetics.citations,
            [s for s in _workup_suggestions(kb, a, patient_ref)
             if a.hsct.urgency.value != "urgent" or "HLA" not in s.label]))
    for m in a.mimics:
        body = "\n".join([m.text, "", "**Triggered by**"] +
                         [f"- {e.label}: {e.patient_fact or 'recorded'}" for e in m.triggered_by] +
                         ["", "**To tell them apart**"] + [f"- {d}" for d in m.distinguish])
        cards.append(maker.card(f"Look-alike warning: {m.label}", "warning", body,
                                _source(kb, "rarebone: look-alike warnings", m.id.lower(), m.label, m.citations),
                                m.citations))
    cno = a.suspicion.get("cno")
    if cno is not None and cno.level.value in _RAISED:
        cards.append(maker.card(
            f"{cno.level.value.capitalize()} suspicion of CNO/CRMO: {len(cno.evidence_for)} finding(s); "
            "a diagnosis of exclusion",
            "warning", _evidence(kb, cno),
            _source(kb, "rarebone: CNO suspicion", "cno-suspicion", "CNO suspicion", cno.citations), cno.citations))
    if cno is not None and cno.level.value != "none" and a.cno is not None:
        open_ = [e for e in a.cno.exclusions if e.needed and e.dangerous and e.status != "excluded"]
        if open_:
            pointed = any(e.status == "pointed_to" for e in open_)
            body = "\n".join(["CNO is a diagnosis of exclusion. Still to exclude:", ""] +
                             [f"- **{e.differential}** ({e.status_text}): {e.deciding_test}"
                              + (f"; pointing findings: {', '.join(e.pointing_findings)}" if e.pointing_findings else "")
                              for e in open_])
            cites = sorted({c for r in a.cno.recommendations if r.id.startswith("CNO-DDX-") for c in r.citations})
            cards.append(maker.card(
                f"CNO suspected: {len(open_)} dangerous look-alike(s) not yet excluded, "
                f"e.g. {open_[0].differential}", "critical" if pointed else "warning", body,
                _source(kb, "rarebone: CNO exclusions", "cno-exclusions-open", "CNO exclusions still open", cites),
                cites))
    return cards

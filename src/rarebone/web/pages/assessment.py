"""``/patients/{patient_key}/assessment``: the answer-first assessment of a registry patient, its evidence with
linked citations, the phenotype-driven differential; ``.pdf`` prints the command line's report.

The URL is a contract: the CDS Hooks service links to exactly ``/patients/{patient_key}/assessment``.

The record goes out the way ``registry export --as phenopackets`` writes it (registry.phenopacket_out) and into
``rarebone.api.read`` and the assess workflow, so the page says what ``rarebone assess`` says of that file.
"""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from rarebone.web.keys import attachment, key_segment as _q  # also registers {...:key}
from rarebone.web.deps import ReadDb, User, audit, require_role, state
from rarebone.web.records import load_record, stored
from rarebone.web.templating import render

router = APIRouter()
READERS = require_role("clinician", "pharmacist", "admin")


def assess_record(record: dict, differential_top: int):
    from rarebone import api
    from rarebone.registry.phenopacket_out import to_phenopacket
    from rarebone.workflows.assess import assess_patient

    document, sidecar = to_phenopacket(record)
    document.pop("files", None)
    document["rareboneExtensions"] = {"registry": sidecar["registry"]}
    intake = api.read(document, source=f"registry patient {record['patient']['patient_key']}")
    assessment = assess_patient(intake.patient, intake.warnings)
    if differential_top and any(not f.excluded for f in intake.patient.features):
        from rarebone.workflows.differential import add_differential

        assessment = add_differential(assessment, intake.patient, differential_top)
    return assessment


def source_links(citation_ids) -> dict[str, str]:
    """Where each cited source can be read: its DOI, else PubMed, else the URL the knowledge base gives."""
    from rarebone.knowledge import load

    kb = load()
    links = {}
    for sid in citation_ids:
        source = kb.sources.get(sid)
        if source is None:
            continue
        if source.doi:
            links[sid] = f"https://doi.org/{source.doi}"
        elif source.pmid:
            links[sid] = f"https://pubmed.ncbi.nlm.nih.gov/{source.pmid}/"
        elif source.url and source.url.startswith(("https://", "http://")):
            links[sid] = source.url
    return links


@router.get("/patients/{patient_key:key}/assessment")
def assessment_page(request: Request, patient_key: str, user: User = Depends(READERS), db=ReadDb):
    from rarebone.report.differential_render import _freq, _pct

    record = stored(load_record(db, patient_key))
    db.close()  # the assessment needs no database: the connection goes back to the pool now
    a = assess_record(record, state(request).settings.differential_top)
    audit(request, user, "assess", patient_key)
    return render(request, "assessment/page.html", user=user, a=a, key=patient_key, links=source_links(a.citations),
                  pct=_pct, freq=_freq)


@router.get("/patients/{patient_key:key}/assessment.pdf")
def assessment_pdf(request: Request, patient_key: str, user: User = Depends(READERS), db=ReadDb):
    """The command line's printed report (report/templates/assessment.html through headless Chromium)."""
    from rarebone.registry.phenopacket_out import file_stem
    from rarebone.report.html import render as render_report
    from rarebone.report.pdf import html_to_pdf

    record = stored(load_record(db, patient_key))
    db.close()
    a = assess_record(record, 0)
    pdf = html_to_pdf(render_report("assessment.html", a=a, results=[a], failures=[]))
    audit(request, user, "export", patient_key, source="workbench assessment PDF")
    return Response(pdf, media_type="application/pdf",
                    headers={"Content-Disposition": attachment(f"{file_stem(record)}-assessment.pdf")})

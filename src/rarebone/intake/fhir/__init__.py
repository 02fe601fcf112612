"""FHIR R4 Bundle -> Patient (docs/ehr-integration.md).

The Bundle is validated with ``fhir.resources`` (R4B models, the ``[fhir]`` extra), then translated into a
Phenopacket v2 document and read by the Phenopacket reader, so units, HPO checks and every later rule are the
same for both formats. Each translated element remembers where it came from, so an error names the FHIR JSON
path (``$.entry[3].resource.valueQuantity.code``), never the internal Phenopacket one. A code rarebone does not
understand is listed as a warning (``FHIR: code SYSTEM|CODE not understood``), never dropped silently.

``read_resources`` takes resources rather than a Bundle so that a CDS Hooks prefetch (a dict of resources and
Bundles) can reuse the reader later.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import replace
from typing import Any, Iterable

from rarebone.errors import InputError, PhenopacketError
from rarebone.intake.fhir import codes as C

EXTENSION_URL = "https://rarebone.org/fhir/StructureDefinition/phenopacket-extensions"
_AGE_UNITS = {"a": "Y", "mo": "M", "wk": "W", "d": "D", "yr": "Y", "year": "Y", "years": "Y", "month": "M",
              "months": "M", "week": "W", "weeks": "W", "day": "D", "days": "D"}
_GENDER = {"male": "MALE", "female": "FEMALE", "other": "OTHER_SEX", "unknown": "UNKNOWN_SEX"}
_READ = ("Patient", "Condition", "Observation", "FamilyMemberHistory", "MedicationStatement",
         "MedicationAdministration", "MedicationRequest", "Procedure", "Medication", "DiagnosticReport")
# Condition.verificationStatus values that do not assert the condition (HL7 condition-ver-status): a differential
# ("rule out leukaemia") read as present would raise a false alarm.
_NOT_ASSERTED = ("unconfirmed", "differential")
# DiagnosticReport.status values whose conclusion is not (or no longer) a result.
_NO_RESULT = ("entered-in-error", "cancelled", "registered")


def is_fhir(document: Any) -> bool:
    return isinstance(document, dict) and "resourceType" in document


def _validate(document: dict) -> None:
    try:
        from fhir.resources.R4B.bundle import Bundle
        from pydantic import ValidationError
    except ImportError:
        raise InputError("this is a FHIR Bundle; reading FHIR needs the fhir extra: pip install 'rarebone[fhir]'",
                         path="$.resourceType", value="Bundle") from None
    try:
        Bundle.model_validate(document)
    except ValidationError as exc:
        error = exc.errors()[0]
        path = "$" + "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in error["loc"])
        value = error.get("input")
        raise PhenopacketError(f"does not follow the FHIR R4 Bundle schema: {error['msg']}", path=path,
                               **({"value": value} if not isinstance(value, (dict, list)) else {})) from None


class _Translation:
    """The Phenopacket being built, the FHIR path of each part, and the warnings."""

    def __init__(self) -> None:
        self.packet: dict[str, Any] = {"phenotypicFeatures": [], "measurements": [], "diseases": [],
                                       "medicalActions": [], "interpretations": []}
        self.paths: dict[str, str] = {}
        self.warnings: list[str] = []
        self.dates: list[dt.date] = []
        self.lab_flags: dict[str, str] = {}  # Phenopacket measurement path -> "below"/"above"

    def add(self, key: str, item: dict, fhir_path: str, sub: dict[str, str] | None = None) -> None:
        index = len(self.packet[key])
        self.packet[key].append(item)
        base = f"$.{key}[{index}]"
        self.paths[base] = fhir_path
        for pp, fp in (sub or {}).items():
            self.paths[base + pp] = fhir_path + fp

    def not_understood(self, coding: dict | None, path: str, what: str = "code") -> None:
        coding = coding or {}
        if coding.get("system") is None and coding.get("text"):
            # A text-only concept (no coding), as an EHR's free-text problem entry: listed, never dropped. Quoted
            # with control characters and markup escaped (intake/fhir/text.quote): the text is the EHR's.
            from rarebone.intake.fhir.text import quote

            self.warnings.append(f"FHIR: text-only {what} {quote(coding['text'])} not understood at {path} "
                                 f"(no code, and no phrase of a finding rarebone knows); not used")
            return
        label = f" ({coding['display']})" if coding.get("display") else ""
        self.warnings.append(f"FHIR: {what} {coding.get('system', '?')}|{coding.get('code', '?')} not understood"
                             f"{label} at {path}; not used")

    def fhir_path(self, pp_path: str | None) -> str | None:
        if not pp_path:
            return pp_path
        # The longest registered path that is pp_path itself or ends where pp_path has a "." or "[": tried from
        # the longest prefix down (a scan of every registered path per evidence line was O(n^2) in the record).
        best = pp_path if pp_path in self.paths else None
        cut = len(pp_path)
        while best is None and cut > 0:
            cut = max(pp_path.rfind(".", 0, cut), pp_path.rfind("[", 0, cut))
            if cut > 0 and pp_path[:cut] in self.paths:
                best = pp_path[:cut]
        # Sub-paths registered with ``add`` are exact; otherwise the FHIR resource itself is named.
        return self.paths[best] if best else pp_path

    def note_date(self, text: str | None) -> None:
        if text:
            try:
                self.dates.append(dt.date.fromisoformat(text[:10]))
            except ValueError:
                pass


def read_bundle_dict(document: dict, source: str = "<bundle>", validation: str = "full", strip: tuple[str, ...] = ()):
    """Validate one FHIR R4 Bundle and read it into an IntakeResult (as ``read_phenopacket_dict`` does).

    ``validation``: "full" (fhir.resources, every element) or "light" (only the fields the intake reads, their
    JSON shapes; ``light.py``) - the CDS Hooks service's per-call budget is why the light check exists.
    ``strip``: Phenopacket top-level fields removed from the translation (``rarebone validate --phenotype-only``
    removes diseases and interpretations, i.e. disease-coded Conditions and variant Observations)."""
    from rarebone.intake.phenopacket import read_phenopacket_dict

    if document.get("resourceType") != "Bundle":
        raise PhenopacketError("a FHIR resource other than a Bundle; give a Bundle (type collection, searchset, "
                               "document or transaction) with the Patient and the findings", source=source,
                               path="$.resourceType", value=document.get("resourceType"))
    try:
        if validation == "light":
            from rarebone.intake.fhir.light import check_bundle

            check_bundle(document)
        else:
            _validate(document)
    except InputError as exc:
        exc.source = exc.source or source
        raise
    entries = [(f"$.entry[{i}].resource", e["resource"]) for i, e in enumerate(document.get("entry") or [])
               if isinstance(e, dict) and isinstance(e.get("resource"), dict)]
    # A transaction or document Bundle names its resources by fullUrl (often "urn:uuid:..."), and references inside
    # it use that name (FHIR R4 Bundle, "Resolving references in Bundles"): a MedicationStatement's
    # medicationReference "urn:uuid:..." was not found, and the medicine was dropped as not understood.
    full_urls = {e["fullUrl"]: e["resource"] for e in document.get("entry") or []
                 if isinstance(e, dict) and isinstance(e.get("fullUrl"), str) and isinstance(e.get("resource"), dict)}
    tr = read_resources(entries, bundle_id=document.get("id"), timestamp=document.get("timestamp"),
                        full_urls=full_urls)
    for name in strip:
        tr.packet.pop(name, None)
    try:
        result = read_phenopacket_dict(tr.packet, source=source)
    except InputError as exc:
        exc.path = tr.fhir_path(exc.path)
        exc.source = exc.source or source
        raise
    result.warnings[:0] = tr.warnings
    # Evidence lines quote json_path: point them at the FHIR resource the finding came from.
    p = result.patient
    fix = lambda items: tuple(replace(x, json_path=tr.fhir_path(x.json_path)) for x in items)  # noqa: E731
    # A finding read from free text says so in its label, which every evidence line quotes: the clinician sees
    # the words, the phrase matched and the FHIR path, and can check them.
    features = tuple(replace(f, json_path=tr.fhir_path(f.json_path), label=f"{f.label} ({f.description})")
                     if (f.description or "").startswith("from text ") else replace(f, json_path=tr.fhir_path(f.json_path))
                     for f in p.features)
    # one replace per measurement (flag and path together): dataclasses.replace is the costly part here
    measurements = tuple(replace(m, lab_flag=tr.lab_flags.get(m.json_path), json_path=tr.fhir_path(m.json_path))
                         for m in p.measurements)
    result.patient = replace(p, features=features, measurements=measurements, variants=fix(p.variants),
                             treatments=fix(p.treatments), procedures=fix(p.procedures))
    return result


def read_resources(entries: Iterable[tuple[str, dict]], bundle_id: str | None = None,
                   timestamp: str | None = None, full_urls: dict[str, dict] | None = None) -> _Translation:
    """(FHIR path, resource) pairs -> the Phenopacket translation. Resources of other types are listed as not read.
    ``full_urls``: the Bundle's entries by fullUrl, which references inside the Bundle may use."""
    from rarebone.intake.fhir.medication import medication

    tr = _Translation()
    entries = list(entries)
    by_ref = {**(full_urls or {}), **{f"{r['resourceType']}/{r['id']}": r for _, r in entries if r.get("id")}}
    patients = [(p, r) for p, r in entries if r["resourceType"] == "Patient"]
    if len(patients) != 1:
        raise PhenopacketError(f"the Bundle must hold exactly one Patient (found {len(patients)})", path="$.entry",
                               value=len(patients))
    ppath, patient = patients[0]
    subject: dict[str, Any] = {"id": patient.get("id") or "fhir-patient",
                               "sex": _GENDER.get(patient.get("gender", "unknown"), "UNKNOWN_SEX")}
    birth = _birth_date(tr, patient.get("birthDate"), f"{ppath}.birthDate")
    if birth is not None:
        subject["dateOfBirth"] = birth.isoformat() + "T00:00:00Z"
        tr.paths["$.subject.dateOfBirth"] = f"{ppath}.birthDate"
    if patient.get("deceasedBoolean") or patient.get("deceasedDateTime"):
        subject["vitalStatus"] = {"status": "DECEASED"}
    for ext in patient.get("extension") or []:
        if ext.get("url") == EXTENSION_URL:
            try:
                tr.packet["rareboneExtensions"] = json.loads(ext.get("valueString", ""))
            except json.JSONDecodeError as exc:
                raise PhenopacketError(f"rarebone extension is not JSON: {exc.msg}", path=f"{ppath}.extension",
                                       value=ext.get("valueString", "")[:40]) from None
            tr.paths["$.rareboneExtensions"] = f"{ppath}.extension"
    for path, res in entries:
        kind = res["resourceType"]
        if kind == "Condition":
            _condition(tr, path, res)
        elif kind == "Observation":
            _observation(tr, path, res)
        elif kind in ("MedicationStatement", "MedicationAdministration", "MedicationRequest"):
            medication(tr, path, res, by_ref)
        elif kind == "Procedure":
            _procedure(tr, path, res)
        elif kind == "DiagnosticReport":
            _report(tr, path, res)
        elif kind == "FamilyMemberHistory":
            _family(tr, path, res)
        elif kind not in _READ:
            tr.warnings.append(f"FHIR: resource {kind} at {path} not read by rarebone")
    last = max(tr.dates, default=None) or (dt.date.fromisoformat(timestamp[:10]) if timestamp else None)
    if birth and last and last >= birth:
        # (every clinical date before the birth date: no negative age here; the plausibility check then refuses the
        # record naming the FHIR path of a date before birth, instead of "P-3836D is not a duration" at a
        # Phenopacket path the clinician cannot find in the Bundle)
        # Age at the last clinical date in the Bundle (not today), so the same Bundle gives the same result tomorrow.
        subject["timeAtLastEncounter"] = {"age": {"iso8601duration": f"P{(last - birth).days}D"}}
    tr.packet["id"] = bundle_id or subject["id"]
    tr.packet["subject"] = subject
    tr.packet["metaData"] = {"created": (timestamp or "1970-01-01T00:00:00Z"),
                             "createdBy": "rarebone FHIR reader", "phenopacketSchemaVersion": "2.0.2",
                             "resources": []}
    if not tr.packet["interpretations"][0:1]:
        tr.packet.pop("interpretations")
    return tr


def _codings(concept: dict | None) -> list[dict]:
    return list((concept or {}).get("coding") or [])


def _first_mapped(concept: dict | None, path: str) -> tuple[C.Mapped | None, dict | None, str]:
    codings = _codings(concept)
    for k, coding in enumerate(codings):
        mapped = C.map_code(coding.get("system"), coding.get("code"))
        if mapped:
            return mapped, coding, f"{path}.coding[{k}]"
    if not codings:
        return None, {"system": None, "text": (concept or {}).get("text")}, f"{path}.text"
    return None, codings[0], f"{path}.coding[0]"


def _onset(tr: _Translation, res: dict, path: str) -> tuple[dict | None, str]:
    if "onsetAge" in res:
        age = res["onsetAge"]
        unit = _AGE_UNITS.get(age.get("code") or age.get("unit") or "")
        if unit is None or age.get("value") is None:
            raise InputError("onsetAge needs a value and a UCUM unit a, mo, wk or d", path=f"{path}.onsetAge",
                             value=age.get("code") or age.get("unit"))
        value = age["value"]
        return {"age": {"iso8601duration": f"P{int(value) if float(value).is_integer() else value}{unit}"}}, f"{path}.onsetAge"
    if "onsetDateTime" in res:
        tr.note_date(res["onsetDateTime"])
        when = _when(tr, res["onsetDateTime"], f"{path}.onsetDateTime")
        if when is not None:
            return {"timestamp": when}, f"{path}.onsetDateTime"
    if "onsetRange" in res:
        low, high = res["onsetRange"].get("low") or {}, res["onsetRange"].get("high") or {}
        unit = _AGE_UNITS.get(low.get("code") or low.get("unit") or "")
        high_unit = _AGE_UNITS.get(high.get("code") or high.get("unit") or "") or unit
        if unit and low.get("value") is not None:
            end = high if high.get("value") is not None else low
            return {"ageRange": {"start": {"iso8601duration": f"P{int(low['value'])}{unit}"},
                                 "end": {"iso8601duration": f"P{int(end['value'])}{high_unit}"}}}, f"{path}.onsetRange"
    if "onsetString" in res:
        # An HPO onset class written as text ("HP:0003623 Neonatal onset"): FHIR has no coded onset element.
        text = res["onsetString"].strip()
        if text.startswith("HP:"):
            term, _, label = text.partition(" ")
            return {"ontologyClass": {"id": term, "label": label or term}}, f"{path}.onsetString"
    return None, path


def _birth_date(tr: _Translation, text: str | None, path: str) -> dt.date | None:
    """Patient.birthDate as a date; None, with a warning, when FHIR gives only a year or a year and month (as
    de-identified records often do): a day is not made up, because ages drive age-dependent doses, reference ranges
    and urgency, and a dose is never guessed. A date that does not exist is refused, naming the path."""
    if not text or _without_day(tr, text, path, "no date of birth is taken from it, so no age is computed from it "
                                                 "(age-dependent doses, reference ranges and urgency need the full date)"):
        return None
    try:
        return dt.date.fromisoformat(text[:10])
    except ValueError:
        raise PhenopacketError("not a date that exists (YYYY-MM-DD)", path=path, value=text) from None


def _when(tr: _Translation, text: str | None, path: str) -> str | None:
    """A FHIR date or dateTime as a Phenopacket timestamp. FHIR also allows a year, or a year and month (a problem
    list's "onset 2015"); the Phenopacket timestamp needs a day, and a day is not made up: the finding is read
    without its time, and a warning names the path. It once made the whole record unreadable."""
    if not text or _without_day(tr, text, path, "read without this date (a day is not made up)"):
        return None
    return _timestamp(text)


def _without_day(tr: _Translation, text: str, path: str, consequence: str) -> bool:
    """True, with a warning saying ``consequence``, for a FHIR date of a year or a year and month."""
    if len(text) < 10:
        tr.warnings.append(f"FHIR: {path} is {text!r}, without the day: {consequence}")
        return True
    return False


def _timestamp(text: str) -> str:
    return text if "T" in text else text[:10] + "T00:00:00Z"


def _feature(tr: _Translation, mapped: C.Mapped, coding: dict, coding_path: str, path: str, excluded: bool,
             onset: tuple[dict | None, str] = (None, ""), modifiers: list[dict] = ()) -> None:
    if mapped.disease_id:
        tr.packet["diseases"].append({"term": {"id": mapped.disease_id, "label": coding.get("display") or mapped.disease_id},
                                      **({"excluded": True} if excluded else {})})
        return
    item: dict[str, Any] = {"type": {"id": mapped.hpo_id}}
    if excluded:
        item["excluded"] = True
    if onset[0]:
        item["onset"] = onset[0]
    if modifiers:
        item["modifiers"] = list(modifiers)
    if mapped.source != "HPO code":
        item["description"] = f"from {coding.get('system')}|{coding.get('code')} via {mapped.source}"
    elif coding.get("display"):
        item["type"]["label"] = coding["display"]
    tr.add("phenotypicFeatures", item, path, {".type": f"{coding_path[len(path):]}", ".type.id": f"{coding_path[len(path):]}.code",
                                              ".type.label": f"{coding_path[len(path):]}.display",
                                              ".onset": onset[1][len(path):]})


def _condition(tr: _Translation, path: str, res: dict) -> None:
    status = {c.get("code") for c in _codings(res.get("verificationStatus"))}
    if "entered-in-error" in status:
        tr.warnings.append(f"FHIR: Condition at {path} entered in error; not used")
        return
    tr.note_date(res.get("recordedDate"))
    mapped, coding, cpath = _first_mapped(res.get("code"), f"{path}.code")
    if mapped is None:
        text = (res.get("code") or {}).get("text")
        if coding.get("system") is not None:
            tr.not_understood(coding, cpath)  # a code not understood is listed even when its text is read
        if text:
            _text(tr, text, f"{path}.code.text", path, status=_text_status(status), onset=_onset(tr, res, path),
                  listed=coding.get("system") is None, modifiers=_modifiers(tr, res, path))
        return
    asserted = status & set(_NOT_ASSERTED)
    if asserted and "refuted" not in status:
        label = f" ({coding['display']})" if coding and coding.get("display") else ""
        tr.warnings.append(f"FHIR: Condition {coding.get('code')}{label} at {path} is {'/'.join(sorted(asserted))}, "
                           f"not confirmed; not used as a finding")
        return
    _feature(tr, mapped, coding, cpath, path, excluded="refuted" in status, onset=_onset(tr, res, path),
             modifiers=_modifiers(tr, res, path))


def _modifiers(tr: _Translation, res: dict, path: str) -> list[dict]:
    """Condition.bodySite laterality and Condition.severity -> HPO clinical modifiers (Left, Right, Bilateral,
    Mild, Severe, ...), read through the same code tables (HPO's own SNOMED CT xrefs: 263795004 Left, 264180000
    Right, 51440002 Bilateral, 24484000 Severe). The CNO room reads laterality (bilateral, symmetric lesions); an
    EHR sends it as the body site's laterality, not in the problem code. An anatomical body site (no HPO modifier)
    is listed as not read: rarebone has no body-structure table."""
    from rarebone.phenotype import ontology

    out: list[dict] = []
    concepts = [(f"{path}.bodySite[{k}]", c) for k, c in enumerate(res.get("bodySite") or [])]
    if res.get("severity"):
        concepts.append((f"{path}.severity", res["severity"]))
    for where, concept in concepts:
        mapped, coding, cpath = _first_mapped(concept, where)
        if mapped and mapped.hpo_id and ontology().is_a(mapped.hpo_id, C.CLINICAL_MODIFIER):
            out.append({"id": mapped.hpo_id, "label": (coding or {}).get("display") or (concept.get("text") or mapped.hpo_id)})
        else:
            tr.not_understood(coding, cpath, "body site or severity")
    return out


def _report(tr: _Translation, path: str, res: dict) -> None:
    """DiagnosticReport (a radiology or pathology report): each coded conclusion is a finding present at the
    report's date. The free-text ``conclusion`` is not read; a report with only text is listed as such."""
    if res.get("status") in _NO_RESULT:
        tr.warnings.append(f"FHIR: DiagnosticReport at {path} is {res.get('status')}; not used")
        return
    effective = _effective(res)
    tr.note_date(effective[0])
    concepts = res.get("conclusionCode") or []
    onset = _dated(tr, path, effective)
    if res.get("conclusion"):
        # The radiologist's impression. Only a released report's text is read: a preliminary one may still change
        # (the coded conclusion keeps the intake's older, wider status rule). presentedForm is never read.
        if res.get("status") in _TEXT_REPORT_STATUSES:
            _text(tr, res["conclusion"], f"{path}.conclusion", path, onset=onset)
        else:
            tr.warnings.append(f"FHIR: DiagnosticReport at {path} is {res.get('status')}; its text conclusion "
                               f"is read only once the report is final, amended or corrected; not used")
    for k, concept in enumerate(concepts):
        mapped, coding, cpath = _first_mapped(concept, f"{path}.conclusionCode[{k}]")
        if mapped is None:
            tr.not_understood(coding, cpath)
            continue
        _feature(tr, mapped, coding, cpath, path, excluded=False, onset=onset)


def _effective(res: dict) -> tuple[str | None, str]:
    """When an Observation or DiagnosticReport was made, and the element it is in. EHRs send effectivePeriod (a
    specimen collected over hours) or only issued as well as effectiveDateTime; an error about the date once named
    effectiveDateTime whatever the record had, a path the clinician could not find in it."""
    if res.get("effectiveDateTime"):
        return res["effectiveDateTime"], "effectiveDateTime"
    if (res.get("effectivePeriod") or {}).get("start"):
        return res["effectivePeriod"]["start"], "effectivePeriod.start"
    return res.get("issued"), "issued"


def _dated(tr: _Translation, path: str, effective: tuple[str | None, str]) -> tuple[dict | None, str]:
    """(time element, its FHIR path) of what was observed at ``effective`` (from _effective); (None, "") when it
    has no usable date."""
    text, element = effective
    when = _when(tr, text, f"{path}.{element}")
    return ({"timestamp": when}, f"{path}.{element}") if when else (None, "")


def _observation(tr: _Translation, path: str, res: dict) -> None:
    if res.get("status") == "entered-in-error":
        tr.warnings.append(f"FHIR: Observation at {path} entered in error; not used")
        return
    effective = _effective(res)
    tr.note_date(effective[0])
    components = {c2.get("code"): comp for comp in res.get("component") or []
                  for c2 in _codings(comp.get("code")) if c2.get("system") == C.LOINC}
    loinc = [c for c in _codings(res.get("code")) if c.get("system") == C.LOINC]
    if C.GENE_STUDIED in components or any(c.get("code") in C.VARIANT_CODES for c in loinc):
        _variant(tr, path, res, components)
        return
    if "valueQuantity" in res and loinc:
        _measurement(tr, path, res, loinc, effective)
        return
    mapped, coding, cpath = _first_mapped(res.get("code"), f"{path}.code")
    value_concept = res.get("valueCodeableConcept")
    value_key = {(c.get("system"), c.get("code")) for c in _codings(value_concept)}
    if mapped is None and value_concept and not value_key & (C.ABSENT_VALUES | C.PRESENT_VALUES):
        # The finding is the value (e.g. code "Phenotypic feature", value an HPO or SNOMED CT term).
        mapped, coding, cpath = _first_mapped(value_concept, f"{path}.valueCodeableConcept")
    excluded = res.get("valueBoolean") is False or bool(value_key & C.ABSENT_VALUES) or any(
        c.get("code") == "NEG" for i in res.get("interpretation") or [] for c in _codings(i))
    if mapped is None:
        _observation_text(tr, path, res, coding, cpath, excluded, effective)
        return
    _feature(tr, mapped, coding, cpath, path, excluded=excluded, onset=_dated(tr, path, effective))


def _observation_text(tr: _Translation, path: str, res: dict, coding: dict, cpath: str, excluded: bool,
                      effective: tuple[str | None, str]) -> None:
    """An Observation no code of which is understood: its code.text (the finding's name, its value saying yes or
    no) and its valueString (a finding written as the result, e.g. "Skeletal survey" = "dense bones")."""
    code_text = (res.get("code") or {}).get("text")
    value = res.get("valueString")
    if coding.get("system") is not None:
        tr.not_understood(coding, cpath)
    onset = _dated(tr, path, effective)
    answer = _ANSWERS.get(normalise_answer(value)) if value else None
    status = "refuted" if excluded or answer == "no" else None
    if code_text:
        _text(tr, code_text, f"{path}.code.text", path, status=status, onset=onset, listed=coding.get("system") is None)
    if value and answer is None:
        _text(tr, value, f"{path}.valueString", path, status="refuted" if excluded else None, onset=onset)
    if not code_text and not value and coding.get("system") is None:
        tr.not_understood(coding, cpath)


def normalise_answer(value: str) -> str:
    from rarebone.intake.fhir.text import normalise

    return normalise(value)


# An Observation's valueString that only answers its code.text ("Bone pain" = "absent").
_ANSWERS = {"no": "no", "absent": "no", "negative": "no", "not present": "no", "none": "no", "not seen": "no",
            "not detected": "no", "yes": "yes", "present": "yes", "positive": "yes"}
# DiagnosticReport statuses whose text conclusion is read (HL7 diagnostic-report-status: released results).
_TEXT_REPORT_STATUSES = ("final", "amended", "corrected", "appended")


def _text_status(status: set[str]) -> str | None:
    """A Condition's verificationStatus as it bears on its text: refuted, not asserted, or neither."""
    if "refuted" in status:
        return "refuted"
    if status & set(_NOT_ASSERTED) or "provisional" in status:
        return "unconfirmed"
    return None


def _text(tr: _Translation, text: str, text_path: str, path: str, status: str | None = None,
          onset: tuple[dict | None, str] = (None, ""), listed: bool = True, modifiers: list[dict] = ()) -> bool:
    """Read free text (intake/fhir/text.py): each finding the text asserts or denies becomes a feature marked as
    read from text (the words quoted, the phrase matched, the FHIR path); uncertain, ambiguous and relatives'
    mentions are listed and not used; text with no known phrase is listed as not understood. True if any phrase
    was found. ``status``: the resource's own "refuted" (present -> absent; a denied finding refuted is a double
    negation, not read) or "unconfirmed" (nothing asserted)."""
    from rarebone.intake.fhir.text import quote, recogniser

    reader = recogniser()
    unread: list[str] = []
    mentions = reader.read(text, unread)
    if not mentions:
        if listed:
            tr.not_understood({"system": None, "text": text}, text_path)
        return False
    if unread:
        tr.warnings.append(f"FHIR: text at {text_path}: {len(unread)} sentence(s) with no phrase of a finding "
                           f"rarebone knows, not used: " + "; ".join(quote(u) for u in unread))
    seen: set[tuple[str, str]] = set()
    for m in mentions:
        state, cue = m.status, m.cue
        if status == "unconfirmed" and state in ("present", "excluded"):
            state, cue = "uncertain", "verificationStatus unconfirmed/differential/provisional"
        elif status == "refuted" and state == "present":
            state, cue = "excluded", "the resource records it as absent"
        elif status == "refuted" and state == "excluded":
            state, cue = "uncertain", f"{cue} in a finding recorded as absent (double negation)"
        where = f"from text {quote(m.excerpt)} at {text_path}: matched {quote(m.matched)} = {m.source} phrase " \
                f"{quote(m.phrase)}; rarebone text reader v{reader.version}"
        if state in ("present", "excluded"):
            if (m.hpo_id, state) in seen:
                continue
            seen.add((m.hpo_id, state))
            item: dict[str, Any] = {"type": {"id": m.hpo_id}, "description": where}
            if state == "excluded":
                item["excluded"] = True
                item["description"] = f"{where}; read as absent: {quote(cue or '')}"
            if onset[0] and state == "present":
                item["onset"] = onset[0]
            if modifiers:
                item["modifiers"] = list(modifiers)  # the Condition's bodySite laterality / severity
            tr.add("phenotypicFeatures", item, path, {".type": text_path[len(path):],
                                                      ".onset": onset[1][len(path):]})
        else:
            what = {"uncertain": "uncertain", "family": "about a relative"}[state]
            tr.warnings.append(f"FHIR: text mentions {m.hpo_id} ({m.phrase}), {what} ({quote(cue or '')}), "
                               f"{where}; not used as a finding")
    return True


def _measurement(tr: _Translation, path: str, res: dict, loinc: list[dict], effective: tuple[str | None, str]) -> None:
    from rarebone.knowledge import unit_converter

    converter = unit_converter()
    known = next((c for c in loinc if converter.analyte_for_loinc(f"LOINC:{c.get('code')}")), None)
    coding = known or loinc[0]
    if known is None:
        tr.not_understood(coding, f"{path}.code", "laboratory code")
        return
    q = res["valueQuantity"]
    unit = q.get("code") or q.get("unit")
    if unit is None or q.get("value") is None:
        # FHIR allows a Quantity without a unit (or a value); a laboratory number without its unit cannot be read
        # and a unit is not guessed: this value is left out, the rest of the record is read. It was once sent on
        # as the unit "UCUM:None", which refused the whole record naming a unit that is not in it.
        tr.warnings.append(f"FHIR: {path}.valueQuantity has no {'unit' if unit is None else 'value'}: "
                           f"laboratory value not read (a unit is not guessed)")
        return
    if q.get("comparator"):
        # "<5 mg/L" (below what the laboratory can measure) or ">1500 U/L": FHIR's Quantity.comparator says the
        # number is a bound, not the value. Read as the number itself it was a value the laboratory never gave
        # (and could land on either side of a threshold); it is left out, listed with the path.
        tr.warnings.append(f"FHIR: {path}.valueQuantity is {q['comparator']}{q.get('value')} {unit}, a bound and "
                           f"not a value: laboratory value not read")
        return
    # The UCUM code is what the unit means; the display string is only read when no code is given.
    quantity: dict[str, Any] = {"value": q.get("value"), "unit": {"id": f"UCUM:{unit}", "label": unit}}
    sub = {".value.quantity.value": ".valueQuantity.value", ".value.quantity.unit": ".valueQuantity.code",
           ".value.quantity": ".valueQuantity"}
    ranges = [r for r in res.get("referenceRange") or [] if isinstance(r, dict) and ("low" in r or "high" in r)]
    if ranges:
        # A one-sided range is common ("CRP < 5 mg/L"): the missing side is left out, not invented.
        low, high = ranges[0].get("low") or {}, ranges[0].get("high") or {}
        ref_unit = low.get("code") or low.get("unit") or high.get("code") or high.get("unit") or unit
        quantity["referenceRange"] = {"unit": {"id": f"UCUM:{ref_unit}", "label": ref_unit}}
        for side, bound in (("low", low), ("high", high)):
            if bound.get("value") is not None:
                quantity["referenceRange"][side] = bound["value"]
        sub[".value.quantity.referenceRange"] = ".referenceRange[0]"
    sides = {C.INTERPRETATION_SIDE.get(c.get("code")) for i in res.get("interpretation") or [] for c in _codings(i)
             if c.get("system") in C.INTERPRETATION_SYSTEMS} - {None}
    if len(sides) == 1:
        tr.lab_flags[f"$.measurements[{len(tr.packet['measurements'])}]"] = sides.pop()
    item = {"assay": {"id": f"LOINC:{coding['code']}", "label": coding.get("display") or coding["code"]},
            "value": {"quantity": quantity}}
    observed, _ = _dated(tr, path, effective)
    if observed:
        item["timeObserved"] = observed
        sub[".timeObserved"] = f".{effective[1]}"
    tr.add("measurements", item, path, sub)


def _variant(tr: _Translation, path: str, res: dict, components: dict[str, dict]) -> None:
    gene = _codings((components.get(C.GENE_STUDIED) or {}).get("valueCodeableConcept"))
    if not gene:
        # As the Phenopacket reader does for a variant without geneContext: listed, not used.
        tr.warnings.append(f"FHIR: variant Observation at {path} has no gene-studied (48018-6) component; not used")
        return
    symbol = gene[0].get("display") or gene[0].get("code")
    hgnc = gene[0].get("code") if str(gene[0].get("code", "")).startswith("HGNC:") else None
    descriptor: dict[str, Any] = {"id": res.get("id") or path, "geneContext": {"symbol": symbol, "valueId": hgnc or symbol}}
    state = _codings((components.get(C.ALLELIC_STATE) or {}).get("valueCodeableConcept"))
    if state:
        allelic = C.ALLELIC_ANSWERS.get(state[0].get("code"))
        if allelic is None:
            tr.not_understood(state[0], f"{path}.component", "allelic state")
        else:
            geno = {"homozygous": "GENO:0000136", "heterozygous": "GENO:0000135", "hemizygous": "GENO:0000134"}
            descriptor["allelicState"] = {"id": geno[allelic.value], "label": allelic.value}
    change = components.get(C.DNA_CHANGE) or {}
    hgvs = [c.get("code") for c in _codings(change.get("valueCodeableConcept")) if c.get("code")]
    if hgvs:
        descriptor["expressions"] = [{"syntax": "hgvs.c" if ":c." in h else "hgvs", "value": h} for h in hgvs]
    significance = _codings((components.get(C.CLINICAL_SIGNIFICANCE) or {}).get("valueCodeableConcept"))
    acmg = C.SIGNIFICANCE_ANSWERS.get(significance[0].get("code")) if significance else None
    if significance and acmg is None:
        tr.not_understood(significance[0], f"{path}.component", "clinical significance")
    interpretation = {"subjectOrBiosampleId": "subject",
                      # The Genomics Reporting shape has no "causative" flag: ACMG class stands in for it.
                      "interpretationStatus": {"pathogenic": "CAUSATIVE", "likely_pathogenic": "CAUSATIVE",
                                               "benign": "REJECTED", "likely_benign": "REJECTED"}.get(acmg or "", "UNKNOWN_STATUS"),
                      "variantInterpretation": {"variationDescriptor": descriptor,
                                                **({"acmgPathogenicityClassification": acmg.upper()} if acmg else {})}}
    if not tr.packet["interpretations"]:
        tr.packet["interpretations"].append({"id": "fhir-genomics", "progressStatus": "UNKNOWN_PROGRESS",
                                             # no disease: a variant Observation does not state a diagnosis
                                             "diagnosis": {"genomicInterpretations": []}})
    gis = tr.packet["interpretations"][0]["diagnosis"]["genomicInterpretations"]
    tr.paths[f"$.interpretations[0].diagnosis.genomicInterpretations[{len(gis)}]"] = path
    gis.append(interpretation)


def _procedure(tr: _Translation, path: str, res: dict) -> None:
    codings = _codings(res.get("code"))
    known = next((c for c in codings if c.get("system") == C.SNOMED and c.get("code") in C.PROCEDURES), None)
    if known is None:
        tr.not_understood(codings[0] if codings else None, f"{path}.code", "procedure")
        return
    code_id, label = C.PROCEDURES[known["code"]]
    procedure: dict[str, Any] = {"code": {"id": code_id, "label": label}}
    element = "performedDateTime" if res.get("performedDateTime") else "performedPeriod.start"
    performed = res.get("performedDateTime") or (res.get("performedPeriod") or {}).get("start")
    if performed:
        tr.note_date(performed)
        when = _when(tr, performed, f"{path}.{element}")
        if when:
            procedure["performed"] = {"timestamp": when}
    tr.add("medicalActions", {"procedure": procedure}, path, {".procedure.performed": f".{element}"})


def _family(tr: _Translation, path: str, res: dict) -> None:
    relation = (_codings(res.get("relationship")) or [{}])[0]
    who = relation.get("display") or relation.get("code") or "relative"
    for k, condition in enumerate(res.get("condition") or []):
        mapped, coding, cpath = _first_mapped(condition.get("code"), f"{path}.condition[{k}].code")
        if mapped is None and coding.get("system") is None and coding.get("text"):
            from rarebone.intake.fhir.text import quote

            # a relative's problem as text: never read as the child's finding (the text reader is not applied)
            tr.warnings.append(f"FHIR: family history ({who}) text {quote(coding['text'])} at {cpath} listed, "
                               f"not read; rarebone's rules do not use family history yet")
            continue
        if mapped is None:
            tr.not_understood(coding, cpath)
            continue
        term = mapped.hpo_id or mapped.disease_id
        # Read and shown, but rarebone's rules have no family-history input yet (docs/ehr-integration.md).
        tr.warnings.append(f"FHIR: family history ({who}) {term} from {coding.get('system')}|{coding.get('code')} "
                           f"read at {path}; rarebone's rules do not use family history yet")

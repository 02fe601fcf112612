"""Phenopacket v2 JSON -> Patient.

The file is parsed into the GA4GH message itself (the ``phenopackets`` protobuf classes) after the rarebone
extension block has been taken out (see docs/phenopacket-extension.md). The Patient is built from the PARSED
MESSAGE, never from the raw JSON: protobuf JSON accepts both ``phenotypicFeatures`` and ``phenotypic_features``,
and a walker over the raw dict read snake_case files as empty (suspicion none, exit 0: a silent false negative).
The message is walked through its canonical JSON form (``MessageToDict``: camelCase, defaults dropped), so the
JSON paths in messages are the standard ones; an error path is then re-spelled the way the file wrote it.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Iterator

from rarebone.core.clock import today
from rarebone.core.files import read_bytes
from rarebone.core.limits import finite
from rarebone.core.time import parse_iso8601_age_days, parse_timestamp
from rarebone.errors import InputError, PhenopacketError
from rarebone.intake._paths import lookup
from rarebone.intake.extension import EXTENSION_KEY, read_donors
from rarebone.intake.plausibility import check_patient, check_required, check_types, prune_empty, pruned_if_plain
from rarebone.knowledge import disease_index, normalise_disease_id, unit_converter
from rarebone.patient import (
    AllelicState, Disease, DoseInterval, Feature, Measurement, Patient, Procedure, RecordedDiagnosis, Sex, TimePoint,
    Treatment, Variant,
)
from rarebone.phenotype import ontology

ALLELIC_STATES = {
    "GENO:0000136": AllelicState.HOMOZYGOUS,
    "GENO:0000135": AllelicState.HETEROZYGOUS,
    "GENO:0000458": AllelicState.HETEROZYGOUS,  # simple heterozygous
    "GENO:0000402": AllelicState.COMPOUND_HETEROZYGOUS,
    "GENO:0000134": AllelicState.HEMIZYGOUS,
    "GENO:0000137": AllelicState.UNKNOWN,
}
_V1_MARKERS = ("genes", "variants", "htsFiles", "phenotypes")
_SEX = {"MALE": Sex.MALE, "FEMALE": Sex.FEMALE, "OTHER_SEX": Sex.OTHER, "UNKNOWN_SEX": Sex.UNKNOWN}


@dataclass
class IntakeResult:
    patient: Patient
    warnings: list[str] = field(default_factory=list)


def expand_inputs(paths: list[Path]) -> list[Path]:
    """Files as given; folders expanded to their *.json files (sorted). A missing path is an InputError."""
    out: list[Path] = []
    for path in paths:
        if str(path) == "-":  # standard input, read once by read_phenopacket
            out.append(path)
        elif path.is_dir():
            out.extend(sorted(p for p in path.rglob("*.json") if p.is_file()))
        elif path.exists():
            out.append(path)
        else:
            raise InputError("no such file or folder", source=str(path))
    return out


def read_phenopacket(path: Path | str, strip: tuple[str, ...] = ()) -> IntakeResult:
    """Read one file. ``strip``: top-level fields (camelCase names) removed before reading, in either spelling;
    ``rarebone validate --phenotype-only`` strips diseases and interpretations."""
    path = Path(path)
    shown = "<stdin>" if str(path) == "-" else str(path)
    raw = read_bytes(path)  # regular files below the size limit only (a FIFO would block)
    if not raw.strip():
        raise PhenopacketError("file is empty", source=shown)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise PhenopacketError(
            f"file is not UTF-8 text (byte 0x{raw[exc.start]:02x} at offset {exc.start})", source=shown
        ) from None
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise PhenopacketError(f"not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}", source=shown) from None
    except RecursionError:
        raise PhenopacketError("JSON nested too deeply", source=shown) from None
    if strip and isinstance(document, dict) and "resourceType" in document:
        # A FHIR Bundle has no top-level diseases/interpretations: they are removed from its translation.
        from rarebone.intake.fhir import read_bundle_dict

        try:
            return read_bundle_dict(document, source=path.name if shown != "<stdin>" else shown, strip=strip)
        except InputError as exc:
            exc.source = shown
            raise
    if strip and isinstance(document, dict):
        names = {spelling for name in strip for spelling in (name, re.sub(r"([A-Z])", lambda m: "_" + m.group(1).lower(), name))}
        document = {k: v for k, v in document.items() if k not in names}
    try:
        return read_phenopacket_dict(document, source=path.name if shown != "<stdin>" else shown)
    except InputError as exc:
        exc.source = shown
        raise
    except RecursionError:
        raise PhenopacketError("JSON nested too deeply", source=shown) from None


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


def _check_duplicate_spellings(document: Any) -> None:
    """One field written twice (``phenotypicFeatures`` and ``phenotypic_features``): protobuf would keep one
    silently; refuse instead, because half the record would be lost without a word."""
    found = _duplicate_spelling(document)
    if found:
        where, key, other = found
        path = "$" + "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in where)
        raise PhenopacketError(f"field written twice, as {other!r} and {key!r}; keep one", path=f"{path}.{key}", value=key)


def _duplicate_spelling(node: Any) -> tuple[list, str, str] | None:
    # Hot path (every file): only keys with an underscore can clash, and paths are built only for a clash.
    if isinstance(node, dict):
        for key in node:
            if "_" in key and _camel(key) in node and _camel(key) != key:
                return [], key, _camel(key)
        children = node.items()
    elif isinstance(node, list):
        children = enumerate(node)
    else:
        return None
    for name, child in children:
        if isinstance(child, (dict, list)):
            found = _duplicate_spelling(child)
            if found:
                found[0].insert(0, name)
                return found
    return None


def as_written(document: Any, path: str | None) -> str | None:
    """A canonical (camelCase) JSON path re-spelled with the keys the file actually uses (snake_case files)."""
    if not path or not path.startswith("$"):
        return path
    node, out = document, "$"
    for name, index in re.findall(r"\.([A-Za-z_][A-Za-z0-9_]*)|\[(\d+)\]", path.removeprefix("$")):
        if index:
            out += f"[{index}]"
            node = node[int(index)] if isinstance(node, list) and int(index) < len(node) else None
            continue
        if isinstance(node, dict) and name not in node:
            snake = re.sub(r"([A-Z])", lambda m: "_" + m.group(1).lower(), name)
            name = snake if snake in node else name
        out += f".{name}"
        node = node.get(name) if isinstance(node, dict) else None
    return out


def _parse_message(document: dict[str, Any]) -> dict[str, Any]:
    """The Phenopacket message, strictly parsed (unknown fields are errors), as canonical camelCase JSON."""
    from phenopackets.schema.v2.phenopackets_pb2 import Phenopacket

    from rarebone.intake.pbjson import Unsupported, canonical

    try:
        # The same dict as the protobuf round trip below, computed from the descriptors (pbjson.py); any shape it
        # does not handle (including every invalid one) goes the protobuf way, so errors are protobuf's own.
        return canonical(document, Phenopacket.DESCRIPTOR)
    except Unsupported:
        pass
    from google.protobuf import json_format

    _check_duplicate_spellings(document)
    try:
        message = json_format.ParseDict(document, Phenopacket())
    except json_format.ParseError as exc:
        first = str(exc).splitlines()[0]
        match = re.search(r' at "?Phenopacket\.?([^"\s]*?)"?\.*$', first)
        path = "$" + ("." + match.group(1) if match and match.group(1) else "")
        inner = re.split(r"Failed to parse \w+ field: ", first)[-1]
        inner = re.sub(r' at "?Phenopacket[^\s]*$', "", inner).rstrip(". ")
        value = lookup(document, path) if match else None
        raise PhenopacketError(f"does not follow the Phenopacket v2 schema: {inner}", path=path,
                               **({"value": value} if value is not None and not isinstance(value, (dict, list)) else {})) from None
    return json_format.MessageToDict(message)


def _with_age(tp: TimePoint | None, date_of_birth) -> TimePoint | None:
    """An onset given as a date (what an EHR sends: FHIR onsetDateTime) also gets its age when the date of birth
    is known: the neonatal-onset red flags and every onset rule read the age, and a dated onset read without it
    lost them (a neonatal hypocalcaemia dated on day 1 counted as no neonatal onset)."""
    if tp is None or tp.age_days is not None or tp.timestamp is None or date_of_birth is None:
        return tp
    days = (tp.timestamp.date() - date_of_birth).days
    return replace(tp, age_days=float(days)) if days >= 0 else tp


def _time(node: dict | None, path: str) -> TimePoint | None:
    if not node:
        return None
    try:
        if "age" in node:
            return TimePoint(age_days=parse_iso8601_age_days(node["age"].get("iso8601duration", "")))
        if "ageRange" in node:
            start = node["ageRange"].get("start", {}).get("iso8601duration", "")
            return TimePoint(age_days=parse_iso8601_age_days(start))
        if "timestamp" in node:
            return TimePoint(timestamp=parse_timestamp(node["timestamp"]))
        if "interval" in node:
            return TimePoint(timestamp=parse_timestamp(node["interval"].get("start", "")))
        if "ontologyClass" in node:
            return TimePoint(onset_term=node["ontologyClass"].get("id"))
        if "gestationalAge" in node:
            return TimePoint(age_days=0.0)
    except InputError as exc:
        exc.path = path
        raise
    return None


def read_phenopacket_dict(document: Any, source: str = "<phenopacket>") -> IntakeResult:
    """Validate and convert one Phenopacket (already parsed JSON)."""
    if not isinstance(document, dict):
        raise PhenopacketError("top level must be a JSON object (one Phenopacket)", source=source, path="$")
    if "resourceType" in document:  # a FHIR R4 Bundle (docs/ehr-integration.md): its own reader
        from rarebone.intake.fhir import read_bundle_dict

        return read_bundle_dict(document, source=source)
    core = {k: v for k, v in document.items() if k != EXTENSION_KEY}
    # The record's own fields in one walk (types, spellings, pruning) when plain; else the three checks below.
    pruned = pruned_if_plain(core)
    if pruned is None:
        check_types(document)  # finite numbers, bounded depth, before anything reads a value
    elif EXTENSION_KEY in document:  # the same check, on the part the one walk did not cover (same paths, order)
        block = {EXTENSION_KEY: document[EXTENSION_KEY]}
        # The one walk first (a third of check_types' time on a CDS Hooks chart's donor list): it declines whatever
        # check_types might refuse, and only then does check_types run, to name the error as before.
        if pruned_if_plain(block) is None:
            check_types(block)
    check_required(document)
    for name in ("subject", "metaData"):  # protobuf would read [] as an empty message: a wrong shape, refused
        if isinstance(document.get(name), list):
            raise PhenopacketError("must be a JSON object", source=source, path=f"$.{name}", value=document[name])
    meta = document.get("metaData")
    schema_version = str(meta.get("phenopacketSchemaVersion", "")) if isinstance(meta, dict) else ""
    if schema_version.startswith("1") or any(key in document for key in _V1_MARKERS):
        marker = next((k for k in _V1_MARKERS if k in document), "metaData.phenopacketSchemaVersion")
        raise PhenopacketError(
            "this is a Phenopacket v1 file; convert it to v2 first (e.g. phenopacket-tools convert)",
            source=source, path=f"$.{marker}", value=schema_version or marker,
        )
    if schema_version and not schema_version.startswith("2"):
        raise PhenopacketError("rarebone reads Phenopacket schema version 2", source=source,
                               path="$.metaData.phenopacketSchemaVersion", value=schema_version)
    extension = document.get(EXTENSION_KEY)
    if extension is not None:
        # shape of rareboneExtensions (typed models); the readers check meaning. Imported here: building the ~40
        # models costs ~30 ms of a cold start, and most Phenopackets carry no rarebone extension.
        from rarebone.intake.extension_models import validate_extensions

        validate_extensions(extension)
    try:
        if pruned is None:
            _check_duplicate_spellings(core)  # before pruning: an empty duplicate is still a field written twice
            pruned = prune_empty(core)
        return _from_message(_parse_message(pruned), extension, source)
    except InputError as exc:
        exc.path = as_written(document, exc.path)
        raise


def _from_message(core: dict[str, Any], extension: Any, source: str) -> IntakeResult:
    """Build the Patient from the parsed message (``core``: its canonical JSON, see the module docstring)."""
    warnings: list[str] = []
    if "metaData" not in core:
        warnings.append("no metaData block (required by the Phenopacket schema); ontology versions unknown")
    if not core.get("id"):
        raise PhenopacketError("missing Phenopacket id", path="$.id")

    subject = core.get("subject", {})
    patient_id = subject.get("id") or core["id"]
    age_days = None
    if "timeAtLastEncounter" in subject:
        tp = _time(subject["timeAtLastEncounter"], "$.subject.timeAtLastEncounter")
        age_days = tp.age_days if tp else None
    date_of_birth = None
    if subject.get("dateOfBirth"):
        date_of_birth = parse_timestamp(subject["dateOfBirth"]).date()
    vital = subject.get("vitalStatus", {})

    onto = ontology()
    features: list[Feature] = []
    for i, pf in enumerate(core.get("phenotypicFeatures", [])):
        path = f"$.phenotypicFeatures[{i}].type"
        type_ = pf.get("type", {})
        try:
            resolved = onto.resolve(type_.get("id"), type_.get("label"))
        except InputError as exc:
            exc.path = f"{path}.id" if "label" not in exc.message else f"{path}.label"
            raise
        if resolved.warning:
            warnings.append(f"{path}: {resolved.warning}")
        if not resolved.usable:
            continue
        features.append(Feature(
            hpo_id=resolved.hpo_id, label=resolved.name, excluded=bool(pf.get("excluded", False)),
            onset=_with_age(_time(pf.get("onset"), f"$.phenotypicFeatures[{i}].onset"), date_of_birth),
            modifiers=tuple(m.get("id", "") for m in pf.get("modifiers", [])),
            description=pf.get("description"), json_path=f"$.phenotypicFeatures[{i}]",
        ))
    features = _resolve_contradictions(features, onto, warnings)

    patient = Patient(
            patient_id=str(patient_id), source=source,
            sex=_SEX.get(subject.get("sex", "UNKNOWN_SEX"), Sex.UNKNOWN),
            date_of_birth=date_of_birth, age_days=age_days,
            vital_status=vital.get("status", "").lower() or None,
            survival_time_days=vital.get("survivalTimeInDays"),
            cause_of_death=(vital.get("causeOfDeath") or {}).get("label"),
            features=tuple(features),
            measurements=tuple(_measurements(core)),
            variants=tuple(_variants(core, warnings)),
            diseases=tuple(
                Disease(d["term"]["id"], d["term"].get("label", ""), bool(d.get("excluded", False)),
                        _time(d.get("onset"), f"$.diseases[{i}].onset"))
                for i, d in enumerate(core.get("diseases", [])) if (d.get("term") or {}).get("id")  # no term: no disease
            ),
            treatments=tuple(_treatments(core)),
            procedures=tuple(_procedures(core)),
            donors=tuple(read_donors(extension)),
            recorded_diagnoses=tuple(_recorded_diagnoses(core)),
            extensions={k: v for k, v in (extension or {}).items() if k != "donors"},
        )
    day = today()
    warnings += check_patient(patient, day)  # finite values, plausible ages and dates
    if patient.age_days is None and patient.date_of_birth is not None and patient.vital_status != "deceased":
        # An EHR record carries the birth date, rarely an "age at last encounter"; the rules need an age (first
        # year of life, infant onset), and a living child's age is today's.
        patient = replace(patient, age_days=float((day - patient.date_of_birth).days))
        warnings.append(f"$.subject: no timeAtLastEncounter; age taken from dateOfBirth to today ({day.isoformat()})")
    return IntakeResult(patient, warnings)


def _resolve_contradictions(features: list[Feature], onto, warnings: list[str]) -> list[Feature]:
    """An exclusion contradicted by an observation of the same term or of a more specific term.

    Rule (docs/phenopacket-extension.md): the OBSERVED term wins and the contradicted exclusion is dropped.
    Observing "Osteosclerosis" means the skeleton is abnormal, so "no abnormality of the skeletal system" cannot
    also hold; an observation is a positive statement about this child, an exclusion is often a checklist default.
    Both terms are named in a warning so the clinician can correct the record.
    """
    observed = [f for f in features if not f.excluded]
    kept: list[Feature] = []
    for f in features:
        if f.excluded:
            same = next((o for o in observed if o.hpo_id == f.hpo_id), None)
            if same is not None:
                warnings.append(f"{f.hpo_id} ({f.label}) is recorded both as observed and as excluded; "
                                "treated as observed (rule: an observed term wins over its exclusion)")
                continue
            below = next((o for o in observed if onto.is_a(o.hpo_id, f.hpo_id)), None)
            if below is not None:
                warnings.append(
                    f"{f.json_path}: excluded {f.hpo_id} ({f.label}) contradicts observed {below.hpo_id} ({below.label}), "
                    f"which is a kind of it; the exclusion is dropped (rule: an observed descendant wins over an "
                    "excluded ancestor)")
                continue
        kept.append(f)
    return kept


def _recorded_diagnoses(core: dict) -> Iterator[RecordedDiagnosis]:
    """Diagnoses the record states, recognised by OMIM/MONDO/Orphanet id. Excluded diseases are not diagnoses."""
    index = disease_index()
    nodes = [(d.get("term") or {}, f"$.diseases[{i}].term") for i, d in enumerate(core.get("diseases", []))
             if not d.get("excluded")]
    nodes += [((interp.get("diagnosis") or {}).get("disease") or {}, f"$.interpretations[{i}].diagnosis.disease")
              for i, interp in enumerate(core.get("interpretations", []))]
    seen: set[str] = set()
    for term, path in nodes:
        if not term.get("id"):
            continue
        term_id = normalise_disease_id(term["id"])
        if term_id in seen:
            continue
        seen.add(term_id)
        xref = index.get(term_id)
        yield RecordedDiagnosis(
            term_id=term_id, label=term.get("label", ""), json_path=path,
            xref_id=xref.id if xref else None, kb_entry=xref.kb_entry if xref else None,
            condition=xref.condition if xref else None, gene=xref.gene if xref else None,
            kb_label=xref.label if xref else None,
        )


def _measurements(core: dict) -> Iterator[Measurement]:
    converter = unit_converter()
    for i, m in enumerate(core.get("measurements", [])):
        path = f"$.measurements[{i}]"
        assay = m.get("assay", {})
        spec = converter.analyte_for_loinc(assay.get("id", ""))
        value_node = m.get("value", {})
        quantity = value_node.get("quantity")
        value = unit = None
        low = high = None
        if quantity is not None:
            unit_node = quantity.get("unit", {})
            value = finite(quantity.get("value", 0.0), path=f"{path}.value.quantity.value")
            unit = unit_node.get("id") or unit_node.get("label")
            if spec is not None:
                try:
                    value = converter.to_canonical(spec.key, value, unit_node.get("id"), unit_node.get("label"))
                except InputError as exc:
                    exc.path = f"{path}.value.quantity" + (".unit" if "unit" in exc.message else ".value")
                    raise
                unit = spec.canonical_unit
                ref = quantity.get("referenceRange")
                if ref:
                    ref_unit = ref.get("unit", unit_node)
                    # Proto3 JSON leaves out a zero, so an absent side is read as no limit on that side: an
                    # absent low (0) limits nothing, and an upper limit of 0 would make every value "high".
                    try:
                        low, high = (None if side not in ref else converter.to_canonical(
                            spec.key, float(ref[side]), ref_unit.get("id"), ref_unit.get("label"))
                            for side in ("low", "high"))
                    except InputError as exc:
                        exc.path = f"{path}.value.quantity.referenceRange"
                        raise
        yield Measurement(
            assay_id=assay.get("id", ""), assay_label=assay.get("label", ""), analyte=spec.key if spec else None,
            value=value, unit=unit, time=_time(m.get("timeObserved"), f"{path}.timeObserved"),
            value_term=(value_node.get("ontologyClass") or {}).get("id"),
            reference_low=low, reference_high=high, json_path=path,
        )


def _variants(core: dict, warnings: list[str]) -> Iterator[Variant]:
    for i, interp in enumerate(core.get("interpretations", [])):
        for j, gi in enumerate(interp.get("diagnosis", {}).get("genomicInterpretations", [])):
            path = f"$.interpretations[{i}].diagnosis.genomicInterpretations[{j}]"
            status = gi.get("interpretationStatus", "UNKNOWN_STATUS").lower()
            if "gene" in gi:
                gene = gi["gene"]
                yield Variant(gene.get("symbol", ""), gene.get("valueId"), AllelicState.UNKNOWN, status, json_path=path)
                continue
            vi = gi.get("variantInterpretation", {})
            vd = vi.get("variationDescriptor", {})
            gene = vd.get("geneContext", {})
            if not gene.get("symbol"):
                warnings.append(f"{path}: variant without a gene symbol (geneContext); not used")
                continue
            state_id = (vd.get("allelicState") or {}).get("id")
            state = ALLELIC_STATES.get(state_id, AllelicState.UNKNOWN)
            if state_id and state_id not in ALLELIC_STATES:
                warnings.append(f"{path}: allelic state {state_id} not understood; treated as unknown")
            hgvs = tuple(e.get("value", "") for e in vd.get("expressions", []) if e.get("syntax", "").startswith("hgvs"))
            yield Variant(
                gene_symbol=gene["symbol"], hgnc_id=gene.get("valueId"), allelic_state=state,
                interpretation_status=status, acmg=(vi.get("acmgPathogenicityClassification") or "").lower() or None,
                hgvs=hgvs, variant_id=vd.get("id"), json_path=path,
            )


def _treatments(core: dict) -> Iterator[Treatment]:
    for i, action in enumerate(core.get("medicalActions", [])):
        path = f"$.medicalActions[{i}]"
        response = (action.get("responseToTreatment") or {}).get("label")
        termination = (action.get("treatmentTerminationReason") or {}).get("label")
        adverse = tuple(a.get("label", a.get("id", "")) for a in action.get("adverseEvents", []))
        if "treatment" in action:
            t = action["treatment"]
            doses = []
            for k, di in enumerate(t.get("doseIntervals", [])):
                q = di.get("quantity", {})
                unit = (q.get("unit") or {})
                if "value" in q and not (unit.get("id") or unit.get("label")):
                    raise InputError("dose has no unit", path=f"{path}.treatment.doseIntervals[{k}].quantity.unit", value=q.get("value"))
                interval = di.get("interval", {})
                doses.append(DoseInterval(
                    value=float(q["value"]) if "value" in q else None, unit=unit.get("id") or unit.get("label"),
                    frequency=(di.get("scheduleFrequency") or {}).get("label") or (di.get("scheduleFrequency") or {}).get("id"),
                    start=TimePoint(timestamp=parse_timestamp(interval["start"])) if interval.get("start") else None,
                    end=TimePoint(timestamp=parse_timestamp(interval["end"])) if interval.get("end") else None,
                ))
            cumulative = t.get("cumulativeDose")
            yield Treatment(
                agent_id=t.get("agent", {}).get("id", ""), agent_label=t.get("agent", {}).get("label", ""),
                route=(t.get("routeOfAdministration") or {}).get("label"), doses=tuple(doses),
                cumulative_dose=(float(cumulative["value"]), (cumulative.get("unit") or {}).get("label", "")) if cumulative else None,
                response=response, termination_reason=termination, adverse_events=adverse, json_path=path,
            )
        elif "therapeuticRegimen" in action:
            r = action["therapeuticRegimen"]
            ident = r.get("ontologyClass") or r.get("externalReference") or {}
            yield Treatment(agent_id=ident.get("id", ""), agent_label=ident.get("label", ident.get("description", "")),
                            response=response, termination_reason=termination, adverse_events=adverse, json_path=path)


def _procedures(core: dict) -> Iterator[Procedure]:
    for i, action in enumerate(core.get("medicalActions", [])):
        path = f"$.medicalActions[{i}]"
        if "procedure" in action:
            p = action["procedure"]
            yield Procedure(
                code_id=p.get("code", {}).get("id", ""), label=p.get("code", {}).get("label", ""),
                performed=_time(p.get("performed"), f"{path}.procedure.performed"),
                body_site=(p.get("bodySite") or {}).get("id"), json_path=path,
            )
        elif "radiationTherapy" in action:
            r = action["radiationTherapy"]
            yield Procedure(code_id=r.get("modality", {}).get("id", ""), label=r.get("modality", {}).get("label", ""),
                            body_site=(r.get("bodySite") or {}).get("id"), json_path=path)

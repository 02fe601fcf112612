"""Phenopacket v2 JSON -> Patient.

The file is validated against the GA4GH schema itself (the ``phenopackets`` protobuf classes) after the
rarebone extension block has been taken out (see docs/phenopacket-extension.md), then walked into the
Patient model with units converted, HPO ids checked and every problem named by JSON path.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator

from rarebone.core.clock import today
from rarebone.core.files import read_bytes
from rarebone.core.limits import finite
from rarebone.core.time import parse_iso8601_age_days, parse_timestamp
from rarebone.errors import InputError, PhenopacketError
from rarebone.intake._paths import lookup
from rarebone.intake.extension import EXTENSION_KEY, read_donors
from rarebone.intake.plausibility import check_patient, check_required, check_types, prune_empty
from rarebone.knowledge import unit_converter
from rarebone.patient import (
    AllelicState, Disease, DoseInterval, Feature, Measurement, Patient, Procedure, Sex, TimePoint, Treatment, Variant,
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
        if path.is_dir():
            out.extend(sorted(p for p in path.rglob("*.json") if p.is_file()))
        elif path.exists():
            out.append(path)
        else:
            raise InputError("no such file or folder", source=str(path))
    return out


def read_phenopacket(path: Path | str) -> IntakeResult:
    path = Path(path)
    raw = read_bytes(path)  # regular files below the size limit only (a FIFO would block)
    if not raw.strip():
        raise PhenopacketError("file is empty", source=str(path))
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise PhenopacketError(
            f"file is not UTF-8 text (byte 0x{raw[exc.start]:02x} at offset {exc.start})", source=str(path)
        ) from None
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise PhenopacketError(f"not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}", source=str(path)) from None
    except RecursionError:
        raise PhenopacketError("JSON nested too deeply", source=str(path)) from None
    try:
        return read_phenopacket_dict(document, source=path.name)
    except InputError as exc:
        exc.source = str(path)
        raise
    except RecursionError:
        raise PhenopacketError("JSON nested too deeply", source=str(path)) from None


def _check_schema(document: dict[str, Any]) -> None:
    from google.protobuf import json_format
    from phenopackets.schema.v2.phenopackets_pb2 import Phenopacket

    try:
        json_format.ParseDict(document, Phenopacket())
    except json_format.ParseError as exc:
        first = str(exc).splitlines()[0]
        match = re.search(r' at "?Phenopacket\.?([^"\s]*?)"?\.*$', first)
        path = "$" + ("." + match.group(1) if match and match.group(1) else "")
        inner = re.split(r"Failed to parse \w+ field: ", first)[-1]
        inner = re.sub(r' at "?Phenopacket[^\s]*$', "", inner).rstrip(". ")
        value = lookup(document, path) if match else None
        raise PhenopacketError(f"does not follow the Phenopacket v2 schema: {inner}", path=path,
                               **({"value": value} if value is not None and not isinstance(value, (dict, list)) else {})) from None


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
    check_types(document)  # finite numbers, bounded depth, before anything reads a value
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
    # null and empty values mean "not given" in protobuf JSON; pruned so the walk below never meets a None
    core = prune_empty({k: v for k, v in document.items() if k != EXTENSION_KEY})
    _check_schema(core)
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
            onset=_time(pf.get("onset"), f"$.phenotypicFeatures[{i}].onset"),
            modifiers=tuple(m.get("id", "") for m in pf.get("modifiers", [])),
            description=pf.get("description"), json_path=f"$.phenotypicFeatures[{i}]",
        ))
    seen = {}
    for f in features:
        if f.hpo_id in seen and seen[f.hpo_id] != f.excluded:
            warnings.append(f"{f.hpo_id} ({f.label}) is recorded both as observed and as excluded; treated as observed")
        seen.setdefault(f.hpo_id, f.excluded)
    features = [f for f in features if not (f.excluded and seen.get(f.hpo_id) is False)]

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
            extensions={k: v for k, v in (extension or {}).items() if k != "donors"},
        )
    warnings += check_patient(patient, today())  # finite values, plausible ages and dates
    return IntakeResult(patient, warnings)


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
                    try:
                        low = converter.to_canonical(spec.key, float(ref.get("low", 0.0)), ref_unit.get("id"), ref_unit.get("label"))
                        high = converter.to_canonical(spec.key, float(ref.get("high", 0.0)), ref_unit.get("id"), ref_unit.get("label"))
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

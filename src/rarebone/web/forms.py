"""The patient form <-> a registry record, with the data dictionary's checks shown beside each field.

Every field goes through ``registry.dictionary.coerce`` (type, range, choices), HPO terms through the ontology,
measurements through the knowledge base's unit converter (stored in the analyte's canonical unit, as the
Phenopacket importer stores them), and the whole record through ``registry.plausibility.check_record`` (fields
against each other). Errors come back keyed by form field name; nothing is stored unless there are none.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from rarebone.errors import RareboneError
from rarebone.registry import dictionary as dd

BLANK_ROWS = 3  # empty rows offered for new HPO terms / measurements (more after saving, or with the Add button)
MAX_ROWS = 500
KEY_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,119}$")
EDITABLE_PATIENT = tuple(f.name for f in dd.FIELDS if f.form == "patient" and f.name not in ("patient_key", "synthetic"))
TRANSPLANT = tuple(f.name for f in dd.FIELDS if f.form == "transplant")
_LOINC = re.compile(r"^(LOINC:)?\d{1,7}-\d$")


@dataclass
class PatientForm:
    """What the template shows: values as typed, rows, and the error beside each field."""

    values: dict[str, str] = field(default_factory=dict)
    phenotypes: list[dict] = field(default_factory=list)  # hpo, label, status, onset
    measurements: list[dict] = field(default_factory=list)  # loinc, value, unit, age, date
    errors: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)  # warnings that do not stop saving (e.g. obsolete id replaced)


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def from_record(record: dict | None) -> PatientForm:
    form = PatientForm()
    if record is None:
        form.phenotypes = [_blank_ph() for _ in range(BLANK_ROWS)]
        form.measurements = [_blank_ms() for _ in range(BLANK_ROWS)]
        return form
    p = record["patient"]
    form.values = {name: _text(p.get(name)) for name in ("patient_key", *EDITABLE_PATIENT)}
    first = (record.get("transplants") or [{}])[0]
    for name in TRANSPLANT:
        form.values[name] = _text(first.get(name.split(".", 1)[1]))
    form.phenotypes = [{"hpo": ph["hpo_id"], "label": ph.get("label") or "",
                        "status": "excluded" if ph.get("excluded") else "present",
                        "onset": _text(ph.get("onset_age_days"))} for ph in record.get("phenotypes", [])]
    form.phenotypes += [_blank_ph() for _ in range(BLANK_ROWS)]
    form.measurements = [{"loinc": ms["assay_id"].removeprefix("LOINC:"), "value": _text(ms.get("value")),
                          "unit": ms.get("unit") or "", "age": _text(ms.get("age_days")),
                          "date": _text(ms.get("measured_on"))} for ms in record.get("measurements", [])]
    form.measurements += [_blank_ms() for _ in range(BLANK_ROWS)]
    return form


def _blank_ph() -> dict:
    return {"hpo": "", "label": "", "status": "present", "onset": ""}


def _blank_ms() -> dict:
    return {"loinc": "", "value": "", "unit": "", "age": "", "date": ""}


def _rows(data, prefix: str, names: tuple[str, ...]) -> list[dict]:
    try:
        count = min(int(data.get(f"{prefix}-count", "0")), MAX_ROWS)
    except ValueError:
        count = 0
    return [{n: str(data.get(f"{prefix}-{i}-{n}", "") or "").strip() for n in names} for i in range(max(count, 0))]


def to_record(data, base: dict | None, *, new: bool) -> tuple[dict | None, PatientForm]:
    """(record, form). The record is None when any field has an error (shown in ``form.errors``). ``base`` is the
    stored record being edited: the parts this form does not show (treatments, later transplants, CNO visits,
    lesions, complications) are kept as they are."""
    form = PatientForm()
    form.values = {name: str(data.get(name, "") or "") for name in ("patient_key", *EDITABLE_PATIENT, *TRANSPLANT)}
    form.phenotypes = _rows(data, "ph", ("hpo", "label", "status", "onset"))
    form.measurements = _rows(data, "ms", ("loinc", "value", "unit", "age", "date"))
    errors = form.errors
    key = (base["patient"]["patient_key"] if base else form.values["patient_key"].strip())
    if new and not KEY_PATTERN.match(key):
        errors["patient_key"] = ("a pseudonymous key: letters, digits, '.', '_', ':' or '-', up to 120 characters "
                                 "(never a name or hospital number)")
    patient: dict = dict(base["patient"]) if base else {"synthetic": False}
    patient["patient_key"] = key
    for name in EDITABLE_PATIENT:
        patient[name] = _coerce(name, form.values[name], errors)
    if patient.get("gene"):
        patient["gene"] = str(patient["gene"]).upper()
    transplant = {name.split(".", 1)[1]: _coerce(name, form.values[name], errors) for name in TRANSPLANT}
    record: dict = {k: list(v) for k, v in (base or {}).items() if k not in ("patient", "_meta")}
    record["patient"] = patient
    transplants = list(record.get("transplants") or [])
    if any(v is not None for v in transplant.values()) or transplants:
        first = dict(transplants[0]) if transplants else {"number": 1}
        first.update(transplant)
        record["transplants"] = [first, *transplants[1:]]
    record["phenotypes"] = _phenotypes(form, errors)
    record["measurements"] = _measurements(form, errors)
    _cross_checks(record, errors)  # also beside other errors: every problem shown at once
    return (None if errors else record), form


def _coerce(name: str, raw: str, errors: dict):
    try:
        return dd.coerce(name, raw, where=name)
    except RareboneError as exc:
        errors[name] = exc.message
        return None


def _phenotypes(form: PatientForm, errors: dict) -> list[dict]:
    from rarebone.phenotype import ontology
    from rarebone.web.hpo_search import resolve_typed

    onto = ontology()
    out, seen = [], set()
    for i, row in enumerate(form.phenotypes):
        typed = row["hpo"] or row["label"]
        if not typed:
            continue
        where = f"ph-{i}-hpo"
        hpo_id = resolve_typed(row["hpo"]) if row["hpo"] else resolve_typed(row["label"])
        if hpo_id is None:
            errors[where] = "not an HPO id or the exact label of one HPO term; choose a term from the suggestions"
            continue
        try:
            term = onto.resolve(hpo_id, None)
        except RareboneError as exc:
            errors[where] = exc.message
            continue
        if not term.usable:
            errors[where] = term.warning or "obsolete term"
            continue
        if term.warning:
            form.notes.append(term.warning)
        row["hpo"], row["label"] = term.hpo_id, term.name
        onset = None
        if row["onset"]:
            try:
                onset = dd.coerce("age_at_onset_days", row["onset"], where=f"ph-{i}-onset")
            except RareboneError as exc:
                errors[f"ph-{i}-onset"] = exc.message
        row["status"] = row["status"] or "present"
        if row["status"] not in ("present", "excluded"):
            errors[f"ph-{i}-status"] = "present or excluded"
        if term.hpo_id in seen:
            errors[where] = "this term is already in the list"
            continue
        seen.add(term.hpo_id)
        out.append({"hpo_id": term.hpo_id, "label": term.name, "excluded": row["status"] == "excluded",
                    "onset_age_days": onset})
    return out


def _measurements(form: PatientForm, errors: dict) -> list[dict]:
    from rarebone.knowledge import unit_converter

    converter = unit_converter()
    out = []
    for i, row in enumerate(form.measurements):
        if not any(row.values()):
            continue
        code = row["loinc"].removeprefix("LOINC:")
        spec = converter.analyte_for_loinc(code)  # LOINC, or one of the knowledge base's own codes (rarebone:...)
        if spec is None and not _LOINC.match(row["loinc"]):
            errors[f"ms-{i}-loinc"] = "a LOINC code such as 718-7"
            continue
        value = unit = None
        if row["value"]:
            try:
                value = float(row["value"])
                if value != value or value in (float("inf"), float("-inf")):
                    raise ValueError
            except ValueError:
                errors[f"ms-{i}-value"] = "not a number"
                continue
            if spec is not None:
                try:
                    value = converter.to_canonical(spec.key, value, row["unit"] or None)
                    unit = spec.canonical_unit
                except RareboneError as exc:
                    errors[f"ms-{i}-unit" if "unit" in exc.message else f"ms-{i}-value"] = exc.message
                    continue
            else:
                if not row["unit"]:
                    errors[f"ms-{i}-unit"] = "give the unit (UCUM, e.g. mg/dL)"
                    continue
                unit = row["unit"][:32]
        age = date = None
        if row["age"]:
            try:
                age = dd.coerce("age_at_onset_days", row["age"], where=f"ms-{i}-age")
            except RareboneError as exc:
                errors[f"ms-{i}-age"] = exc.message
        if row["date"]:
            try:
                date = dd.coerce("birth_date", row["date"], where=f"ms-{i}-date")
            except RareboneError as exc:
                errors[f"ms-{i}-date"] = exc.message
        out.append({"assay_id": code if ":" in code else f"LOINC:{code}", "analyte": spec.key if spec else None, "value": value, "unit": unit,
                    "age_days": age, "measured_on": date})
    return out


_PATH = re.compile(r"^(patient\.(?P<p>\w+)|transplants\[0\]\.(?P<t>\w+)|phenotypes\[(?P<ph>\d+)\]\.\w+|"
                   r"measurements\[(?P<ms>\d+)\]\.\w+)")


def _cross_checks(record: dict, errors: dict) -> None:
    from rarebone.registry.plausibility import check_record

    try:
        check_record(record)
    except RareboneError as exc:
        m = _PATH.match(exc.path or "")
        name = m["p"] if m and m["p"] else (f"transplant.{m['t']}" if m and m["t"] else "_record")
        errors.setdefault(name, exc.message if name != "_record" else str(exc))

"""REDCap: a data dictionary REDCap accepts, and REDCap's flat CSV (raw export/import format) in both directions.

The project has one non-repeating instrument, ``patient``, and seven repeating instruments (``transplants``,
``phenotypes``, ``measurements``, ``treatments``, ``complications``, ``cno_visits``, ``lesions``); one
patient is one REDCap record (``record_id`` = the registry's pseudonymous patient key). In the flat CSV the
patient's own row has empty ``redcap_repeat_instrument`` / ``redcap_repeat_instance``; every repeating row names
its instrument and instance (1, 2, …) and fills only its instrument's fields. Coded fields use numbered
choices (``1, male | 2, female``); the raw codes are what the flat CSV holds. docs/registry.md, "REDCap".

REDCap's rules checked here and in tests/registry/test_redcap.py: the 18 columns in REDCap's order; variable
names lowercase ``[a-z][a-z0-9_]*`` of at most 26 characters, unique, ``record_id`` first; an instrument's fields
together; field types and validation types from REDCap's lists.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Iterator

from rarebone.errors import InputError, RareboneError
from rarebone.registry import dictionary as dd

HEADER = ("Variable / Field Name", "Form Name", "Section Header", "Field Type", "Field Label",
          "Choices, Calculations, OR Slider Labels", "Field Note", "Text Validation Type OR Show Slider Number",
          "Text Validation Min", "Text Validation Max", "Identifier?", "Branching Logic (Show field only if...)",
          "Required Field?", "Custom Alignment", "Question Number (surveys only)", "Matrix Group Name",
          "Matrix Ranking?", "Field Annotation")
FIELD_TYPES = ("text", "notes", "dropdown", "radio", "checkbox", "yesno", "truefalse", "calc", "file", "slider",
               "descriptive", "sql")
VALIDATIONS = ("date_ymd", "date_mdy", "date_dmy", "datetime_ymd", "datetime_seconds_ymd", "number", "integer",
               "email", "phone", "time", "zipcode", "alpha_only")
NAME = re.compile(r"^[a-z][a-z0-9_]*$")
MAX_NAME = 26
REPEAT_INSTRUMENT, REPEAT_INSTANCE = "redcap_repeat_instrument", "redcap_repeat_instance"


@dataclass(frozen=True)
class RcField:
    name: str  # REDCap variable name
    form: str  # instrument
    source: str  # registry column in that part ("patient_key" for record_id)
    kind: str  # text, notes, date, number, integer, yesno, choice
    label: str
    choices: tuple[str, ...] = ()  # registry values; REDCap codes are 1..n (or the value itself when numeric)
    note: str = ""  # unit
    identifier: bool = False

    @property
    def field_type(self) -> str:
        return {"choice": "dropdown", "yesno": "yesno", "notes": "notes"}.get(self.kind, "text")

    @property
    def validation(self) -> str:
        return {"date": "date_ymd", "number": "number", "integer": "integer"}.get(self.kind, "")

    def codes(self) -> list[tuple[str, str]]:
        """(REDCap raw code, registry value). Numeric choices (aGVHD grade) keep their own number."""
        if all(c.isdigit() for c in self.choices):
            return [(c, c) for c in self.choices]
        return [(str(i), c) for i, c in enumerate(self.choices, start=1)]


def _from_dd(name: str, form: str, source: str, label: str | None = None) -> RcField:
    f = dd.BY_NAME[name]
    kind = {"date": "date", "number": "number", "integer": "integer", "yesno": "yesno", "choice": "choice"}.get(f.type, "text")
    if f.type == "integer" and f.choices:
        kind = "choice"
    if name == "notes":
        kind = "notes"
    unit = {"d": "days"}.get(f.unit, f.unit)
    return RcField(name=_rc_name(name), form=form, source=source, kind=kind, label=label or f.text,
                   choices=f.choices, note=unit, identifier=f.identifying and name != "patient_key")


# Variable names longer than REDCap allows, or clashing across instruments, get a short name here.
_RENAME = {"patient_key": "record_id", "followup_days_from_diagnosis": "fu_days_from_diagnosis",
           "transplant.neutrophil_engraftment_day": "tx_anc_engraftment_day",
           "transplant.platelet_engraftment_day": "tx_plt_engraftment_day",
           "transplant.age_at_transplant_days": "tx_age_days", "transplant.transplant_date": "tx_date"}


def _rc_name(name: str) -> str:
    if name in _RENAME:
        return _RENAME[name]
    return "tx_" + name.split(".", 1)[1] if name.startswith("transplant.") else name


PATIENT = tuple(_from_dd(n, "patient", n) for n in dd.PATIENT_FIELDS)
TRANSPLANTS = tuple(_from_dd(f"transplant.{n}", "transplants", n) for n in dd.TRANSPLANT_FIELDS)
_D = "days"
OTHERS = (
    RcField("hpo_id", "phenotypes", "hpo_id", "text", "HPO term id (HP:0000000)"),
    RcField("hpo_label", "phenotypes", "label", "text", "HPO term label"),
    RcField("hpo_excluded", "phenotypes", "excluded", "yesno", "Feature looked for and excluded"),
    RcField("hpo_onset_age_days", "phenotypes", "onset_age_days", "number", "Age at onset", note=_D),
    RcField("ms_assay_id", "measurements", "assay_id", "text", "Assay (LOINC id)"),
    RcField("ms_analyte", "measurements", "analyte", "text", "Analyte (rarebone key)"),
    RcField("ms_value", "measurements", "value", "number", "Value"),
    RcField("ms_unit", "measurements", "unit", "text", "Unit (UCUM)"),
    RcField("ms_age_days", "measurements", "age_days", "number", "Age when measured", note=_D),
    RcField("ms_date", "measurements", "measured_on", "date", "Date measured", identifier=True),
    RcField("rx_agent_id", "treatments", "agent_id", "text", "Agent (ontology id)"),
    RcField("rx_agent_label", "treatments", "agent_label", "text", "Agent name"),
    RcField("rx_route", "treatments", "route", "text", "Route of administration"),
    RcField("rx_cumulative_dose", "treatments", "cumulative_dose", "number", "Cumulative dose"),
    RcField("rx_cumulative_dose_unit", "treatments", "cumulative_dose_unit", "text", "Unit of the cumulative dose"),
    RcField("cx_kind", "complications", "kind", "text", "Complication (e.g. vod, cmv, ebv)"),
    RcField("cx_day", "complications", "day", "number", "Study day (from transplant)", note=_D),
    RcField("cv_visit_date", "cno_visits", "visit_date", "date", "Visit date", identifier=True),
    RcField("cv_age_days", "cno_visits", "age_days", "number", "Age at the visit", note=_D),
    RcField("cv_pain_vas", "cno_visits", "pain_vas_0_10", "number", "Pain VAS (0-10)"),
    RcField("cv_physician_global", "cno_visits", "physician_global_0_10", "number", "Physician global (0-10)"),
    RcField("cv_crp_mg_per_l", "cno_visits", "crp_mg_per_l", "number", "CRP", note="mg/L"),
    RcField("cv_esr_mm_per_h", "cno_visits", "esr_mm_per_h", "number", "ESR", note="mm/h"),
    RcField("cv_active_lesions", "cno_visits", "active_lesions", "integer", "Active lesions"),
    RcField("les_site", "lesions", "site", "text", "Lesion site (e.g. femur, tibia)"),
    RcField("les_status", "lesions", "status", "choice", "Lesion status",
            choices=("active", "new", "resolved", "improved", "stable", "progressed", "recurred")),
    RcField("les_first_seen_age_days", "lesions", "first_seen_age_days", "number", "Age first seen", note=_D),
)
FIELDS: tuple[RcField, ...] = (*PATIENT, *TRANSPLANTS, *OTHERS)
# record part (registry) -> instrument; the order is the order of the instruments in the dictionary
INSTRUMENTS = {"patient": "patient", "transplants": "transplants", "phenotypes": "phenotypes",
               "measurements": "measurements", "treatments": "treatments", "complications": "complications",
               "cno_visits": "cno_visits", "lesions": "lesions"}
REPEATING = tuple(i for i in INSTRUMENTS.values() if i != "patient")
# The flat list fields of the rarebone dictionary have no place in REDCap: their data are repeating instruments.
_BY_FORM = {form: [f for f in FIELDS if f.form == form] for form in INSTRUMENTS.values()}


def _choices_text(f: RcField) -> str:
    return " | ".join(f"{code}, {value}" for code, value in f.codes())


def dictionary_csv() -> str:
    """The data dictionary, ready for REDCap's Data Dictionary upload."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(HEADER)
    for f in FIELDS:
        annotation = f"rarebone: {f.form if f.form != 'patient' else 'patient'}.{f.source}"
        writer.writerow([f.name, f.form, "", f.field_type, f.label, _choices_text(f) if f.kind == "choice" else "",
                         f.note, f.validation, "", "", "y" if f.identifier else "", "", "", "", "", "", "", annotation])
    return out.getvalue()


def repeating_instruments_csv() -> str:
    """REDCap's "upload repeating instruments" CSV (form_name, custom_form_label) for these instruments."""
    return "form_name,custom_form_label\n" + "".join(f"{form},\n" for form in REPEATING)


# ---------------------------------------------------------------- the flat CSV (REDCap's raw export format)

def _columns() -> list[str]:
    cols = ["record_id", REPEAT_INSTRUMENT, REPEAT_INSTANCE]
    for form, fields in _BY_FORM.items():
        cols += [f.name for f in fields if f.name != "record_id"] + [f"{form}_complete"]
    return cols


def _out(f: RcField, value) -> str:
    if value is None or value == "":
        return ""
    if f.kind == "yesno":
        return "1" if value else "0"
    if f.kind == "choice":
        by_value = {v: c for c, v in f.codes()}
        return by_value.get(str(value), str(value))
    if f.kind == "date":
        return str(value)[:10]
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    return str(value)


def to_flat_csv(records: Iterable[dict]) -> str:
    """REDCap's flat CSV: one row for the patient instrument, one per repeating instance (status 2 = complete)."""
    cols = _columns()
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=cols, lineterminator="\n")
    writer.writeheader()
    for record in records:
        key = record["patient"]["patient_key"]
        row = {"record_id": key, "patient_complete": "2"}
        for f in _BY_FORM["patient"]:
            if f.name != "record_id":
                row[f.name] = _out(f, record["patient"].get(f.source))
        writer.writerow(row)
        for part, form in INSTRUMENTS.items():
            if part == "patient":
                continue
            for instance, item in enumerate(record.get(part) or [], start=1):
                row = {"record_id": key, REPEAT_INSTRUMENT: form, REPEAT_INSTANCE: str(instance),
                       f"{form}_complete": "2"}
                for f in _BY_FORM[form]:
                    row[f.name] = _out(f, item.get(f.source))
                writer.writerow(row)
    return out.getvalue()


def _in(f: RcField, raw: str, where: str):
    raw = (raw or "").strip()
    if raw == "":
        return None
    try:
        if f.kind == "yesno":
            if raw not in ("0", "1"):
                raise ValueError
            return raw == "1"
        if f.kind == "choice":
            codes = dict(f.codes())
            if raw not in codes:
                raise InputError(f"not a choice code ({_choices_text(f)})", path=where, value=raw)
            value = codes[raw]
            return int(value) if f.source in ("agvhd_grade", "hla_total") else value
        if f.kind == "date":
            return dt.date.fromisoformat(raw)
        if f.kind == "integer":
            return int(raw)
        if f.kind == "number":
            return float(raw)
    except ValueError:
        expected = {"yesno": "0 or 1", "date": "a date YYYY-MM-DD", "integer": "an integer",
                    "number": "a number"}[f.kind]
        raise InputError(f"must be {expected}", path=where, value=raw) from None
    return raw


def flat_csv_items(path: Path) -> Iterator[tuple[str, Any]]:
    """Read REDCap's flat CSV into registry records, one per record_id. A bad cell rejects its record (naming
    file, row and column); an unknown column rejects the file."""
    by_name = {f.name: f for f in FIELDS}
    known = set(_columns())
    with open(path, newline="", encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle)
        header = reader.fieldnames or []
        if not header or header[0] != "record_id":
            raise InputError("a REDCap flat CSV starts with the column record_id", source=str(path),
                             path="column 1", value=header[0] if header else "")
        unknown = [c for c in header if c not in known]
        if unknown:
            raise InputError("column is not in the rarebone REDCap dictionary (`rarebone registry dictionary "
                             "--format redcap`)", source=str(path), path=f"column {unknown[0]!r}")
        current: dict | None = None
        first_row = 0
        error: RareboneError | None = None
        for number, row in enumerate(reader, start=2):
            key = (row.get("record_id") or "").strip()
            where = f"{path.name} row {number}"
            if current is None or key != current["patient"].get("patient_key"):
                if current is not None:
                    yield f"{path.name} row {first_row}", error or current
                current, first_row, error = {"patient": {"patient_key": key}}, number, None
                if not key:
                    error = InputError("record_id is empty", path=f"{where}, column 'record_id'")
            if error is not None:
                continue
            try:
                _read_row(row, current, by_name, where)
            except RareboneError as exc:
                error = exc
        if current is not None:
            yield f"{path.name} row {first_row}", error or current


def _read_row(row: dict, record: dict, by_name: dict[str, RcField], where: str) -> None:
    form = (row.get(REPEAT_INSTRUMENT) or "").strip()
    instance = (row.get(REPEAT_INSTANCE) or "").strip()
    if form and form not in REPEATING:
        raise InputError(f"not a repeating instrument ({', '.join(REPEATING)})",
                         path=f"{where}, column {REPEAT_INSTRUMENT!r}", value=form)
    form = form or "patient"
    if form != "patient" and not instance.isdigit():
        raise InputError("must be a positive integer", path=f"{where}, column {REPEAT_INSTANCE!r}", value=instance)
    values = {}
    for name, raw in row.items():
        if name in ("record_id", REPEAT_INSTRUMENT, REPEAT_INSTANCE) or name.endswith("_complete"):
            continue
        f = by_name[name]
        value = _in(f, raw, f"{where}, column {name!r}")
        if value is None:
            continue
        if f.form != form:
            raise InputError(f"belongs to instrument {f.form!r}, not to this {form!r} row",
                             path=f"{where}, column {name!r}", value=raw)
        values[f.source] = value
    if form == "patient":
        record["patient"].update(values)
        return
    part = next(p for p, i in INSTRUMENTS.items() if i == form)
    if part == "transplants":
        values["number"] = int(instance)
    record.setdefault(part, []).append(values)

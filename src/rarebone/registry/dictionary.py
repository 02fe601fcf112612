"""The data dictionary: every field of the flat registry CSV (name, form, type, unit, choices, text); REDCap's own format is in redcap.py.

The flat CSV has one row per patient: patient fields, the first transplant's fields as ``transplant.<name>``,
and three lists (``hpo_terms``, ``complications``, ``cno_lesions``) written ``a;b;c``. The same fields name the
targets of a mapping file and the variables of ``rarebone report --cohort/--by``.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
from dataclasses import dataclass

from rarebone.core import clock, limits
from rarebone.core.limits import MAX_CELL_CHARS, MAX_NUMBER
from rarebone.errors import InputError
from rarebone.report.csv_safe import safe_row


@dataclass(frozen=True)
class Field:
    name: str
    form: str  # patient, transplant, lists
    type: str  # text, integer, number, date, yesno, choice, list
    unit: str = ""
    choices: tuple[str, ...] = ()
    text: str = ""
    identifying: bool = False  # replaced or dropped by the research export


DONOR_RELATIONS = ("father", "mother", "parent", "sibling", "other_relative", "unrelated", "cord_blood")
DONOR_TYPES = ("matched_sibling", "matched_related", "matched_unrelated", "mismatched_unrelated", "haploidentical",
               "cord_blood")
DIAGNOSES = ("MIOP", "IOP", "ADO", "osteopetrosis_other", "CNO", "CRMO", "other")

FIELDS: tuple[Field, ...] = (
    Field("patient_key", "patient", "text", text="Pseudonymous patient id (never a name or hospital number)",
          identifying=True),
    Field("synthetic", "patient", "yesno", text="Record made by the demo generator (SYNTHETIC)"),
    Field("sex", "patient", "choice", choices=("male", "female", "other", "unknown"), text="Sex"),
    Field("birth_date", "patient", "date", text="Date of birth (YYYY-MM-DD)", identifying=True),
    Field("diagnosis", "patient", "choice", choices=DIAGNOSES, text="Diagnosis group"),
    Field("diagnosis_term", "patient", "text", text="Diagnosis ontology id (OMIM:, MONDO:, ORPHA:)"),
    Field("gene", "patient", "text", text="Causative gene symbol (HGNC)"),
    Field("genotype", "patient", "choice",
          choices=("homozygous", "compound_heterozygous", "heterozygous", "hemizygous", "not_tested", "unknown"),
          text="Allelic state of the causative gene"),
    Field("age_at_onset_days", "patient", "number", "d", text="Age at first symptom"),
    Field("age_at_diagnosis_days", "patient", "number", "d", text="Age at diagnosis"),
    Field("vital_status", "patient", "choice", choices=("alive", "dead"), text="Vital status at last contact"),
    Field("cause_of_death", "patient", "text", text="Cause of death (coded text)"),
    Field("death_date", "patient", "date", text="Date of death", identifying=True),
    Field("last_contact_date", "patient", "date", text="Date of last contact", identifying=True),
    Field("followup_days_from_diagnosis", "patient", "number", "d", text="Diagnosis to last contact or death"),
    Field("notes", "patient", "text", text="Free text (dropped by the research export)", identifying=True),
    Field("transplant.transplant_date", "transplant", "date", text="Day 0 (stem-cell infusion)", identifying=True),
    Field("transplant.age_at_transplant_days", "transplant", "number", "d", text="Age at day 0"),
    Field("transplant.donor_relation", "transplant", "choice", choices=DONOR_RELATIONS, text="Donor's relation"),
    Field("transplant.donor_type", "transplant", "choice", choices=DONOR_TYPES, text="Donor type"),
    Field("transplant.hla_matched", "transplant", "integer", "alleles", text="Matched HLA alleles"),
    Field("transplant.hla_total", "transplant", "integer", "alleles", choices=("6", "8", "10", "12"),
          text="HLA alleles compared (denominator)"),
    Field("transplant.abo_matched", "transplant", "yesno", text="Donor and recipient ABO identical"),
    Field("transplant.graft_source", "transplant", "choice",
          choices=("bone_marrow", "peripheral_blood", "bone_marrow+peripheral_blood", "cord_blood"), text="Graft"),
    Field("transplant.conditioning", "transplant", "text", text="Conditioning regimen (e.g. Flu/Bu/Cy+ATG)"),
    Field("transplant.mnc_10e8_per_kg", "transplant", "number", "10^8/kg", text="Mononuclear cells infused"),
    Field("transplant.cd34_10e6_per_kg", "transplant", "number", "10^6/kg", text="CD34+ cells infused"),
    Field("transplant.neutrophil_engraftment_day", "transplant", "number", "d", text="Neutrophil engraftment day"),
    Field("transplant.platelet_engraftment_day", "transplant", "number", "d", text="Platelet engraftment day"),
    Field("transplant.graft_failure", "transplant", "choice", choices=("none", "primary", "secondary"),
          text="Graft failure"),
    Field("transplant.graft_failure_day", "transplant", "number", "d", text="Day graft failure was declared"),
    Field("transplant.agvhd_grade", "transplant", "integer", choices=("0", "1", "2", "3", "4"),
          text="Maximum acute GVHD grade (MAGIC)"),
    Field("transplant.agvhd_day", "transplant", "number", "d", text="Onset day of acute GVHD grade >= 1"),
    Field("transplant.cgvhd", "transplant", "choice", choices=("none", "mild", "moderate", "severe", "present"),
          text="Chronic GVHD (NIH 2014 global severity; present = severity not recorded)"),
    Field("transplant.cgvhd_day", "transplant", "number", "d", text="Onset day of chronic GVHD"),
    Field("transplant.followup_days", "transplant", "number", "d", text="Day 0 to last contact or death"),
    Field("hpo_terms", "lists", "list", text="Observed HPO terms, e.g. HP:0011001;HP:0000648"),
    Field("complications", "lists", "list", text="Complications as kind@day, e.g. vod@12;cmv@30"),
    Field("cno_lesions", "lists", "list", text="CNO lesions as site:status (status: active, new, resolved, improved, stable, progressed or recurred), e.g. femur:active;tibia:resolved"),
)
BY_NAME = {f.name: f for f in FIELDS}
PATIENT_FIELDS = tuple(f.name for f in FIELDS if f.form == "patient")
TRANSPLANT_FIELDS = tuple(f.name.split(".", 1)[1] for f in FIELDS if f.form == "transplant")


def to_csv() -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["field_name", "form", "field_type", "unit", "choices", "field_label", "identifying"])
    for f in FIELDS:
        writer.writerow(safe_row([f.name, f.form, f.type, f.unit, " | ".join(f.choices), f.text, "y" if f.identifying else ""]))
    return out.getvalue()


def to_markdown() -> str:
    lines = ["| field | form | type | unit | choices | meaning |", "|---|---|---|---|---|---|"]
    for f in FIELDS:
        lines.append(f"| `{f.name}` | {f.form} | {f.type} | {f.unit} | {', '.join(f.choices)} | {f.text} |")
    return "\n".join(lines) + "\n"


def _date(raw) -> dt.date:
    """YYYY-MM-DD, or a date-time (Excel writes ``2020-01-01 00:00:00``); ``2020-01-01garbage`` is not a date."""
    if isinstance(raw, dt.datetime):
        return raw.date()
    if isinstance(raw, dt.date):
        return raw
    text = str(raw).strip()
    if len(text) > 10:
        return dt.datetime.fromisoformat(text.replace("Z", "+00:00")).date()
    return dt.date.fromisoformat(text)


_TRUE = {"1", "yes", "y", "true", "t"}
_FALSE = {"0", "no", "n", "false", "f"}


def coerce(name: str, raw, *, where: str):
    """Turn one cell into the field's type. Empty is None. Anything else wrong is an InputError at ``where``."""
    f = BY_NAME[name]
    if raw is None or (isinstance(raw, float) and raw != raw):
        return None
    if isinstance(raw, str):
        raw = raw.strip()
        if raw == "":
            return None
    try:
        if f.type == "text":
            text = str(raw)
            if len(text) > MAX_CELL_CHARS:
                raise InputError(f"longer than {MAX_CELL_CHARS} characters", path=where, value=text[:20] + "...")
            return text
        if f.type == "integer":
            value = float(raw)
            if not math.isfinite(value) or value != int(value) or abs(value) > MAX_NUMBER:
                raise ValueError
            value = int(value)
        elif f.type == "number":
            value = float(raw)
            if not math.isfinite(value) or value < 0:
                raise ValueError
            # days are ages or durations (0-120 years); other numbers (cell doses) only need a plausible size
            limits.finite(value, path=where, low=0, high=limits.MAX_AGE_DAYS if f.unit == "d" else MAX_NUMBER)
        elif f.type == "date":
            return limits.record_date(_date(raw), clock.today(), path=where)
        elif f.type == "yesno":
            if isinstance(raw, bool):
                return raw
            text = str(raw).lower()
            if text.endswith(".0"):
                text = text[:-2]
            if text in _TRUE:
                return True
            if text in _FALSE:
                return False
            raise ValueError
        elif f.type == "choice":
            value = str(raw)
            if value not in f.choices:
                raise InputError(f"must be one of {', '.join(f.choices)}", path=where, value=raw)
            return value
        elif f.type == "list":
            return [part.strip() for part in str(raw).split(";") if part.strip()]
        else:  # pragma: no cover
            raise ValueError
    except (ValueError, TypeError, OverflowError):
        raise InputError(f"not a valid {f.type}", path=where, value=raw) from None
    if f.choices and str(value) not in f.choices:
        raise InputError(f"must be one of {', '.join(f.choices)}", path=where, value=raw)
    return value

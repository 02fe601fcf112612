"""Typed models of the ``rareboneExtensions`` block of a Phenopacket (docs/phenopacket-extension.md,
docs/transplant-monitoring.md, docs/cno-extension.md), written to match what the readers consume today:
donors (rarebone.intake.extension.read_donors), transplant (rarebone.workflows.monitor.read_extension) and cno
(rarebone.cno.record.read_cno_record).

They check the shape at intake (field names, JSON types, fixed vocabularies) and publish it as JSON Schema
(``rarebone schema extension``, ``extension-donors``, ``extension-transplant``, ``extension-cno``). Checks that
need the knowledge base (CNO sites and scales, plausibility ranges) stay in those readers, which run afterwards.
Strict mode: "yes" is not true and "12" is not a number, as in the readers.
"""

from __future__ import annotations

import typing
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, RootModel, ValidationError
from pydantic.alias_generators import to_camel

from rarebone.errors import InputError

# a calendar date or a timestamp that starts with one (the readers take the first 10 characters / parse it)
DATE = r"^\d{4}-\d{2}-\d{2}"
HLA = r"^\s*\d{1,2}\s*/\s*\d{1,2}\s*$"
_PATTERN_WORDS = {DATE: "YYYY-MM-DD", HLA: "10/10, 9/10, 5/10, 8/8 or 6/6"}
Date = Field(pattern=DATE, description="YYYY-MM-DD (a timestamp starting with the date is accepted)")


class _Block(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, alias_generator=to_camel, populate_by_name=True,
                              frozen=True)


# --- donors: rarebone.intake.extension.read_donors ------------------------------------------------------------
class DonorEntry(_Block):
    """One candidate stem-cell donor."""

    id: str | int | None = Field(None, description="Donor id; default donor-N.")
    relation: Literal["sibling", "father", "mother", "parent", "other_relative", "unrelated", "cord_blood"]
    hla_match: str | None = Field(None, pattern=HLA,
                                  description="Matched alleles out of 6, 8, 10 or 12, e.g. 10/10, 5/10.")
    abo_compatible: bool | None = None
    carrier: bool | None = Field(None, description="Heterozygous carrier of the child's variant.")
    affected: bool | None = None
    graft_source: Literal["bone_marrow", "peripheral_blood", "cord_blood"] | None = None
    age_years: float | None = Field(None, ge=0)
    sex: str | None = None
    cmv_seropositive: bool | None = None
    note: str | None = None
    genotype: str | None = Field(None, description="The sibling's genotype status (values: docs/phenopacket-extension.md).")
    availability: str | None = Field(None, description="Whether the donor can be collected now (values: "
                                                       "docs/phenopacket-extension.md).")
    expected_days_to_transplant: float | None = Field(None, ge=0, description="The centre's own estimate in days.")


class DonorsBlock(RootModel[list[DonorEntry]]):
    """``rareboneExtensions.donors``: the candidate donors of the child."""


# --- transplant: rarebone.workflows.monitor.read_extension ----------------------------------------------------
class AcuteGvhdDay(_Block):
    """Clinical acute-GVHD staging inputs of one day (MAGIC)."""

    date: str = Date
    skin_rash_bsa_pct: float | None = Field(None, ge=0, le=100)
    bullae_desquamation_bsa_pct: float | None = Field(None, ge=0, le=100)
    upper_gi_persistent: bool | None = None
    lower_gi_severe: bool | None = None
    stool_episodes_per_day: float | None = Field(None, ge=0)
    liver_attributed_to_gvhd: bool | None = None


CgvhdOrgan = Literal["skin", "mouth", "eyes", "gi", "liver", "lungs", "joints", "genital"]


class ChronicGvhdAssessment(_Block):
    """NIH 2014 organ scores (0-3; null = not assessed) on one date."""

    date: str = Date
    # strict int: true is not a score of 1
    scores: dict[CgvhdOrgan, Annotated[int, Field(ge=0, le=3)] | None] = Field(default_factory=dict)


class LiverDay(_Block):
    """Clinical liver findings of one day (VOD criteria)."""

    date: str = Date
    hepatomegaly: bool | None = None
    ruq_pain: bool | None = None
    ascites: Literal["none", "minimal", "moderate", "paracentesis"] | None = None
    refractory_thrombocytopenia: bool | None = None
    alt_times_uln: float | None = Field(None, ge=0)


class CmvThreshold(_Block):
    """The centre's CMV PCR threshold (docs/transplant-monitoring.md); copies/mL and IU/mL are never converted."""

    value: float = Field(gt=0)
    unit: str = Field(min_length=1)
    specimen: Literal["plasma", "whole blood"] | None = None
    assay: str | None = None


class TransplantSettings(_Block):
    """Centre settings: the CMV threshold, the TA-TMA criteria version, reference limits when the lab gives none."""

    cmv_threshold: CmvThreshold | None = None
    tma_criteria: str | None = None
    ldh_upper_limit_u_l: float | None = Field(None, ge=0, alias="ldhUpperLimitUL")
    sc5b9_upper_limit_ng_ml: float | None = Field(None, ge=0, alias="sc5b9UpperLimitNgMl")
    haptoglobin_lower_limit_g_l: float | None = Field(None, ge=0, alias="haptoglobinLowerLimitGL")
    indirect_bilirubin_upper_limit_umol_l: float | None = Field(None, ge=0, alias="indirectBilirubinUpperLimitUmolL")
    reticulocytes_upper_limit_pct: float | None = Field(None, ge=0, alias="reticulocytesUpperLimitPct")


class TransplantFinding(_Block):
    """Bedside findings of one day that labs do not carry (blood-pressure centile, transfusion, TMA biopsy)."""

    date: str = Date
    bp_centile: float | None = Field(None, ge=0, le=100)
    red_cell_transfusion: bool | None = None
    tma_biopsy: bool | None = None


class TransplantEvent(_Block):
    """A recorded complication event (pulmonary haemorrhage)."""

    date: str = Date
    type: Literal["pulmonary_haemorrhage"]
    detail: str | None = None


class TransplantBlock(_Block):
    """``rareboneExtensions.transplant``: bedside observations after HSCT that Phenopacket v2 has no place for."""

    baseline_weight_kg: float | None = Field(None, gt=0)
    gvhd: list[AcuteGvhdDay] = Field(default_factory=list)
    cgvhd: list[ChronicGvhdAssessment] = Field(default_factory=list)
    liver: list[LiverDay] = Field(default_factory=list)
    settings: TransplantSettings | None = None
    findings: list[TransplantFinding] = Field(default_factory=list)
    events: list[TransplantEvent] = Field(default_factory=list)


# --- cno: rarebone.cno.record.read_cno_record -----------------------------------------------------------------
class CnoWorkup(_Block):
    test: str = Field(min_length=1)
    result: Literal["negative", "positive"]
    date: str | None = Field(None, pattern=DATE)
    shows: str | None = None
    note: str | None = None


# a score on the block's pgaScale: a number, or a level name on an ordinal scale
Score = float | str | None


class CnoVisit(_Block):
    date: str = Date
    label: str | None = None
    pga: Score = Field(None, description="On the scale named by pgaScale (required when a PGA is given).")
    patient_pain: Score = Field(None, description="NRS 0-10.")
    patient_global: Score = Field(None, description="NRS 0-10.")
    chaq: Score = Field(None, description="CHAQ 0-3.")
    note: str | None = None


class CnoLesion(_Block):
    site: str = Field(min_length=1, description="A key of the cno_site vocabulary (docs/cno-extension.md).")
    side: Literal["left", "right"] | None = Field(None, description="Required for paired sites, absent otherwise.")
    part: str | None = None
    present: bool = True
    size_mm: float | None = Field(None, ge=0)
    intensity: Literal["none", "mild", "moderate", "marked"] | None = None
    symptomatic: bool | None = None
    marginal_sclerosis: bool | None = None
    note: str | None = None


class CnoImagingStudy(_Block):
    date: str = Date
    modality: Literal["xray", "mri", "wbmri", "ct", "scintigraphy", "pet_ct"]
    lesions: list[CnoLesion] = Field(default_factory=list)
    note: str | None = None


class CnoBlockInput(_Block):
    """``rareboneExtensions.cno``: CNO visits, imaging with lesions, work-up results and flags."""

    pga_scale: str | None = Field(None, description="Key of a CNO PGA scale in the knowledge base.")
    flags: dict[str, bool] = Field(default_factory=dict)
    workup: list[CnoWorkup] = Field(default_factory=list)
    visits: list[CnoVisit] = Field(default_factory=list)
    imaging: list[CnoImagingStudy] = Field(default_factory=list)
    note: str | None = None


# --- the whole block ------------------------------------------------------------------------------------------
class RareboneExtensions(_Block):
    """``rareboneExtensions``: the one namespaced top-level key rarebone adds to a Phenopacket v2."""

    donors: list[DonorEntry] = Field(default_factory=list)
    transplant: TransplantBlock | None = None
    cno: CnoBlockInput | None = None
    registry: dict[str, Any] | None = Field(
        None, description="Registry fields (patient, transplants, outcomes...), validated by the registry "
        "importer (rarebone.registry.importers) against the data dictionary: `rarebone registry dictionary`.")


# pydantic names union members and constraints in the location; a JSON path has only keys and indices
_NOT_A_KEY = {"float", "int", "str", "bool", "none", "list", "dict", "nullable"}


def json_path(loc: tuple, base: str) -> str:
    path = base
    for part in loc:
        if isinstance(part, int):
            path += f"[{part}]"
        elif part in _NOT_A_KEY or "[" in part or part.startswith("function-") or part.startswith("constrained-"):
            continue
        else:
            path += f".{part}"
    return path


def validate_extensions(block: Any) -> RareboneExtensions | None:
    """Check ``rareboneExtensions`` against the models; the first problem as one InputError naming its JSON path."""
    if block is None:
        return None
    try:
        return RareboneExtensions.model_validate(block)
    except ValidationError as error:
        first = error.errors(include_url=False)[0]
        message = _message(first)
        path = json_path(first["loc"], "$.rareboneExtensions")
        value = first.get("input")
        if first["type"] == "missing" or not isinstance(value, (str, int, float, bool, type(None))):
            raise InputError(message, path=path) from None  # the input is the parent object: naming it says nothing
        raise InputError(message, path=path, value=value) from None


def _message(error: dict) -> str:
    """The readers' wording (\"must be true or false\", \"unknown donor field (known: ...)\") for pydantic's errors."""
    kind, loc, ctx = error["type"], error["loc"], error.get("ctx") or {}
    keys = [p for p in loc if isinstance(p, str) and p not in _NOT_A_KEY and "[" not in p]
    key = keys[-1] if keys else "value"
    if kind == "bool_type":
        return "must be true or false"
    if kind in ("float_type", "float_parsing", "int_type", "int_parsing"):
        return "must be a number" if kind.startswith("float") else "must be a whole number"
    if kind == "literal_error":
        return f"{key} must be one of {str(ctx.get('expected', '')).replace(chr(39), '')}"
    if kind == "string_pattern_mismatch":
        return f"{key} must look like {_PATTERN_WORDS.get(ctx.get('pattern'), ctx.get('pattern'))}"
    if kind == "extra_forbidden":
        model = _model_at(loc[:-1])
        noun = "donor " if keys[:1] == ["donors"] and len(keys) == 2 else ""
        known = sorted(f.alias or n for n, f in model.model_fields.items()) if model else []
        return f"unknown {noun}field" + (f" (known: {', '.join(known)})" if known else "")
    if kind in ("model_type", "dict_type"):
        return "must be a JSON object"
    if kind == "list_type":
        return "must be a list"
    if kind == "missing":
        return "required field missing"
    return error["msg"]


def _model_at(loc: tuple) -> type[BaseModel] | None:
    """The model class that the location points into (for the list of known fields)."""
    model: type[BaseModel] | None = RareboneExtensions
    for part in loc:
        if isinstance(part, int) or model is None:
            continue
        field = next((f for n, f in model.model_fields.items() if (f.alias or n) == part), None)
        if field is None:
            return None
        model = _first_model(field.annotation)
    return model


def _first_model(annotation) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in typing.get_args(annotation):
        found = _first_model(arg)
        if found is not None:
            return found
    return None

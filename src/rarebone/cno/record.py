"""The CNO extension block of a Phenopacket (``rareboneExtensions.cno``, docs/cno-extension.md), validated
into frozen values. Every error names the JSON path of the bad field."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from rarebone.errors import ImplausibleValueError, InputError
from rarebone.knowledge import KnowledgeBase
from rarebone.knowledge.kinds.cno import CnoPgaScale, CnoSite

BASE = "$.rareboneExtensions.cno"
MODALITIES = ("xray", "mri", "wbmri", "ct", "scintigraphy", "pet_ct")
WHOLE_BODY = ("wbmri", "scintigraphy", "pet_ct")
INTENSITIES = ("none", "mild", "moderate", "marked")
SIDES = ("left", "right")
TEST_RESULTS = ("negative", "positive")
_TOP = {"pgaScale", "flags", "workup", "visits", "imaging", "note"}
_VISIT = {"date", "label", "pga", "patientPain", "patientGlobal", "chaq", "note"}
_STUDY = {"date", "modality", "lesions", "note"}
_LESION = {"site", "side", "part", "present", "sizeMm", "intensity", "symptomatic", "marginalSclerosis", "note"}
_WORKUP = {"test", "result", "date", "shows", "note"}


@dataclass(frozen=True, slots=True)
class Visit:
    date: dt.date
    label: str
    pga: float | None
    patient_pain: float | None
    patient_global: float | None
    chaq: float | None
    json_path: str


@dataclass(frozen=True, slots=True)
class LesionObservation:
    site: str
    side: str | None
    part: str | None
    present: bool
    size_mm: float | None
    intensity: str | None
    symptomatic: bool | None
    marginal_sclerosis: bool | None
    json_path: str

    @property
    def key(self) -> str:
        return "/".join(x for x in (self.site, self.part, self.side) if x)


@dataclass(frozen=True, slots=True)
class ImagingStudy:
    date: dt.date
    modality: str
    lesions: tuple[LesionObservation, ...]
    json_path: str

    @property
    def whole_body(self) -> bool:
        return self.modality in WHOLE_BODY


@dataclass(frozen=True, slots=True)
class WorkupResult:
    test: str
    result: str
    date: dt.date | None
    shows: str | None
    json_path: str


@dataclass(frozen=True, slots=True)
class CnoRecord:
    pga_scale: str | None
    flags: dict[str, bool]
    workup: tuple[WorkupResult, ...]
    visits: tuple[Visit, ...]
    studies: tuple[ImagingStudy, ...]

    @property
    def has_imaging(self) -> bool:
        return bool(self.studies)


EMPTY = CnoRecord(None, {}, (), (), ())


def _date(value: Any, path: str) -> dt.date:
    if not isinstance(value, str) or not value:
        raise InputError("a date (YYYY-MM-DD) is required", path=path, value=value)
    try:
        return dt.date.fromisoformat(value[:len("YYYY-MM-DD")])
    except ValueError:
        raise InputError("not a date of the form YYYY-MM-DD", path=path, value=value) from None


def _number(value: Any, path: str) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise InputError("must be a number", path=path, value=value)
    return float(value)


def _bool(value: Any, path: str) -> bool | None:
    if value is None or isinstance(value, bool):
        return value
    raise InputError("must be true or false", path=path, value=value)


def _object(value: Any, path: str, known: set[str]) -> dict:
    if not isinstance(value, dict):
        raise InputError("must be a JSON object", path=path, value=type(value).__name__)
    unknown = sorted(set(value) - known)
    if unknown:
        raise InputError(f"unknown field (known: {', '.join(sorted(known))})", path=f"{path}.{unknown[0]}", value=unknown[0])
    return value


def _list(value: Any, path: str) -> list:
    if value is None:
        return []
    if not isinstance(value, list):
        raise InputError("must be a list", path=path, value=type(value).__name__)
    return value


def scale_bounds(kb: KnowledgeBase, key: str, path: str) -> CnoPgaScale:
    scales = {e.key: e for e in kb.of_kind(CnoPgaScale)}
    if key not in scales:
        raise InputError(f"unknown scale (known: {', '.join(sorted(scales))})", path=path, value=key)
    return scales[key]


def _scored(value: Any, scale: CnoPgaScale, path: str) -> float | None:
    if value is None:
        return None
    if scale.kind == "ordinal":
        if isinstance(value, str) and value in scale.levels:
            return float(scale.levels.index(value))
        raise InputError(f"must be one of {', '.join(scale.levels)} on scale {scale.key}", path=path, value=value)
    number = _number(value, path)
    if not scale.low <= number <= scale.high:
        raise ImplausibleValueError(f"outside the {scale.key} scale ({scale.low:g} to {scale.high:g})", path=path, value=value)
    return number


def read_cno_record(raw: Any, kb: KnowledgeBase) -> CnoRecord:
    """Validate ``patient.extensions['cno']``. InputError names the field; nothing is guessed."""
    if raw is None:
        return EMPTY
    block = _object(raw, BASE, _TOP)
    sites = {e.key: e for e in kb.of_kind(CnoSite)}
    pga_key = block.get("pgaScale")
    pga_scale = scale_bounds(kb, pga_key, f"{BASE}.pgaScale") if pga_key is not None else None
    nrs = scale_bounds(kb, "nrs_0_10", f"{BASE}.pgaScale")
    chaq = scale_bounds(kb, "chaq_0_3", f"{BASE}.visits")
    flags_raw = block.get("flags") or {}
    if not isinstance(flags_raw, dict):
        raise InputError("must be a JSON object of true/false flags", path=f"{BASE}.flags")
    flags = {k: _bool(v, f"{BASE}.flags.{k}") for k, v in flags_raw.items()}

    workup = []
    for i, w in enumerate(_list(block.get("workup"), f"{BASE}.workup")):
        path = f"{BASE}.workup[{i}]"
        w = _object(w, path, _WORKUP)
        if not isinstance(w.get("test"), str) or not w["test"]:
            raise InputError("a workup entry needs a test", path=f"{path}.test", value=w.get("test"))
        if w.get("result") not in TEST_RESULTS:
            raise InputError(f"result must be one of {', '.join(TEST_RESULTS)}", path=f"{path}.result", value=w.get("result"))
        workup.append(WorkupResult(w["test"], w["result"], _date(w["date"], f"{path}.date") if w.get("date") else None,
                                   w.get("shows"), path))

    visits = []
    for i, v in enumerate(_list(block.get("visits"), f"{BASE}.visits")):
        path = f"{BASE}.visits[{i}]"
        v = _object(v, path, _VISIT)
        if v.get("pga") is not None and pga_scale is None:
            raise InputError("a PGA needs its scale: set pgaScale", path=f"{BASE}.pgaScale")
        visits.append(Visit(
            date=_date(v.get("date"), f"{path}.date"), label=str(v.get("label") or f"visit {i + 1}"),
            pga=_scored(v.get("pga"), pga_scale, f"{path}.pga") if pga_scale else None,
            patient_pain=_scored(v.get("patientPain"), nrs, f"{path}.patientPain"),
            patient_global=_scored(v.get("patientGlobal"), nrs, f"{path}.patientGlobal"),
            chaq=_scored(v.get("chaq"), chaq, f"{path}.chaq"), json_path=path,
        ))
    for earlier, later in zip(visits, visits[1:]):
        if later.date < earlier.date:
            raise InputError(f"visits out of date order ({later.date} after {earlier.date})", path=f"{later.json_path}.date",
                             value=later.date.isoformat())

    studies = []
    for i, s in enumerate(_list(block.get("imaging"), f"{BASE}.imaging")):
        path = f"{BASE}.imaging[{i}]"
        s = _object(s, path, _STUDY)
        date = _date(s.get("date"), f"{path}.date")
        if s.get("modality") not in MODALITIES:
            raise InputError(f"modality must be one of {', '.join(MODALITIES)}", path=f"{path}.modality", value=s.get("modality"))
        lesions = []
        for j, les in enumerate(_list(s.get("lesions"), f"{path}.lesions")):
            lpath = f"{path}.lesions[{j}]"
            les = _object(les, lpath, _LESION)
            site = les.get("site")
            if not site or not isinstance(site, str):
                raise InputError("a lesion needs a site (text)", path=f"{lpath}.site", value=site)
            if site not in sites:
                raise InputError("unknown skeletal site (see the cno_site vocabulary in docs/cno-extension.md)",
                                 path=f"{lpath}.site", value=site)
            entry = sites[site]
            side = les.get("side")
            if entry.paired and side not in SIDES:
                raise InputError(f"{site} is paired: side must be left or right", path=f"{lpath}.side", value=side)
            if not entry.paired and side is not None:
                raise InputError(f"{site} is not paired: give no side", path=f"{lpath}.side", value=side)
            part = les.get("part")
            if part is not None and part not in entry.parts:
                raise InputError(f"unknown part of {site} (known: {', '.join(entry.parts) or 'none'})", path=f"{lpath}.part", value=part)
            size = _number(les.get("sizeMm"), f"{lpath}.sizeMm")
            if size is not None and size < 0:
                raise ImplausibleValueError("size cannot be negative", path=f"{lpath}.sizeMm", value=size)
            intensity = les.get("intensity")
            if intensity is not None and intensity not in INTENSITIES:
                raise InputError(f"intensity must be one of {', '.join(INTENSITIES)}", path=f"{lpath}.intensity", value=intensity)
            present = _bool(les.get("present", True), f"{lpath}.present")
            lesions.append(LesionObservation(site, side, part, bool(present), size, intensity,
                                             _bool(les.get("symptomatic"), f"{lpath}.symptomatic"),
                                             _bool(les.get("marginalSclerosis"), f"{lpath}.marginalSclerosis"), lpath))
        keys = [les.key for les in lesions]
        dup = next((k for k in keys if keys.count(k) > 1), None)
        if dup:
            raise InputError("the same lesion site appears twice in one study", path=f"{path}.lesions", value=dup)
        studies.append(ImagingStudy(date, s["modality"], tuple(lesions), path))
    for earlier, later in zip(studies, studies[1:]):
        if later.date < earlier.date:
            raise InputError(f"imaging studies out of date order ({later.date} after {earlier.date})",
                             path=f"{later.json_path}.date", value=later.date.isoformat())
    return CnoRecord(pga_key, flags, tuple(workup), tuple(visits), tuple(studies))

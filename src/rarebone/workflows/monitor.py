"""``rarebone monitor``: engraftment, graft failure, chimerism, GVHD, VOD and hypercalcaemia after HSCT
(MonitoringReport contract). Day 0 comes from the HSCT procedure or ``--day0``."""

from __future__ import annotations

import datetime as dt
from typing import Any

from rarebone.core.evidence import Citation, Contract
from rarebone.core.time import parse_timestamp
from rarebone.errors import InputError
from rarebone.knowledge import KnowledgeBase
from rarebone.patient import Patient
from rarebone.transplant import calcium as ca
from rarebone.transplant import engraftment as eg
from rarebone.transplant import cmv as cmv_mod
from rarebone.transplant import decisions, gvhd, haemolysis, tma, vod
from rarebone.transplant.labs import HIGH_IS_WORSE, ORDINAL, Labs
from rarebone.transplant.compare import distinct_text
from rarebone.transplant.dosing import param
from rarebone.transplant.engraftment import daily

# Procedure codes accepted as the stem-cell infusion (day 0); documented in docs/transplant-monitoring.md.
HSCT_CODES = {"NCIT:C15431": "Hematopoietic Stem Cell Transplantation",
              "NCIT:C46089": "Allogeneic Hematopoietic Stem Cell Transplantation"}
EXTENSION = "transplant"
ANALYTES = ("anc", "platelets", "hemoglobin", "donor_chimerism", "calcium", "bilirubin", "weight", "stool_volume")


class Finding(Contract):
    definition_id: str | None
    summary: str
    citations: list[str]
    certainty: str = "verified"
    disagreement: str | None = None


class EngraftmentResult(Finding):
    day: int | None
    gap_days: list[int]


class GraftFailureResult(Finding):
    status: str
    day: int | None


class ChimerismResultModel(Finding):
    latest_pct: float | None
    latest_day: int | None
    category: str
    trend: str
    values: list[tuple[int, float]]


class AgvhdDay(Contract):
    study_day: int
    skin: int | None
    liver: int | None
    upper_gi: int | None
    lower_gi: int | None
    grade: str
    unassessed: list[str]


class AgvhdResult(Finding):
    max_grade: str
    max_grade_day: int | None
    days: list[AgvhdDay]


class CgvhdResult(Finding):
    severity: str | None
    study_day: int | None
    unassessed: list[str]


class VodCriterion(Contract):
    name: str
    status: str
    detail: str


class VodDefinition(Finding):
    met: bool
    severity: str | None
    criteria: list[VodCriterion]


class VodResult(Contract):
    modified_seattle: VodDefinition
    ebmt_paediatric: VodDefinition


class HypercalcaemiaResult(Finding):
    threshold_mmol_l: float
    high_values: list[tuple[int, float]]
    first_day: int | None
    peak_mmol_l: float | None
    high_risk_genotype: bool


class TmaCriterionModel(Contract):
    name: str
    status: str  # met, not_met, not_assessed, not_counted
    detail: str


class TmaTimePoint(Contract):
    study_day: int
    met: int
    not_assessed: int
    criteria: list[TmaCriterionModel]


class TmaResultModel(Finding):
    criteria_version: str  # stored with each result: the sources disagree (hypertension centile, proteinuria)
    met: bool
    diagnosis_days: list[int]
    high_risk_features: list[str]
    time_points: list[TmaTimePoint]


class HaemolysisEpisode(Contract):
    study_day: int
    hemoglobin_g_l: float
    fall_g_l: float
    markers: list[str]
    not_assessed: list[str]
    dat: str | None
    status: str  # aiha_suspected, dat_negative, dat_needed


class AihaResultModel(Finding):
    episodes: list[HaemolysisEpisode]
    positive_dat_days: list[int]


class CmvPointModel(Contract):
    study_day: int
    value: float
    unit: str
    specimen: str | None
    status: str


class CmvResultModel(Finding):
    threshold: dict | None
    points: list[CmvPointModel]
    rising: bool


class EventModel(Contract):
    study_day: int
    type: str
    detail: str | None


class EventsResult(Finding):
    events: list[EventModel]


class DecisionItem(Contract):
    topic: str
    text: str
    definition_id: str
    citations: list[str]
    certainty: str


class Alert(Contract):
    level: str  # alert, warning
    text: str
    citations: list[str]


class SeriesPoint(Contract):
    study_day: int
    value: float


class MonitoringReport(Contract):
    patient_id: str
    knowledge_version: str
    notice: str
    day0: dt.date
    day0_source: str
    last_observed_day: int | None
    neutrophil_engraftment_day: int | None
    platelet_engraftment_day: int | None
    platelet_definition: str
    neutrophil_engraftment: EngraftmentResult
    platelet_engraftment: EngraftmentResult
    graft_failure: GraftFailureResult
    chimerism: ChimerismResultModel
    agvhd: AgvhdResult
    cgvhd: CgvhdResult
    vod: VodResult
    hypercalcaemia: HypercalcaemiaResult
    ta_tma: TmaResultModel
    aiha: AihaResultModel
    cmv: CmvResultModel
    pulmonary_haemorrhage: EventsResult
    decision_support: list[DecisionItem]
    alerts: list[Alert]
    warnings: list[str]
    anc_series: list[SeriesPoint]
    platelet_series: list[SeriesPoint]
    platelet_transfusion_days: list[int]
    citations: list[Citation]


def find_day0(patient: Patient, day0: dt.date | None) -> tuple[dt.date, str]:
    procs = [p for p in patient.procedures if p.code_id in HSCT_CODES]
    dated = [p for p in procs if p.performed and p.performed.timestamp]
    dob = patient.date_of_birth
    if day0 is not None:
        if dob is not None and day0 < dob:
            raise InputError(f"day 0 is before the date of birth {dob.isoformat()}", source=patient.source,
                             path="--day0", value=day0.isoformat())
        return day0, "--day0"
    if not dated:
        raise InputError("no day 0: give --day0 or an HSCT procedure (NCIT:C15431 or NCIT:C46089) with "
                         "performed.timestamp in medicalActions", source=patient.source, path="$.medicalActions")
    first = min(dated, key=lambda p: p.performed.timestamp)
    if dob is not None and first.performed.timestamp.date() < dob:
        raise InputError(f"HSCT date is before the date of birth {dob.isoformat()}", source=patient.source,
                         path=f"{first.json_path}.procedure.performed.timestamp",
                         value=first.performed.timestamp.date().isoformat())
    return first.performed.timestamp.date(), f"{first.code_id} {first.json_path}.procedure.performed"


def _date_of(patient: Patient, time) -> dt.date | None:
    if time is None:
        return None
    if time.timestamp is not None:
        return time.timestamp.date()
    if time.age_days is not None and patient.date_of_birth is not None:
        return patient.date_of_birth + dt.timedelta(days=round(time.age_days))
    return None


def _objects(raw: dict, key: str, base: str) -> list[dict]:
    """A list of JSON objects, or one line naming the item that is not one (never a crash on null or 5)."""
    items = raw.get(key) or []
    if not isinstance(items, list):
        raise InputError("must be a list", path=f"{base}.{key}")
    for i, item in enumerate(items):
        if not isinstance(item, dict):
            raise InputError("must be a JSON object", path=f"{base}.{key}[{i}]", value=item)
    return items


def collect_series(patient: Patient, day0: dt.date, warnings: list[str]) -> dict[str, dict[int, float]]:
    points: dict[str, list[tuple[int, float]]] = {a: [] for a in ANALYTES}
    undated = 0
    for m in patient.measurements:
        if m.analyte not in points or m.value is None:
            continue
        date = _date_of(patient, m.time)
        if date is None:
            undated += 1
            continue
        points[m.analyte].append(((date - day0).days, m.value))
    if undated:
        warnings.append(f"{undated} measurement(s) without a date (timeObserved.timestamp) were not used.")
    return {k: daily(v) for k, v in points.items()}


def transfusion_days(patient: Patient, day0: dt.date) -> list[int]:
    days = []
    for p in patient.procedures:
        label = p.label.lower()
        if "platelet" in label and "transfusion" in label and p.performed and p.performed.timestamp:
            days.append((p.performed.timestamp.date() - day0).days)
    return sorted(set(days))


def _bool(node: dict, key: str, path: str) -> bool | None:
    value = node.get(key)
    if value is not None and not isinstance(value, bool):
        raise InputError("must be true or false", path=f"{path}.{key}", value=value)
    return value


def _number(node: dict, key: str, path: str, low: float, high: float) -> float | None:
    value = node.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not low <= value <= high:
        raise InputError(f"must be a number from {low:g} to {high:g}", path=f"{path}.{key}", value=value)
    return float(value)


def _day(node: dict, path: str, day0: dt.date) -> int:
    if "date" not in node:
        raise InputError("missing date", path=f"{path}.date")
    try:
        return (parse_timestamp(str(node["date"])).date() - day0).days
    except InputError as exc:
        exc.path = f"{path}.date"
        raise


def read_extension(patient: Patient, day0: dt.date) -> dict[str, Any]:
    """Validate ``rareboneExtensions.transplant`` (docs/transplant-monitoring.md)."""
    raw = patient.extensions.get(EXTENSION) or {}
    base = f"$.rareboneExtensions.{EXTENSION}"
    if not isinstance(raw, dict):
        raise InputError("must be an object", source=patient.source, path=base)
    known = {"baselineWeightKg", "gvhd", "cgvhd", "liver", "settings", "findings", "events"}
    for key in raw:
        if key not in known:
            raise InputError(f"unknown key (known: {', '.join(sorted(known))})", source=patient.source,
                             path=f"{base}.{key}")
    out: dict[str, Any] = {"baseline": _number(raw, "baselineWeightKg", base, 0.3, 300), "gvhd": {}, "cgvhd": [],
                           "liver": {}, "settings": {}, "findings": {}, "events": []}
    try:
        out["settings"] = _settings(raw.get("settings") or {}, f"{base}.settings")
        for i, node in enumerate(_objects(raw, "findings", base)):
            p = f"{base}.findings[{i}]"
            for key in node:
                if key not in ("date", "bpCentile", "redCellTransfusion", "tmaBiopsy"):
                    raise InputError("unknown key (known: date, bpCentile, redCellTransfusion, tmaBiopsy)",
                                     path=f"{p}.{key}")
            _number(node, "bpCentile", p, 0, 100)
            _bool(node, "redCellTransfusion", p)
            _bool(node, "tmaBiopsy", p)
            day = _day(node, p, day0)
            out["findings"][day] = {**out["findings"].get(day, {}), **node}
        for i, node in enumerate(_objects(raw, "events", base)):
            p = f"{base}.events[{i}]"
            if node.get("type") not in EVENT_TYPES:
                raise InputError(f"event type must be one of {', '.join(EVENT_TYPES)}", path=f"{p}.type",
                                 value=node.get("type"))
            detail = node.get("detail")
            if detail is not None and not isinstance(detail, str):
                raise InputError("must be text", path=f"{p}.detail", value=detail)
            out["events"].append((_day(node, p, day0), node["type"], detail))
        for i, node in enumerate(_objects(raw, "gvhd", base)):
            p = f"{base}.gvhd[{i}]"
            for key in node:
                if key not in ("date", "skinRashBsaPct", "bullaeDesquamationBsaPct", "upperGiPersistent", "lowerGiSevere",
                               "stoolEpisodesPerDay", "liverAttributedToGvhd"):
                    raise InputError("unknown key", path=f"{p}.{key}")
            _number(node, "skinRashBsaPct", p, 0, 100)
            _number(node, "bullaeDesquamationBsaPct", p, 0, 100)
            _bool(node, "upperGiPersistent", p)
            _bool(node, "lowerGiSevere", p)
            _number(node, "stoolEpisodesPerDay", p, 0, 100)
            _bool(node, "liverAttributedToGvhd", p)
            out["gvhd"][_day(node, p, day0)] = node, p
        for i, node in enumerate(_objects(raw, "cgvhd", base)):
            p = f"{base}.cgvhd[{i}]"
            scores = node.get("scores", {})
            if not isinstance(scores, dict):
                raise InputError("must be a JSON object of organ: score", path=f"{p}.scores")
            for organ, score in scores.items():
                if organ not in gvhd.CGVHD_ORGANS:
                    raise InputError(f"unknown organ (known: {', '.join(gvhd.CGVHD_ORGANS)})", path=f"{p}.scores.{organ}")
                if score is not None and (isinstance(score, bool) or score not in (0, 1, 2, 3)):
                    raise InputError("organ score must be 0-3 or null (not assessed)", path=f"{p}.scores.{organ}", value=score)
            out["cgvhd"].append((_day(node, p, day0), scores))
        for i, node in enumerate(_objects(raw, "liver", base)):
            p = f"{base}.liver[{i}]"
            ascites = node.get("ascites")
            if ascites is not None and ascites not in ("none", "minimal", "moderate", "paracentesis"):
                raise InputError("ascites must be none, minimal, moderate or paracentesis", path=f"{p}.ascites", value=ascites)
            out["liver"][_day(node, p, day0)] = vod.LiverObs(
                hepatomegaly=_bool(node, "hepatomegaly", p), ruq_pain=_bool(node, "ruqPain", p), ascites=ascites,
                refractory_thrombocytopenia=_bool(node, "refractoryThrombocytopenia", p),
                alt_times_uln=_number(node, "altTimesUln", p, 0, 1000))
    except InputError as exc:
        exc.source = exc.source or patient.source
        raise
    return out


EVENT_TYPES = ("pulmonary_haemorrhage",)
# centre settings (docs/transplant-monitoring.md): reference limits used when the laboratory gives none
LIMIT_SETTINGS = ("ldhUpperLimitUL", "sc5b9UpperLimitNgMl", "haptoglobinLowerLimitGL",
                  "indirectBilirubinUpperLimitUmolL", "reticulocytesUpperLimitPct")


def _settings(raw: Any, path: str) -> dict[str, Any]:
    if not isinstance(raw, dict):
        raise InputError("must be an object", path=path)
    known = ("cmvThreshold", "tmaCriteria", *LIMIT_SETTINGS)
    for key in raw:
        if key not in known:
            raise InputError(f"unknown setting (known: {', '.join(known)})", path=f"{path}.{key}")
    for key in LIMIT_SETTINGS:
        _number(raw, key, path, 0, 100000)
    version = raw.get("tmaCriteria", "harmonised2023")
    if version not in tma.VERSIONS:
        raise InputError(f"must be one of {', '.join(tma.VERSIONS)}", path=f"{path}.tmaCriteria", value=version)
    out = {**raw, "tmaCriteria": version}
    cmv = raw.get("cmvThreshold")
    if cmv is not None:
        p = f"{path}.cmvThreshold"
        if not isinstance(cmv, dict):
            raise InputError("must be an object with value and unit", path=p)
        for key in cmv:
            if key not in ("value", "unit", "specimen", "assay"):
                raise InputError("unknown key (known: value, unit, specimen, assay)", path=f"{p}.{key}")
        if cmv.get("unit") not in cmv_mod.UNITS:
            raise InputError(f"unit must be one of {', '.join(cmv_mod.UNITS)}", path=f"{p}.unit", value=cmv.get("unit"))
        if _number(cmv, "value", p, 0, 1e10) is None or cmv["value"] <= 0:
            raise InputError("must be a positive number", path=f"{p}.value", value=cmv.get("value"))
        if cmv.get("specimen") not in (None, "plasma", "whole blood"):
            raise InputError("specimen must be plasma or whole blood", path=f"{p}.specimen", value=cmv.get("specimen"))
    return out


def collect_labs(kb: KnowledgeBase, patient: Patient, day0: dt.date, s: dict, ext: dict) -> Labs:
    """Daily worst values, reference limits and ordinal results of the complication checks."""
    answers = param(kb, "TX-ORDINAL-RESULTS")
    labs = Labs(settings=ext["settings"], findings=ext["findings"],
                age_days_day0=float((day0 - patient.date_of_birth).days) if patient.date_of_birth else None)
    labs.values["hemoglobin"] = dict(s["hemoglobin"])
    labs.values["platelets"] = dict(s["platelets"])
    for m in patient.measurements:
        if m.analyte not in (*HIGH_IS_WORSE, *ORDINAL, "haptoglobin"):
            continue
        date = _date_of(patient, m.time)
        if date is None:
            continue
        day = (date - day0).days
        if m.analyte in ORDINAL:
            if m.value_term is not None:
                if m.value_term not in answers:
                    raise InputError(f"unknown result code (known: {', '.join(answers)})", source=patient.source,
                                     path=f"{m.json_path}.value.ontologyClass.id", value=m.value_term)
                labs.terms.setdefault(m.analyte, {})[day] = str(answers[m.value_term])
            continue
        if m.value is not None:
            labs.add(m.analyte, day, m.value, m.reference_low, m.reference_high, m.assay_id)
    return labs


def _finding_meta(kb: KnowledgeBase, entry_id: str) -> dict:
    e = kb.get(entry_id)
    return {"definition_id": entry_id, "citations": list(e.sources), "certainty": e.certainty,
            "disagreement": e.disagreement}


def _day_label(day: int | None) -> str:
    return "-" if day is None else (f"+{day}" if day >= 0 else str(day))


def monitor(kb: KnowledgeBase, patient: Patient, *, day0: dt.date | None = None,
            platelet_definition: str = "beijing") -> MonitoringReport:
    if platelet_definition not in eg.PLATELET_DEFINITIONS:
        raise InputError("platelet definition must be beijing or astct", path="--platelet-definition",
                         value=platelet_definition)
    day0, day0_source = find_day0(patient, day0)
    warnings: list[str] = []
    s = collect_series(patient, day0, warnings)
    observed = [d for series in s.values() for d in series]
    if observed and max(observed) < 0:
        last = day0 + dt.timedelta(days=max(observed))
        raise InputError(f"day 0 is after every observation (last {last.isoformat()})", source=patient.source,
                         path="--day0" if day0_source == "--day0" else day0_source.split()[-1], value=day0.isoformat())
    ext = read_extension(patient, day0)
    tx_days = transfusion_days(patient, day0)
    bili_factor = kb.get("LAB-BILIRUBIN").to_canonical["mg/dL"]
    bili_mg = {d: x / bili_factor for d, x in s["bilirubin"].items()}
    alerts: list[Alert] = []

    neut = eg.neutrophil_engraftment(kb, s["anc"])
    plt = eg.platelet_engraftment(kb, s["platelets"], tx_days, platelet_definition)
    gf = eg.graft_failure(kb, neut, s["anc"], s["platelets"], s["hemoglobin"], s["donor_chimerism"])
    chim = eg.chimerism(kb, s["donor_chimerism"])
    if gf.status in ("primary", "secondary"):
        alerts.append(Alert(level="alert", text=f"{gf.status.capitalize()} graft failure: {gf.reason}",
                            citations=list(kb.get(gf.knowledge_id).sources)))
    elif gf.gap_days:
        alerts.append(Alert(level="warning", text=f"Primary graft failure {gf.reason}",
                            citations=list(kb.get("TX-GRAFT-FAILURE-PRIMARY").sources)))
    elif gf.chimerism_needed:
        # no neutrophils by day +30 (or later engraftment) without chimerism: the test is urgent, the call is not
        alerts.append(Alert(level="alert" if gf.day is None else "warning",
                            text=f"Graft function: {gf.reason}",
                            citations=sorted({*kb.get(gf.knowledge_id).sources, *kb.get("TX-CHIMERISM-ORDER").sources})))
    elif gf.status in ("late_engraftment", "delayed_engraftment"):
        alerts.append(Alert(level="warning", text=f"{gf.status.replace('_', ' ').capitalize()}: {gf.reason}",
                            citations=list(kb.get(gf.knowledge_id).sources)))
    if chim.trend == "falling" or chim.category in ("mixed", "autologous"):
        alerts.append(Alert(level="warning", text=f"Donor chimerism {chim.latest_pct:g}% on day {_day_label(chim.latest_day)}"
                            f" ({chim.category.replace('_', ' ')}, trend {chim.trend})", citations=list(kb.get("TX-CHIMERISM").sources)))
    shown = int(param(kb, "TX-DISPLAY")["gap_days_shown"])
    for name, e in (("Neutrophil", neut), ("Platelet", plt)):
        if e.gap_days:
            warnings.append(e.describe(name, shown))

    # acute GVHD by day
    # MAGIC stages the liver from bilirubin only when the clinician attributes the hyperbilirubinaemia to GVHD
    # (gvhd[].liverAttributedToGvhd: true on that day); a bilirubin alone is never a GVHD stage.
    attributed = {d for d, (node, _) in ext["gvhd"].items() if node.get("liverAttributedToGvhd") is True}
    days = sorted({d for d in (*ext["gvhd"], *s["stool_volume"]) if d >= 0})
    weights = sorted(s["weight"].items())
    agvhd_days = []
    avg_days = int(param(kb, "TX-MAGIC-LOWER-GI-CHILD")["stool_average_days"])
    grade_order = gvhd.grades(kb)
    for d in days:
        node, _ = ext["gvhd"].get(d, ({}, ""))
        skin = gvhd.skin_stage(kb, node["skinRashBsaPct"], node.get("bullaeDesquamationBsaPct", 0) or 0) \
            if node.get("skinRashBsaPct") is not None else None
        liver = gvhd.liver_stage(kb, bili_mg[d]) if d in bili_mg and d in attributed else None
        ugi = gvhd.upper_gi_stage(node["upperGiPersistent"]) if node.get("upperGiPersistent") is not None else None
        w = next((x for wd, x in reversed(weights) if wd <= d), weights[0][1] if weights else None)
        if node.get("lowerGiSevere"):
            lgi = gvhd.lower_gi_stage(kb, None, w or 0, severe=True)
        elif d in s["stool_volume"] and w:
            # MAGIC: 3-day average of stool volume (observed days in the window only; missing days are not zeros)
            window = [s["stool_volume"][k] for k in range(d - avg_days + 1, d + 1) if k in s["stool_volume"]]
            lgi = gvhd.lower_gi_stage(kb, sum(window) / len(window), w)
        elif node.get("stoolEpisodesPerDay") is not None and w:
            # no volume recorded that day: MAGIC episode column (child or adult by weight)
            lgi = gvhd.lower_gi_stage(kb, None, w, episodes_per_day=node["stoolEpisodesPerDay"])
        else:
            lgi = None
        g = gvhd.grade_day(kb, d, skin, liver, ugi, lgi)
        agvhd_days.append(AgvhdDay(study_day=d, skin=g.skin, liver=g.liver, upper_gi=g.upper_gi, lower_gi=g.lower_gi,
                                   grade=g.grade, unassessed=list(g.unassessed)))
    worst = max(agvhd_days, key=lambda x: grade_order.index(x.grade), default=None)
    max_grade = worst.grade if worst else "0"
    agvhd = AgvhdResult(
        **_finding_meta(kb, "TX-MAGIC-GRADE"), max_grade=max_grade, max_grade_day=worst.study_day if worst else None,
        days=agvhd_days,
        summary=(f"maximum MAGIC grade {max_grade} on day {_day_label(worst.study_day)}" if worst and max_grade != "0"
                 else "no acute GVHD stage recorded" if agvhd_days else "no acute GVHD observations")
        + ("; liver staged from bilirubin only on days the clinician attributed it to GVHD "
           "(gvhd[].liverAttributedToGvhd)" if any(x.liver is not None for x in agvhd_days) else ""))
    agvhd = agvhd.model_copy(update={"citations": sorted({*agvhd.citations, "HARRIS2016"})})
    if grade_order.index(max_grade) >= 2:
        alerts.append(Alert(level="alert", text=f"Acute GVHD grade {max_grade} (MAGIC) on day {_day_label(worst.study_day)}",
                            citations=agvhd.citations))

    # hyperbilirubinaemia not attributed to GVHD: a differential, never a GVHD grade
    liver_v = param(kb, "TX-MAGIC-LIVER")
    unattributed = {d: x for d, x in bili_mg.items()
                    if d >= 0 and d not in attributed and gvhd.liver_stage(kb, x) >= 1}
    if unattributed:
        peak_day = max(unattributed, key=lambda d: unattributed[d])
        peak = unattributed[peak_day]
        alerts.append(Alert(level="warning", text=(
            f"Hyperbilirubinaemia: bilirubin {distinct_text(kb, peak, liver_v['stage1_from_mg_dl'], 'mg/dL')} "
            f"({peak * bili_factor:.0f} umol/L) on day {_day_label(peak_day)}: consider VOD, drug toxicity, GVHD "
            f"(MAGIC liver stage {gvhd.liver_stage(kb, peak)} if attributed to GVHD; record "
            "gvhd[].liverAttributedToGvhd to grade it)"), citations=sorted({*kb.get("TX-MAGIC-LIVER").sources})))

    # chronic GVHD: latest assessment
    cg = sorted(ext["cgvhd"], key=lambda t: t[0])
    if cg:
        cday, scores = cg[-1]
        sev, unassessed = gvhd.nih_global_severity(kb, scores)
        summary = f"NIH global severity {sev} on day {_day_label(cday)}"
        if unassessed:
            summary += f"; not assessed: {', '.join(unassessed)} (not taken as 0; severity could be higher)"
        cgvhd = CgvhdResult(**_finding_meta(kb, "TX-NIH-CGVHD"), severity=sev, study_day=cday,
                            unassessed=list(unassessed), summary=summary)
        if sev in ("moderate", "severe"):
            alerts.append(Alert(level="alert", text=f"Chronic GVHD {sev} (NIH 2014)", citations=cgvhd.citations))
    else:
        cgvhd = CgvhdResult(**_finding_meta(kb, "TX-NIH-CGVHD"), severity=None, study_day=None, unassessed=[],
                            summary="no chronic GVHD organ scores recorded")

    baseline = ext["baseline"]
    if baseline is None:
        pre = [x for d, x in weights if d <= 0]
        baseline = pre[-1] if pre else None
        if baseline is None:
            warnings.append("No baseline weight (rareboneExtensions.transplant.baselineWeightKg or a weight on or "
                            "before day 0): VOD weight-gain criteria unknown.")
    vod_defs = []
    for res in (vod.modified_seattle(kb, bili_mg, s["weight"], baseline, ext["liver"]),
                vod.ebmt_paediatric(kb, bili_mg, s["weight"], baseline, ext["liver"])):
        present = sum(c.status == "present" for c in res.criteria)
        summary = (f"criteria met ({present} present)" if res.met else f"criteria not met ({present} present)")
        if res.severity:
            summary += f"; severity {res.severity}"
        vod_defs.append(VodDefinition(**_finding_meta(kb, res.definition_id), met=res.met, severity=res.severity,
                                      criteria=[VodCriterion(name=c.name, status=c.status, detail=c.detail) for c in res.criteria],
                                      summary=f"{summary}; {res.note}"))
        if res.met:
            alerts.append(Alert(level="alert", text=f"Hepatic VOD/SOS: {kb.get(res.definition_id).statement.split(':')[0]} "
                                f"{summary}", citations=list(kb.get(res.definition_id).sources)))

    hc = ca.hypercalcaemia(kb, s["calcium"])
    rank = any(v.gene_symbol == "TNFRSF11A" for v in patient.variants)
    hc_summary = (f"calcium above {hc.threshold_mg_dl:g} mg/dL ({hc.threshold_mmol_l:.2f} mmol/L) on "
                  + ", ".join(f"day {_day_label(d)}: {distinct_text(kb, x, hc.threshold_mmol_l, 'mmol/L')} "
                              f"({distinct_text(kb, x / kb.get('LAB-CALCIUM').to_canonical['mg/dL'], hc.threshold_mg_dl, 'mg/dL')})"
                              for d, x in hc.high_values) if hc.high_values else
                  f"no calcium above {hc.threshold_mg_dl:g} mg/dL ({hc.threshold_mmol_l:.2f} mmol/L)")
    if hc.last_observed_day is None:  # "no calcium above the threshold" would read as reassurance
        hc_summary = (f"no calcium recorded; check calcium against {hc.threshold_mg_dl:g} mg/dL "
                      f"({hc.threshold_mmol_l:.2f} mmol/L) to at least day +{hc.monitor_until_day}")
    elif hc.last_observed_day < hc.monitor_until_day:
        hc_summary += f"; calcium observed to day {_day_label(hc.last_observed_day)}, monitoring advised to at least day +{hc.monitor_until_day}"
    if hc.high_values:
        alerts.append(Alert(level="alert", text=f"Post-HSCT hypercalcaemia: {hc_summary}",
                            citations=list(kb.get("TX-HYPERCALCAEMIA").sources)))
    if rank:
        alerts.append(Alert(level="warning", text="TNFRSF11A (RANK) genotype: highest risk of post-HSCT hypercalcaemia; "
                            "monitor calcium longer", citations=["REFERENCE"]))
    hyper = HypercalcaemiaResult(**_finding_meta(kb, "TX-HYPERCALCAEMIA"), threshold_mmol_l=round(hc.threshold_mmol_l, 4),
                                 high_values=[(d, round(x, 3)) for d, x in hc.high_values], first_day=hc.first_day,
                                 peak_mmol_l=hc.peak_mmol_l, high_risk_genotype=rank, summary=hc_summary)

    labs = collect_labs(kb, patient, day0, s, ext)
    tma_r, aiha_r, cmv_r, events_r, options = _complications(kb, labs, ext, plt.day, agvhd, gf, chim, alerts)

    all_days = [d for series in s.values() for d in series]
    used_ids = ["TX-TMA-HARMONISED", "TX-TMA-JODELE2014", "TX-TMA-WINDOWS", "TX-AIHA-WORKING", "TX-CMV-THRESHOLD",
                "TX-PULMONARY-HAEMORRHAGE", "TX-CHIMERISM-OPTIONS", "TX-AGVHD-FIRST-LINE", "TX-POOR-GRAFT-FUNCTION",
                "TX-ORDINAL-RESULTS","TX-ENGRAFT-NEUTROPHIL", eg.PLATELET_DEFINITIONS[platelet_definition], "TX-GRAFT-FAILURE-PRIMARY",
                "TX-LATE-ENGRAFTMENT", "TX-CHIMERISM-ORDER",
                "TX-GRAFT-FAILURE-SECONDARY", "TX-CHIMERISM", "TX-MAGIC-SKIN", "TX-MAGIC-LIVER", "TX-MAGIC-LOWER-GI-CHILD",
                "TX-MAGIC-GRADE", "TX-NIH-CGVHD", "TX-VOD-SEATTLE", "TX-VOD-EBMT-PAED", "TX-VOD-EBMT-PAED-SEVERITY",
                "TX-HYPERCALCAEMIA"]
    source_ids = sorted({sid for kid in used_ids for sid in kb.get(kid).sources} | {"REFERENCE"})
    warnings.append(kb.get("NOTICE-UNVERIFIED").text)
    return MonitoringReport(
        patient_id=patient.patient_id, knowledge_version=kb.version, notice=kb.get("NOTICE-DECISION-SUPPORT").text,
        day0=day0, day0_source=day0_source, last_observed_day=max(all_days) if all_days else None,
        neutrophil_engraftment_day=neut.day, platelet_engraftment_day=plt.day,
        platelet_definition=f"{platelet_definition}: {kb.get(plt.definition_id).statement}",
        neutrophil_engraftment=EngraftmentResult(**_finding_meta(kb, neut.definition_id), day=neut.day,
                                                 gap_days=list(neut.gap_days), summary=neut.describe("Neutrophil", shown)),
        platelet_engraftment=EngraftmentResult(**_finding_meta(kb, plt.definition_id), day=plt.day,
                                               gap_days=list(plt.gap_days), summary=plt.describe(f"Platelet ({platelet_definition})", shown)),
        graft_failure=GraftFailureResult(
            **(_finding_meta(kb, gf.knowledge_id) if gf.knowledge_id else
               {"definition_id": None, "citations": sorted({*kb.get("TX-GRAFT-FAILURE-PRIMARY").sources,
                                                            *kb.get("TX-GRAFT-FAILURE-SECONDARY").sources})}),
            status=gf.status, day=gf.day, summary=gf.reason),
        chimerism=ChimerismResultModel(
            **_finding_meta(kb, "TX-CHIMERISM"), latest_pct=chim.latest_pct, latest_day=chim.latest_day,
            category=chim.category, trend=chim.trend, values=list(chim.values),
            summary=(f"latest {chim.latest_pct:g}% donor on day {_day_label(chim.latest_day)} ({chim.category.replace('_', ' ')}; "
                     f"trend {chim.trend.replace('_', ' ')})") if chim.latest_pct is not None else "no chimerism recorded"),
        agvhd=agvhd, cgvhd=cgvhd,
        vod=VodResult(modified_seattle=vod_defs[0], ebmt_paediatric=vod_defs[1]),
        hypercalcaemia=hyper, ta_tma=tma_r, aiha=aiha_r, cmv=cmv_r, pulmonary_haemorrhage=events_r,
        decision_support=options, alerts=alerts, warnings=warnings,
        anc_series=[SeriesPoint(study_day=d, value=x) for d, x in sorted(s["anc"].items())],
        platelet_series=[SeriesPoint(study_day=d, value=x) for d, x in sorted(s["platelets"].items())],
        platelet_transfusion_days=tx_days,
        citations=[Citation(id=sid, text=kb.citation_text(sid), doi=kb.sources[sid].doi, pmid=kb.sources[sid].pmid,
                            seed=kb.sources[sid].seed) for sid in source_ids],
    )


def _d(day: int | None) -> str:
    return f"day {_day_label(day)}"


def _complications(kb: KnowledgeBase, labs: Labs, ext: dict, platelet_day: int | None, agvhd: AgvhdResult,
                   gf: eg.GraftFailure, chim: eg.ChimerismResult, alerts: list[Alert]):
    """AIHA, TA-TMA, CMV, pulmonary haemorrhage and the decision-support options (issue 10): the complications
    the Beijing children died of (TX-PULMONARY-HAEMORRHAGE), each with its definition, evidence and sources."""
    grade_order = gvhd.grades(kb)
    cite = lambda kid: list(kb.get(kid).sources)  # noqa: E731

    # AIHA first: the harmonised TA-TMA criteria count anaemia only after AIHA is excluded
    ai = haemolysis.assess(kb, labs)
    words = {"aiha_suspected": "haemolysis with a POSITIVE DAT: AIHA suspected (Minnesota 2004 definition: "
                               "significant haemolysis and positive DAT)",
             "dat_negative": "haemolysis with a NEGATIVE DAT: AIHA not excluded (only 10/15 DAT-positive in Chang "
                             "2016); tell it apart from TA-TMA (schistocytes, LDH, blood pressure, proteinuria)",
             "dat_needed": "haemolysis without a DAT result: order a direct antiglobulin test (DAT); AIHA and TA-TMA "
                           "must be told apart"}
    episodes = [HaemolysisEpisode(study_day=e.day, hemoglobin_g_l=e.hb, fall_g_l=round(e.fall, 3),
                                  markers=list(e.markers), not_assessed=list(e.unassessed),
                                  dat=f"{e.dat[1]} on {_d(e.dat[0])}" if e.dat else None, status=e.status)
                for e in ai.episodes]
    if ai.first:
        e = ai.first
        summary = (f"{_d(e.day)}: haemoglobin {e.hb:g} g/L, fall {e.fall:g} g/L; {', '.join(e.markers)}; "
                   f"{words[e.status]}" + (f"; not assessed: {', '.join(e.unassessed)}" if e.unassessed else ""))
        alerts.append(Alert(level="alert" if e.status != "dat_negative" else "warning",
                            text=f"Haemolysis / AIHA: {summary}", citations=cite("TX-AIHA-WORKING")))
    elif ai.positive_dat_days:
        w = param(kb, "TX-AIHA-WORKING")
        summary = (f"positive DAT on {', '.join(_d(d) for d in ai.positive_dat_days)}, but no haemoglobin fall of "
                   f">= {w['hb_fall_g_l']:g} g/L together with >= {int(w['min_markers'])} haemolysis markers in the data: "
                   "not AIHA by the working definition; repeat blood count and markers")
        alerts.append(Alert(level="warning", text=f"DAT positive: {summary}", citations=cite("TX-AIHA-WORKING")))
    else:
        summary = "no haemoglobin fall with haemolysis markers in the observed days"
    aiha_r = AihaResultModel(**_finding_meta(kb, "TX-AIHA-WORKING"), episodes=episodes,
                             positive_dat_days=list(ai.positive_dat_days), summary=summary)

    cmv = cmv_mod.assess(kb, labs)
    v = param(kb, "TX-CMV-THRESHOLD")
    th = cmv.threshold
    where = (f"centre threshold {th['value']:g} {th['unit']}" + (f", {th['specimen']}" if th.get("specimen") else "")
             + (f", assay {th['assay']}" if th.get("assay") else "") if th else
             f"no centre threshold set (settings.cmvThreshold); there is no consensus value: pre-emptive therapy "
             f"started at {v['review_low_iu_ml']:g}-{v['review_high_iu_ml']:g} IU/mL in the studies of a 2024 "
             "systematic review")
    if not cmv.points:
        cmv_summary = f"no CMV PCR recorded; {where}"
    else:
        last = cmv.points[-1]
        cmv_summary = (f"latest {last.value:g} {last.unit} on {_d(last.day)}" + (f" ({last.specimen})" if last.specimen else "")
                       + (", rising" if cmv.rising else "") + f"; {where}")
    if cmv.first_trigger:
        t = cmv.first_trigger
        mismatch = (f"; specimen {t.specimen} differs from the centre's {th['specimen']}"
                    if th.get("specimen") and t.specimen and t.specimen != th["specimen"] else "")
        alerts.append(Alert(level="alert", text=f"CMV DNAemia: {t.value:g} {t.unit} on {_d(t.day)} at or above the "
                            f"{where}{mismatch}: pre-emptive therapy per centre protocol", citations=cite("TX-CMV-THRESHOLD")))
    elif not th and any(p.status in ("within_review_range", "above_review_range") for p in cmv.points):
        p = next(p for p in reversed(cmv.points) if p.status in ("within_review_range", "above_review_range"))
        # status above_review_range starts *at* the range's upper end (every study's start value was reached),
        # so the words say "at or above its upper end", never "above the range" for 1000 IU/mL itself
        place = (f"at or above the upper end ({v['review_high_iu_ml']:g} IU/mL) of the review's range"
                 if p.status == "above_review_range" else "within the review's range")
        alerts.append(Alert(level="warning", text=f"CMV DNAemia: {p.value:g} {p.unit} on {_d(p.day)} is "
                            f"{place}; {where}. Set the "
                            "centre threshold (value, unit, specimen, assay)", citations=cite("TX-CMV-THRESHOLD")))
    if any(p.status == "not_comparable" for p in cmv.points):
        cmv_summary += ("; values in a unit other than the threshold's (copies/mL vs IU/mL) are not compared: the "
                        "conversion is assay-specific")
    cmv_r = CmvResultModel(**_finding_meta(kb, "TX-CMV-THRESHOLD"), threshold=th, rising=cmv.rising,
                           points=[CmvPointModel(study_day=p.day, value=p.value, unit=p.unit, specimen=p.specimen,
                                                 status=p.status) for p in cmv.points], summary=cmv_summary)

    grade_ii = grade_order.index(agvhd.max_grade) >= grade_order.index("II")
    version = labs.settings.get("tmaCriteria", "harmonised2023")
    t = tma.assess(kb, labs, version=version, platelet_engraftment_day=platelet_day,
                   aiha_days=set(ai.positive_dat_days), agvhd_grade_ii_plus=grade_ii,
                   infection=cmv.first_trigger is not None)
    need = int(param(kb, "TX-TMA-HARMONISED")["min_criteria"])

    def _tp(p) -> str:
        return (f"{_d(p.day)}: {p.count} of {len(p.criteria)} met ("
                + ", ".join(c.name for c in p.criteria if c.status == "met") + ")"
                + (f", {p.unassessed} not assessed" if p.unassessed else ""))
    label = "harmonised 2023" if version == "harmonised2023" else "harmonised 2023 count with Jodele 2014 items"
    if t.met:
        pts = [p for p in t.time_points if p.day in t.diagnosis_days]
        tma_summary = (f"criteria met ({label}): " + ("; ".join(_tp(p) for p in pts) if pts else
                                                       f"biopsy recorded on {_d(t.biopsy_day)}")
                       + (f"; HIGH RISK: {', '.join(t.high_risk)}" if t.high_risk else "; no high-risk feature in the data"))
        alerts.append(Alert(level="alert", text=f"TA-TMA: {tma_summary}",
                            citations=sorted({*cite("TX-TMA-HARMONISED"), *cite(tma.VERSIONS[version])})))
    elif t.best and t.best.count >= need:
        tma_summary = (f"{_tp(t.best)}; a second time point within "
                       f"{int(param(kb, 'TX-TMA-HARMONISED')['within_days'])} days is needed ({label})")
        alerts.append(Alert(level="warning", text=f"TA-TMA possible: {tma_summary}", citations=cite("TX-TMA-HARMONISED")))
    elif t.best:
        tma_summary = f"not met ({label}); most criteria {_tp(t.best)}"
    else:
        tma_summary = "no TA-TMA values (LDH, blood pressure, urine protein, schistocytes, sC5b-9) recorded"
    tma_r = TmaResultModel(
        **_finding_meta(kb, tma.VERSIONS[version] if version != "harmonised2023" else "TX-TMA-HARMONISED"),
        criteria_version=version, met=t.met, diagnosis_days=list(t.diagnosis_days),
        high_risk_features=list(t.high_risk), summary=tma_summary,
        time_points=[TmaTimePoint(study_day=p.day, met=p.count, not_assessed=p.unassessed,
                                  criteria=[TmaCriterionModel(name=c.name, status=c.status, detail=c.detail)
                                            for c in p.criteria]) for p in t.time_points])
    tma_r = tma_r.model_copy(update={"citations": sorted({*tma_r.citations, *cite("TX-TMA-HARMONISED"),
                                                          *cite("TX-TMA-WINDOWS")})})

    events = [EventModel(study_day=d, type=kind, detail=detail) for d, kind, detail in sorted(ext["events"])]
    for e in events:
        alerts.append(Alert(level="alert", text=f"Pulmonary haemorrhage recorded on {_d(e.study_day)}"
                            + (f" ({e.detail})" if e.detail else "") + ": the leading cause of death in the Beijing "
                            "cohort (3 of 7 deaths, all within 2 months; TX-PULMONARY-HAEMORRHAGE)",
                            citations=cite("TX-PULMONARY-HAEMORRHAGE")))
    events_r = EventsResult(**_finding_meta(kb, "TX-PULMONARY-HAEMORRHAGE"), events=events,
                            summary=("recorded on " + ", ".join(_d(e.study_day) for e in events)) if events else
                            "none recorded (rareboneExtensions.transplant.events)")

    options = []
    if chim.latest_pct is not None and gf.status != "primary" and (chim.category == "mixed" or chim.trend == "falling"):
        options.append(decisions.chimerism_options(kb, chim.latest_pct, chim.latest_day, chim.trend,
                                                   gf.status == "secondary"))
    if grade_ii:
        worst = next(x for x in agvhd.days if x.study_day == agvhd.max_grade_day)
        options.append(decisions.agvhd_first_line(kb, agvhd.max_grade, worst.study_day,
                                                  {"liver": worst.liver, "lower_gi": worst.lower_gi}))
    items = [DecisionItem(topic=o.topic, text=o.text, definition_id=o.knowledge_id, citations=cite(o.knowledge_id),
                          certainty=kb.get(o.knowledge_id).certainty) for o in options]
    return tma_r, aiha_r, cmv_r, events_r, items

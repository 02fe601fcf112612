"""A SYNTHETIC registry for demos, tests and benchmarks (``rarebone registry demo``).

Rates come from the knowledge entries ``DEMO-*`` (knowledge/data/registry/demo.yaml, each with its source);
this module only draws random numbers. Every record is labelled: patient keys start with ``SYNTHETIC-``,
``synthetic`` is true and the notes say so. Same seed, same registry.
"""

from __future__ import annotations

import datetime as dt
import math

from rarebone.core.time import DAYS_PER_MONTH

PREFIX = "SYNTHETIC-"


class _Params:
    def __init__(self):
        from rarebone.knowledge import load
        from rarebone.knowledge.kinds.registry import DemoParameter

        self.by_key = {e.key: e for e in load().of_kind(DemoParameter)}

    def __getitem__(self, key):
        return self.by_key[key]


class _Draw:
    def __init__(self, seed: int):
        import numpy as np

        self.rng = np.random.default_rng(seed)

    def chance(self, p: float) -> bool:
        return bool(self.rng.random() < p)

    def pick(self, shares: dict[str, float]) -> str:
        keys = list(shares)
        weights = [float(shares[k]) for k in keys]
        total = sum(weights)
        return keys[int(self.rng.choice(len(keys), p=[w / total for w in weights]))]

    def skewed(self, median: float, low: float, high: float) -> float:
        """Median and range as published: half the mass log-uniform below the median, half above."""
        lo, mid, hi = math.log(low), math.log(median), math.log(high)
        u = self.rng.random()
        value = math.exp(lo + (mid - lo) * 2 * u) if u < 0.5 else math.exp(mid + (hi - mid) * (2 * u - 1))
        return round(value, 2)

    def uniform(self, low: float, high: float) -> float:
        return float(self.rng.uniform(low, high))


def generate(patients: int, seed: int = 1):
    """Yield ``patients`` SYNTHETIC records (dicts for ``store.upsert``)."""
    params, draw = _Params(), _Draw(seed)
    period = list(params["period"].shares)
    first, last_tx, last_fu = (dt.date.fromisoformat(d) for d in period)
    width = len(str(patients))
    for i in range(1, patients + 1):
        key = f"{PREFIX}{seed}-{i:0{width}d}"
        if draw.chance(params["cno_share"].probability):
            yield _cno(key, params, draw, last_fu)
        else:
            yield _osteopetrosis(key, params, draw, first, last_tx, last_fu)


def _osteopetrosis(key, params, draw, first, last_tx, last_fu) -> dict:
    diagnosis = draw.pick(params["op_diagnosis"].shares)
    sex = draw.pick(params["op_sex"].shares)
    if diagnosis == "MIOP":
        gene = draw.pick(params["gene_miop"].shares)
        genotype = {"TCIRG1": "compound_heterozygous", "CLCN7": "compound_heterozygous"}.get(gene, "not_tested")
        onset = params["onset_miop_months"]
    else:
        gene, genotype, onset = "CLCN7", "heterozygous", params["onset_iop_months"]
    onset_months = draw.skewed(onset.median, onset.low, onset.high)
    age = params["age_at_transplant_months"]
    age_tx_months = max(draw.skewed(age.median, age.low, age.high), onset_months + 1)
    tx_date = first + dt.timedelta(days=int(draw.uniform(0, (last_tx - first).days)))
    birth = tx_date - dt.timedelta(days=int(age_tx_months * DAYS_PER_MONTH))

    donor_type = draw.pick(params["donor_type"].shares)
    if donor_type == "haploidentical":
        relation = draw.pick(params["haplo_parent"].shares)
        hla = (5, 10)
        os5 = params[f"os5_{relation}"].probability
        engraft_p = params["neutrophil_engraft_haplo"].probability
    elif donor_type == "matched_sibling":
        relation, hla = "sibling", (10, 10)
        os5 = params["os5_matched_sibling"].probability
        engraft_p = params["neutrophil_engraft_matched_sibling"].probability
    else:
        relation = "unrelated"
        hla = (10, 10) if donor_type == "matched_unrelated" else (8, 10)
        os5 = params["os5_alternative"].probability
        engraft_p = params["neutrophil_engraft_alternative"].probability

    followup_max = (last_fu - tx_date).days
    dies = draw.chance(1 - os5)
    if dies and donor_type == "haploidentical":
        window = params["death_window_haplo_days"]
        death_day = draw.uniform(window.low, window.high)
    elif dies:
        death_day = draw.uniform(5, 100) if draw.chance(params["early_death_share_other"].probability) \
            else draw.uniform(100, 5 * 365.25)
    else:
        death_day = None
    followup = round(min(death_day, followup_max), 1) if death_day is not None else float(followup_max)

    transplant: dict = {
        "number": 1, "transplant_date": tx_date, "age_at_transplant_days": round(age_tx_months * DAYS_PER_MONTH, 1),
        "donor_relation": relation, "donor_type": donor_type, "hla_matched": hla[0], "hla_total": hla[1],
        "abo_matched": draw.chance(params["abo_matched"].probability),
        "graft_source": "bone_marrow+peripheral_blood" if donor_type == "haploidentical" else "bone_marrow",
        "conditioning": "Flu/Bu/Cy+ATG" if donor_type == "haploidentical" else "Bu/Cy",
        "mnc_10e8_per_kg": draw.skewed(params["mnc_10e8_per_kg"].median, params["mnc_10e8_per_kg"].low,
                                       params["mnc_10e8_per_kg"].high),
        "cd34_10e6_per_kg": draw.skewed(params["cd34_10e6_per_kg"].median, params["cd34_10e6_per_kg"].low,
                                        params["cd34_10e6_per_kg"].high),
        "followup_days": followup,
    }
    neut = params["neutrophil_day"]
    n_day = draw.skewed(neut.median, neut.low, neut.high)
    if draw.chance(engraft_p) and n_day < followup:
        transplant["neutrophil_engraftment_day"] = n_day
        transplant["graft_failure"] = "none"
        plt = params["platelet"]
        p_day = draw.skewed(plt.median, plt.low, plt.high)
        if draw.chance(plt.probability) and p_day < followup:
            transplant["platelet_engraftment_day"] = p_day
    elif followup > 30:  # primary graft failure declared at d+30 (S1 definition)
        transplant["graft_failure"], transplant["graft_failure_day"] = "primary", 30.0
    agvhd, gday = params["agvhd"], params["agvhd_day"]
    a_day = draw.skewed(gday.median, gday.low, gday.high)
    if "neutrophil_engraftment_day" in transplant and draw.chance(agvhd.probability) and a_day < followup:
        transplant["agvhd_grade"], transplant["agvhd_day"] = int(draw.pick(agvhd.shares)), a_day
    else:
        transplant["agvhd_grade"] = 0
    cg, cday = params["cgvhd"], params["cgvhd_day"]
    c_day = draw.skewed(cday.median, cday.low, cday.high)
    if "neutrophil_engraftment_day" in transplant and draw.chance(cg.probability) and c_day < followup:
        transplant["cgvhd"], transplant["cgvhd_day"] = draw.pick(cg.shares), c_day
    else:
        transplant["cgvhd"] = "none"

    complications = []
    for kind, p in params["complications"].shares.items():
        day = round(draw.uniform(3, min(90.0, max(followup, 4))), 1)
        if draw.chance(p) and day <= followup:
            complications.append({"kind": kind, "day": day})
    patient = {
        "patient_key": key, "synthetic": True, "sex": sex, "birth_date": birth, "diagnosis": diagnosis,
        "gene": None if gene == "not_tested" else gene, "genotype": genotype,
        "age_at_onset_days": round(onset_months * DAYS_PER_MONTH, 1),
        "age_at_diagnosis_days": round((onset_months + (age_tx_months - onset_months) / 2) * DAYS_PER_MONTH, 1),
        "vital_status": "dead" if death_day is not None and death_day <= followup_max else "alive",
        "last_contact_date": tx_date + dt.timedelta(days=int(followup)),
        "notes": "SYNTHETIC demo record made by rarebone registry demo; not a real patient.",
    }
    if patient["vital_status"] == "dead":
        patient["death_date"] = patient["last_contact_date"]
        causes = params["causes_haplo" if donor_type == "haploidentical" else "causes_other"].shares
        patient["cause_of_death"] = draw.pick(causes)
    phenotypes = [{"hpo_id": "HP:0011001", "label": "Increased bone mineral density"},
                  {"hpo_id": "HP:0001903", "label": "Anemia"}]
    return {"patient": {k: v for k, v in patient.items() if v is not None}, "phenotypes": phenotypes,
            "transplants": [transplant], "complications": complications}


_SITES = ("femur", "tibia", "clavicle", "vertebra", "pelvis", "humerus", "calcaneus", "mandible", "fibula", "radius")


def _cno(key, params, draw, last_fu) -> dict:
    sex = "female" if draw.chance(params["cno_female"].probability) else "male"
    age_years = draw.uniform(6, 14)
    start = last_fu - dt.timedelta(days=int(draw.uniform(200, 2000)))
    lesion_p = params["cno_lesions"]
    n_lesions = max(1, int(round(draw.skewed(lesion_p.median, lesion_p.low, lesion_p.high))))
    lesions = [{"site": _SITES[int(draw.uniform(0, len(_SITES)))], "status": draw.pick(lesion_p.shares),
                "first_seen_age_days": round(age_years * 365.25, 1)} for _ in range(n_lesions)]
    if draw.chance(lesion_p.probability):
        lesions.append({"site": _SITES[int(draw.uniform(0, len(_SITES)))], "status": "new",
                        "first_seen_age_days": round(age_years * 365.25 + 180, 1)})
    visits = []
    for v in range(int(draw.uniform(2, 7))):
        visits.append({"visit_date": start + dt.timedelta(days=90 * v), "age_days": round(age_years * 365.25 + 90 * v, 1),
                       "pain_vas_0_10": round(max(0.0, 7 - v * draw.uniform(0.5, 2)), 1),
                       "physician_global_0_10": round(max(0.0, 6 - v * draw.uniform(0.5, 2)), 1),
                       "active_lesions": max(0, n_lesions - v)})
    patient = {"patient_key": key, "synthetic": True, "sex": sex, "diagnosis": "CNO", "vital_status": "alive",
               "birth_date": start - dt.timedelta(days=int(age_years * 365.25)), "last_contact_date": visits[-1]["visit_date"],
               "age_at_diagnosis_days": round(age_years * 365.25, 1),
               "notes": "SYNTHETIC demo record made by rarebone registry demo; not a real patient."}
    return {"patient": patient, "phenotypes": [{"hpo_id": "HP:0002754", "label": "Osteomyelitis"}],
            "cno_visits": visits, "lesions": lesions}

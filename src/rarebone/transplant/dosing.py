"""Body surface area, weight/height plausibility, band dosing and busulfan exposure adjustment.

Pure functions over the knowledge base: every number comes from a knowledge entry named in the docstring.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import ROUND_FLOOR, Decimal
from enum import StrEnum

from rarebone.errors import ImplausibleValueError, InputError, SafetyRefusal
from rarebone.knowledge import KnowledgeBase
from rarebone.knowledge.kinds.transplant import DoseBand, Parameter
from rarebone.patient.growth import (  # one growth reference for every room
    PlausibleRange, check_height, check_weight, plausible_range)  # noqa: F401 (plausible_range: public here too)



class BsaFormula(StrEnum):
    MOSTELLER = "mosteller"
    HAYCOCK = "haycock"


BSA_ENTRY = {BsaFormula.MOSTELLER: "TX-BSA-MOSTELLER", BsaFormula.HAYCOCK: "TX-BSA-HAYCOCK"}


def param(kb: KnowledgeBase, entry_id: str) -> dict:
    entry = kb.get(entry_id)
    if not isinstance(entry, Parameter):
        raise InputError("knowledge entry is not a transplant parameter", value=entry_id)
    return entry.values


def _positive(name: str, value: float | None) -> float:
    if value is None:
        raise InputError(f"{name} is required to compute doses; a dose is never guessed", path=name)
    if not math.isfinite(value) or value <= 0:
        raise ImplausibleValueError(f"{name} must be a positive number", path=name, value=value)
    return float(value)


def bsa_m2(kb: KnowledgeBase, weight_kg: float, height_cm: float, formula: BsaFormula = BsaFormula.MOSTELLER) -> float:
    """Body surface area by Mosteller (TX-BSA-MOSTELLER) or Haycock (TX-BSA-HAYCOCK)."""
    weight_kg = _positive("weight_kg", weight_kg)
    height_cm = _positive("height_cm", height_cm)
    v = param(kb, BSA_ENTRY[BsaFormula(formula)])
    if formula == BsaFormula.MOSTELLER:
        return math.sqrt(height_cm * weight_kg / v["divisor"])
    return v["coefficient"] * weight_kg ** v["weight_exponent"] * height_cm ** v["height_exponent"]


def check_plausible(kb: KnowledgeBase, age_days: float | None, weight_kg: float, height_cm: float) -> PlausibleRange:
    """SafetyRefusal when weight or height is outside the plausibility bounds for age."""
    weight_kg = _positive("weight_kg", weight_kg)
    height_cm = _positive("height_cm", height_cm)
    if age_days is None:
        raise InputError("the child's age is needed to check weight and height (give dateOfBirth or "
                         "timeAtLastEncounter in the Phenopacket)", path="$.subject")
    check_weight(kb, weight_kg, age_days, path="weight_kg")
    return check_height(kb, height_cm, age_days, path="height_cm")


def band_dose(kb: KnowledgeBase, band_id: str, x: float) -> float:
    """The per-dose (or per-day) value of a band table (e.g. TX-BU-EMA) for weight or BSA ``x``."""
    table = kb.get(band_id)
    if not isinstance(table, DoseBand):
        raise InputError("knowledge entry is not a dose band table", value=band_id)
    hits = [b.dose for b in table.bands if b.contains(x)]
    if len(hits) != 1:
        raise SafetyRefusal(f"{band_id}: {len(hits)} bands match {table.variable} {x:g}; band table is broken",
                            value=x)
    return hits[0]


def round_down(kb: KnowledgeBase, amount: float) -> float:
    """Absolute amounts are rounded down (TX-AMOUNT-ROUNDING) so rounding never raises a dose."""
    v = param(kb, "TX-AMOUNT-ROUNDING")
    step = Decimal(1).scaleb(-int(v["decimals"]))
    # the float tolerance keeps 0.7 x 3 = 2.0999999999999996 from losing a cent
    return float(Decimal(amount + v["float_tolerance"]).quantize(step, rounding=ROUND_FLOOR))


def tolerance(kb: KnowledgeBase) -> float:
    """Floating-point tolerance for comparisons with maxima (TX-AMOUNT-ROUNDING)."""
    return float(param(kb, "TX-AMOUNT-ROUNDING")["float_tolerance"])


def tidy(kb: KnowledgeBase, x: float) -> float:
    """Round away binary floating-point noise in reported per-unit values (TX-AMOUNT-ROUNDING report_decimals)."""
    return round(x, int(param(kb, "TX-AMOUNT-ROUNDING")["report_decimals"]))


@dataclass(frozen=True)
class BusulfanAdjustment:
    measured_auc_umol_min: float
    after_dose: int
    target_auc_umol_min: float
    factor: float  # new per-dose = old per-dose x factor
    projected_cumulative_mg_h_per_l: float
    in_first_dose_window: bool
    notes: tuple[str, ...]


def busulfan_adjustment(kb: KnowledgeBase, measured_auc_umol_min: float, after_dose: int) -> BusulfanAdjustment:
    """Proportional TDM rule (TX-BU-ADJUSTMENT): doses after ``after_dose`` become dose x target/measured.

    Projected cumulative exposure assumes the doses before kept the measured AUC and the later ones reach
    the target (TX-BU-AUC-TARGET), converted with TX-BU-EXPOSURE-UNITS and compared with
    TX-BU-CUMULATIVE-OPTIMUM and TX-BU-IEWP-MAC.
    """
    target = param(kb, "TX-BU-AUC-TARGET")
    plaus = param(kb, "TX-BU-AUC-PLAUSIBLE")
    n_total = int(target["doses_total"])
    if not (isinstance(measured_auc_umol_min, (int, float)) and math.isfinite(measured_auc_umol_min)):
        raise InputError("busulfan AUC must be a number in uM.min", path="--busulfan-auc", value=measured_auc_umol_min)
    if not plaus["low_umol_min"] <= measured_auc_umol_min <= plaus["high_umol_min"]:
        raise ImplausibleValueError(
            f"busulfan AUC must be per dose in uM.min, {plaus['low_umol_min']:g}-{plaus['high_umol_min']:g} "
            "(TX-BU-AUC-PLAUSIBLE); is it in mg.h/L?", path="--busulfan-auc", value=measured_auc_umol_min)
    if not 1 <= after_dose < n_total:
        raise InputError(f"--after-dose must be 1-{n_total - 1} (the dose after which the AUC was measured)",
                         path="--after-dose", value=after_dose)
    # TX-BU-CUMULATIVE-TARGET: the remaining doses make up the cumulative target (doses_total x per-dose target):
    # measured doses at the measured AUC + remaining doses at (measured AUC x factor) = doses_total x target
    cumulative_target = n_total * target["target_umol_min"]
    remaining = n_total - after_dose
    factor = (cumulative_target - after_dose * measured_auc_umol_min) / (remaining * measured_auc_umol_min)
    if factor <= 0:
        raise SafetyRefusal(
            f"doses 1-{after_dose} at {measured_auc_umol_min:g} uM.min already reach the cumulative target "
            f"{cumulative_target:g} uM.min (TX-BU-CUMULATIVE-TARGET): no further busulfan by this rule; the "
            "prescriber must decide", path="--busulfan-auc", value=measured_auc_umol_min)
    conv = param(kb, "TX-BU-EXPOSURE-UNITS")["umol_min_per_mg_h_per_l"]
    cumulative = (after_dose * measured_auc_umol_min + remaining * measured_auc_umol_min * factor) / conv
    optimum = param(kb, "TX-BU-CUMULATIVE-OPTIMUM")
    mac = param(kb, "TX-BU-IEWP-MAC")
    in_window = target["window_low_umol_min"] <= measured_auc_umol_min <= target["window_high_umol_min"]
    notes = [
        f"Busulfan doses {after_dose + 1}-{n_total}: x {factor:.3f} so that doses 1-{after_dose} at the measured "
        f"{measured_auc_umol_min:g} uM.min plus doses {after_dose + 1}-{n_total} at {measured_auc_umol_min * factor:.0f} "
        f"uM.min reach the cumulative target {n_total} x {target['target_umol_min']:g} = {cumulative_target:g} uM.min "
        "(TX-BU-CUMULATIVE-TARGET, TX-BU-ADJUSTMENT; label formula wording UNVERIFIED).",
        f"Projected cumulative exposure {cumulative:.1f} mg.h/L (optimum {optimum['low_mg_h_per_l']:g}-"
        f"{optimum['high_mg_h_per_l']:g}; IEWP MAC {mac['low_mg_h_per_l']:g}-{mac['high_mg_h_per_l']:g} mg.h/L).",
    ]
    if not in_window:
        notes.append(f"Measured AUC {measured_auc_umol_min:g} uM.min is outside the first-dose window "
                     f"{target['window_low_umol_min']:g}-{target['window_high_umol_min']:g} uM.min.")
    return BusulfanAdjustment(measured_auc_umol_min, after_dose, target["target_umol_min"], factor, cumulative,
                              in_window, tuple(notes))

"""Turn a protocol (knowledge entry) into per-drug, per-day administrations for one child.

Every absolute amount is checked against the protocol maximum (per day and over the course) after it is
computed; a breach is a SafetyRefusal, never a silent cap.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from rarebone.errors import InputError, SafetyRefusal
from rarebone.knowledge import KnowledgeBase
from rarebone.knowledge.kinds.transplant import DrugLine, TxProtocol
from rarebone.transplant.dosing import BusulfanAdjustment, band_dose, param, round_down, tidy, tolerance


class SmallChildRule(StrEnum):
    BSA = "bsa"
    PER_KG = "per-kg"


class BusulfanLabel(StrEnum):
    EMA = "ema"
    FDA = "fda"


_LABEL_BANDS = {BusulfanLabel.EMA: "TX-BU-EMA", BusulfanLabel.FDA: "TX-BU-FDA"}


@dataclass(frozen=True)
class Administration:
    drug: str
    role: str
    study_day: int
    dose_value: float | None  # per unit per day, in dose_unit; None when the centre sets the day's dose
    dose_unit: str
    amount_value: float | None  # absolute, this child, this day; None when the centre sets the day's dose
    amount_unit: str
    route: str
    frequency: str
    assumed_from: str | None
    certainty: str
    sources: tuple[str, ...]
    amounts_per_dose: tuple[float, ...] = ()  # absolute amount of each dose that day, when given in several doses
    schedule_certainty: str | None = None  # certainty of the day schedule; ``certainty`` is the dose's
    dose_set_by_centre: bool = False
    max_dose_value: float | None = None  # ceiling per unit per day (protocol maximum) when the centre sets the dose
    max_amount_value: float | None = None


@dataclass(frozen=True)
class LineSummary:
    drug: str
    role: str
    published: str
    dose_unit: str
    days: tuple[int, ...]
    open_ended: bool
    total_per_unit: float
    total_amount: float
    amount_unit: str
    basis_text: str
    assumed_from: str | None
    certainty: str
    sources: tuple[str, ...]
    note: str | None
    days_set_by_centre: bool = False
    schedule_certainty: str | None = None  # None when the centre sets the days
    per_day_per_unit: float | None = None  # the same dose every day (open-ended lines): per unit and absolute
    per_day_amount: float | None = None
    dose_set_by_centre: bool = False
    max_per_day_per_unit: float | None = None  # ceiling shown when the centre sets each day's dose
    max_per_day_amount: float | None = None


@dataclass
class Calendar:
    administrations: list[Administration] = field(default_factory=list)
    lines: list[LineSummary] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    knowledge_ids: list[str] = field(default_factory=list)


def find_protocol(kb: KnowledgeBase, key: str) -> TxProtocol:
    protocols = {p.key: p for p in kb.of_kind(TxProtocol)}
    if key not in protocols:
        raise InputError(f"unknown protocol (known: {', '.join(sorted(protocols))})", path="--protocol", value=key)
    return protocols[key]


def resolve_options(protocol: TxProtocol, options: dict[str, str]) -> dict[str, str]:
    """group -> chosen option; the default line of each group unless the user chose another."""
    available: dict[str, set[str]] = {}
    chosen: dict[str, str] = {}
    for line in protocol.drugs:
        if line.option_group:
            available.setdefault(line.option_group, set()).add(line.option)
            if line.default_option:
                chosen[line.option_group] = line.option
    for group, option in options.items():
        if group not in available:
            known = ", ".join(sorted(available)) or "none"
            raise InputError(f"protocol {protocol.key} has no option group {group!r} (groups: {known})",
                             path="--option", value=f"{group}={option}")
        if option not in available[group]:
            raise InputError(f"option must be one of {', '.join(sorted(available[group]))}", path="--option",
                             value=f"{group}={option}")
        chosen[group] = option
    return chosen


def line_days(line: DrugLine, horizon_day: int) -> list[int]:
    """Study days a line runs: the explicit list, or start..end (open end stops at the calendar horizon); none
    when the centre sets the days."""
    if line.days_set_by_centre:
        return []
    if line.days is not None:
        return sorted(line.days)
    end = line.end_day if line.end_day is not None else horizon_day
    return list(range(line.start_day, end + 1))


def build_calendar(
    kb: KnowledgeBase,
    protocol: TxProtocol,
    *,
    weight_kg: float,
    bsa_m2: float,
    small_child_rule: SmallChildRule | None = None,
    busulfan_label: BusulfanLabel = BusulfanLabel.EMA,
    busulfan: BusulfanAdjustment | None = None,
    horizon_day: int | None = None,
    options: dict[str, str] | None = None,
) -> Calendar:
    cal = Calendar()
    eps = tolerance(kb)
    if horizon_day is None:
        horizon_day = int(param(kb, "TX-CALENDAR")["horizon_day"])
    chosen = resolve_options(protocol, options or {})
    threshold = param(kb, "TX-BSA-SMALL-CHILD")["weight_kg"]
    small = weight_kg <= threshold
    active = [line for line in protocol.drugs if not line.option_group or chosen[line.option_group] == line.option]
    per_m2 = list(dict.fromkeys(line.drug for line in active if line.basis == "m2"))
    # a BSA band already is the published dose for the child's BSA (treosulfan, Kalwak 2020): the per-kg
    # conversion applies to flat per-m2 doses only, and the warning names both groups so text and doses agree
    bands = list(dict.fromkeys(line.drug for line in active if line.basis == "bsa_band"))
    rule: str | None = None
    if small and (per_m2 or bands):
        rule = small_child_rule.value if small_child_rule else protocol.small_child_rule
        if rule == "refuse":
            raise SafetyRefusal(
                f"weight {weight_kg:g} kg is {threshold:g} kg or less and protocol {protocol.key} gives no rule for "
                f"per-m2 drugs in small children ({protocol.small_child_rule_reason}); choose --small-child-rule",
                path="--small-child-rule")
        band_text = (f" {', '.join(bands)}: dosed by its published BSA band (per m2, not converted)."
                     if bands else "")
        if rule == "bsa":
            cal.warnings.append(
                f"Weight {weight_kg:g} kg (<= {threshold:g} kg): per-m2 drugs dosed by BSA"
                + (f" ({', '.join(per_m2 + bands)})" if per_m2 or bands else "") + ". BSA dosing below 10 kg can "
                f"overdose (TX-BSA-SMALL-CHILD, CCA). Reason: " + (
                    "chosen with --small-child-rule bsa." if small_child_rule else protocol.small_child_rule_reason))
        else:
            div = param(kb, "TX-MG-PER-KG-FROM-M2")["divisor"]
            converted = (f"flat per-m2 doses converted to per-kg as dose/m2 / {div:g} ({', '.join(per_m2)})"
                         if per_m2 else "no flat per-m2 dose to convert")
            cal.warnings.append(
                f"Weight {weight_kg:g} kg (<= {threshold:g} kg): {converted} (TX-MG-PER-KG-FROM-M2, UNVERIFIED as a "
                f"general rule; chosen with --small-child-rule per-kg).{band_text}")
        cal.knowledge_ids += ["TX-BSA-SMALL-CHILD"] + (["TX-MG-PER-KG-FROM-M2"] if rule == "per-kg" else [])

    for line in protocol.drugs:
        if line.option_group and chosen[line.option_group] != line.option:
            continue
        if line.days_set_by_centre:
            _centre_line(kb, line, weight_kg, bsa_m2, rule, cal, eps)
            continue
        days = line_days(line, horizon_day)
        if not days:
            continue
        if line.dose_set_by_centre:
            _centre_dose_line(kb, line, days, weight_kg, bsa_m2, rule, cal)
            continue
        dose_unit, multiplier, basis_text, scale = _dosing_basis(kb, line, weight_kg, bsa_m2, rule)

        per_day = _per_unit_per_day(kb, line, days, weight_kg, bsa_m2, busulfan_label, busulfan, cal)
        per_day = [v * scale for v in per_day]
        max_day = line.max_per_day * scale
        max_total = line.max_total * scale if line.max_total is not None else None
        per_dose = _amounts_per_dose(kb, line, days, weight_kg, busulfan_label, busulfan, multiplier)
        # each dose is rounded once (TX-AMOUNT-ROUNDING); a day given in several doses is the sum of its rounded doses
        amounts = [round_down(kb, sum(doses)) if doses else round_down(kb, v * multiplier)
                   for v, doses in zip(per_day, per_dose)]
        total_unit = sum(per_day)
        _check_maxima(line, per_day, amounts, multiplier, max_day, max_total, dose_unit, eps)
        if line.min_total is not None and total_unit < line.min_total * scale - eps:
            cal.warnings.append(
                f"{line.drug}: total {total_unit:.3g} {dose_unit} is below the published {line.published}; "
                "the weight band gives less than the protocol range for this weight.")
        for day, value, amount, doses in zip(days, per_day, amounts, per_dose):
            cal.administrations.append(Administration(
                drug=line.drug, role=line.role, study_day=day, dose_value=tidy(kb, value), dose_unit=dose_unit,
                amount_value=amount, amount_unit=line.amount_unit, route=line.route, frequency=line.frequency,
                assumed_from=line.assumed_from, certainty=line.certainty, sources=tuple(line.sources),
                amounts_per_dose=doses, schedule_certainty=line.effective_schedule_certainty))
        cal.lines.append(LineSummary(
            drug=line.drug, role=line.role, published=line.published, dose_unit=dose_unit, days=tuple(days),
            open_ended=line.days is None and line.end_day is None, total_per_unit=tidy(kb, total_unit),
            total_amount=tidy(kb, sum(amounts)), amount_unit=line.amount_unit, basis_text=basis_text,
            assumed_from=line.assumed_from, certainty=line.certainty, sources=tuple(line.sources), note=line.note,
            schedule_certainty=line.effective_schedule_certainty,
            per_day_per_unit=tidy(kb, per_day[0]) if len(set(per_day)) == 1 else None,
            per_day_amount=amounts[0] if len(set(amounts)) == 1 else None))
        if line.bands:
            cal.knowledge_ids.append(_band_id(line, busulfan_label))
    cal.administrations.sort(key=lambda a: (a.study_day, a.drug))
    return cal


def _dosing_basis(kb, line: DrugLine, weight_kg: float, bsa_m2: float, rule: str | None) -> tuple[str, float, str, float]:
    """(dose unit, multiplier from dose to amount, how the amount was computed, scale of the per-unit dose):
    per kg by default, per m2 by BSA, fixed doses as given, and per-m2 doses converted to per-kg under
    --small-child-rule per-kg (TX-MG-PER-KG-FROM-M2)."""
    dose_unit, multiplier, basis_text, scale = line.dose_unit, weight_kg, f"x {weight_kg:g} kg", 1.0
    if line.basis in ("m2", "bsa_band"):
        multiplier, basis_text = bsa_m2, f"x {bsa_m2:.3f} m2"
    if line.basis == "fixed":
        multiplier, basis_text = 1.0, f"fixed dose in {line.dose_unit}, not computed from weight or BSA"
    if line.basis == "m2" and rule == "per-kg":
        div = param(kb, "TX-MG-PER-KG-FROM-M2")["divisor"]
        scale, dose_unit = 1.0 / div, line.dose_unit.replace("/m2", "/kg")
        multiplier, basis_text = weight_kg, f"x {weight_kg:g} kg (converted from /m2 / {div:g})"
    return dose_unit, multiplier, basis_text, scale


def _centre_line(kb, line: DrugLine, weight_kg: float, bsa_m2: float, rule: str | None, cal: Calendar, eps) -> None:
    """A drug whose source gives the total only: total per unit and total amount, no calendar day, a warning."""
    dose_unit, multiplier, basis_text, scale = _dosing_basis(kb, line, weight_kg, bsa_m2, rule)
    if line.basis == "weight_band":
        raise InputError(f"{line.drug}: a weight-band dose needs its days (TDM by dose number)", path=line.drug)
    if line.basis == "bsa_band":
        per_dose = band_dose(kb, line.bands, bsa_m2)
        if per_dose > line.max_per_day + eps:
            raise SafetyRefusal(f"{per_dose:.4g} {dose_unit}/day exceeds the protocol maximum {line.max_per_day:.4g} "
                                f"{dose_unit}/day; the prescriber must decide", path=line.drug, value=per_dose)
        total_unit = per_dose * line.dose_count
        count = f"{per_dose:g} {dose_unit} x {line.dose_count} daily doses ({line.bands})"
        cal.knowledge_ids.append(line.bands)
    else:
        total_unit = line.total * scale
        count = f"{total_unit:g} {dose_unit} total"
    max_total = line.max_total * scale if line.max_total is not None else None
    amount = round_down(kb, total_unit * multiplier)
    if max_total is not None and (total_unit > max_total + eps or amount > max_total * multiplier + eps):
        raise SafetyRefusal(
            f"total {total_unit:.4g} {dose_unit} ({amount:g} {line.amount_unit}) exceeds the protocol maximum "
            f"{max_total:.4g} {dose_unit}; the prescriber must decide", path=line.drug, value=amount)
    cal.lines.append(LineSummary(
        drug=line.drug, role=line.role, published=line.published, dose_unit=dose_unit, days=(), open_ended=False,
        total_per_unit=tidy(kb, total_unit), total_amount=tidy(kb, amount), amount_unit=line.amount_unit,
        basis_text=basis_text, assumed_from=line.assumed_from, certainty=line.certainty,
        sources=tuple(line.sources), note=line.note, days_set_by_centre=True))
    cal.warnings.append(
        f"{line.drug}: DAYS SET BY THE CENTRE. No source rarebone read gives its study days ({line.published}); "
        f"rarebone places "
        f"no {line.drug.lower()} on calendar days, in the CSV or in the ICS. Total for this child: {count} "
        f"{basis_text} = {tidy(kb, amount):g} {line.amount_unit} [{', '.join(line.sources)}].")


def _centre_dose_line(kb, line: DrugLine, days, weight_kg, bsa_m2, rule, cal: Calendar) -> None:
    """Scheduled days whose dose the centre sets (a taper without published steps): no amount is computed;
    the protocol maximum per day is carried as the ceiling."""
    dose_unit, multiplier, basis_text, scale = _dosing_basis(kb, line, weight_kg, bsa_m2, rule)
    ceiling = line.max_per_day * scale
    ceiling_amount = round_down(kb, ceiling * multiplier)
    for day in days:
        cal.administrations.append(Administration(
            drug=line.drug, role=line.role, study_day=day, dose_value=None, dose_unit=dose_unit, amount_value=None,
            amount_unit=line.amount_unit, route=line.route, frequency=line.frequency, assumed_from=line.assumed_from,
            certainty=line.certainty, sources=tuple(line.sources), schedule_certainty=line.effective_schedule_certainty,
            dose_set_by_centre=True, max_dose_value=tidy(kb, ceiling), max_amount_value=ceiling_amount))
    cal.lines.append(LineSummary(
        drug=line.drug, role=line.role, published=line.published, dose_unit=dose_unit, days=tuple(days),
        open_ended=False, total_per_unit=0.0, total_amount=0.0, amount_unit=line.amount_unit, basis_text=basis_text,
        assumed_from=line.assumed_from, certainty=line.certainty, sources=tuple(line.sources), note=line.note,
        schedule_certainty=line.effective_schedule_certainty, dose_set_by_centre=True,
        max_per_day_per_unit=tidy(kb, ceiling), max_per_day_amount=ceiling_amount))
    cal.warnings.append(
        f"{line.drug}: DOSE SET BY THE CENTRE on days {days[0]:+d} to {days[-1]:+d} ({line.published}); the steps are "
        f"not published, so rarebone computes no amount; ceiling {tidy(kb, ceiling):g} {dose_unit}/day {basis_text} = "
        f"{ceiling_amount:g} {line.amount_unit}/day [{', '.join(line.sources)}].")


def _band_id(line: DrugLine, label: BusulfanLabel) -> str:
    if line.bands in _LABEL_BANDS.values():
        return _LABEL_BANDS[BusulfanLabel(label)]
    return line.bands or ""


def _dose_factors(line: DrugLine, days, busulfan: BusulfanAdjustment | None) -> list[list[float]]:
    """TDM factor of each dose of each day: doses after the measured one are scaled by the adjustment."""
    return [[busulfan.factor if busulfan and i * line.doses_per_day + k + 1 > busulfan.after_dose else 1.0
             for k in range(line.doses_per_day)] for i, _ in enumerate(days)]


def _amounts_per_dose(kb, line: DrugLine, days, weight_kg, label, busulfan, multiplier) -> list[tuple[float, ...]]:
    """Absolute amount of each dose (weight-band drugs given in several doses a day); empty otherwise."""
    if line.basis != "weight_band" or line.doses_per_day == 1:
        return [()] * len(days)
    per_dose = band_dose(kb, _band_id(line, label), weight_kg)
    return [tuple(round_down(kb, per_dose * f * multiplier) for f in factors)
            for factors in _dose_factors(line, days, busulfan)]


def _per_unit_per_day(kb, line: DrugLine, days, weight_kg, bsa_m2, label, busulfan, cal) -> list[float]:
    if line.basis in ("kg", "m2", "fixed"):
        if line.per_day is not None:
            return [line.per_day] * len(days)
        return [line.total / len(days)] * len(days)
    if line.basis == "bsa_band":
        return [band_dose(kb, line.bands, bsa_m2)] * len(days)
    # weight band (busulfan): per-dose value x doses a day; TDM adjusts doses after the measured one
    per_dose = band_dose(kb, _band_id(line, label), weight_kg)
    values = [sum(per_dose * f for f in factors) for factors in _dose_factors(line, days, busulfan)]
    if busulfan is None:
        cal.warnings.append(
            f"{line.drug}: {per_dose:g} {line.dose_unit} per dose x {line.doses_per_day} a day "
            f"({_band_id(line, label)}, {label.upper()} weight band for {weight_kg:g} kg). No busulfan AUC given: "
            "dosing without therapeutic drug monitoring deviates from IEWP practice (TX-BU-NO-TDM).")
    else:
        cal.warnings.extend(busulfan.notes)
    return values


def _check_maxima(line: DrugLine, per_day, amounts, multiplier, max_day, max_total, unit, eps) -> None:
    for value, amount in zip(per_day, amounts):
        if value > max_day + eps or amount > max_day * multiplier + eps:
            raise SafetyRefusal(
                f"{value:.4g} {unit}/day ({amount:g} {line.amount_unit}) exceeds the protocol maximum "
                f"{max_day:.4g} {unit}/day ({max_day * multiplier:.2f} {line.amount_unit}); the prescriber must decide",
                path=line.drug, value=amount)
    if max_total is not None:
        total = sum(per_day)
        if total > max_total + eps or sum(amounts) > max_total * multiplier + eps:
            raise SafetyRefusal(
                f"total {total:.4g} {unit} ({sum(amounts):g} {line.amount_unit}) exceeds the protocol "
                f"maximum {max_total:.4g} {unit} ({max_total * multiplier:.2f} {line.amount_unit}); "
                "the prescriber must decide", path=line.drug, value=round(sum(amounts), 2))

"""order-sign: draft MedicationRequests checked against the knowledge base's weight-based doses and caps.

Drugs checked, each from its knowledge entries (never a number in this file):
- anakinra: CNO ladder step CNO-LADDER-ANAKINRA (mg/kg/day, daily cap with its certainty, lowest weight);
- pamidronate: every CNO regimen (kind cno_regimen: mg/kg per dose, per-dose cap where the regimen gives one);
- conditioning agents: every transplant protocol's conditioning lines (max per kg or per m2 per day).
rarebone does not know which protocol or regimen the child is on (the plan is not in the EHR request), so an
order is flagged only when it is above the LARGEST maximum of every published protocol/regimen that has the drug,
and the card lists each of them. No weight (or no height for a per-m2 drug) -> the card says the dose cannot be
checked; a weight is never guessed.
"""

from __future__ import annotations

import uuid  # stdlib, light; at module level so tests can count the uuids (test_lean_layer.py)
from dataclasses import dataclass

from rarebone.knowledge import KnowledgeBase

_PERIOD_DAYS = {"d": 1.0, "wk": 7.0, "h": 1.0 / 24, "min": 1.0 / 1440, "s": 1.0 / 86400}  # exact; months/years vary, so such timings count as not given
_MG = {"mg", "milligram", "milligrams"}


@dataclass
class Limit:
    label: str  # protocol or regimen
    per: str  # "day" or "dose"
    amount_mg: float | None  # None: cannot be computed (problem says why)
    basis: str  # the arithmetic, in words
    entry_id: str
    citations: list[str]
    certainty: str
    doses_per_day: int = 1
    problem: str | None = None


@dataclass
class Weight:
    kg: float | None
    height_cm: float | None
    when: str  # date of the weight, or "no weight recorded"


def medication_text(resource: dict) -> str:
    concept = resource.get("medicationCodeableConcept") or {}
    parts = [concept.get("text") or ""] + [c.get("display") or "" for c in concept.get("coding") or []]
    return " ".join(parts).lower()


def _fmt(x: float) -> str:
    return f"{x:.2f}".rstrip("0").rstrip(".")


def limits_for(kb: KnowledgeBase, text: str, w: Weight) -> tuple[str, list[Limit]] | None:
    """The drug named in ``text`` and one limit per knowledge entry that doses it; None if no entry does."""
    from rarebone.knowledge.kinds.cno import CnoLadderStep, CnoRegimen
    from rarebone.knowledge.kinds.transplant import TxProtocol

    for step in kb.of_kind(CnoLadderStep):
        if step.dose_mg_per_kg_per_day is None or not step.agents or step.agents[0] not in text:
            continue
        drug = step.agents[0]
        if w.kg is None:
            return drug, [Limit(step.id, "day", None, "", step.id, step.sources, step.certainty,
                                problem="no body weight in the record")]
        if step.min_weight_kg is not None and w.kg < step.min_weight_kg:
            return drug, [Limit(step.id, "day", None, "", step.id, step.sources, step.certainty,
                                problem=f"weight {_fmt(w.kg)} kg is below {_fmt(step.min_weight_kg)} kg: "
                                        f"{step.min_weight_note or 'no source read gives a dose'}")]
        amount = step.dose_mg_per_kg_per_day * w.kg
        basis = f"{_fmt(step.dose_mg_per_kg_per_day)} mg/kg/day × {_fmt(w.kg)} kg = {_fmt(amount)} mg/day"
        certainty = step.certainty
        if step.max_mg_per_day is not None and amount > step.max_mg_per_day:
            amount = step.max_mg_per_day
            certainty = step.max_certainty or certainty  # the cap's own certainty decides the line
            basis += f", capped at {_fmt(step.max_mg_per_day)} mg/day: {step.max_note or ''}"
        label = f"CNO ladder step {step.step} ({step.id}): {step.dose_text}"
        return drug, [Limit(label, "day", amount, basis, step.id, step.sources, certainty)]
    regimens = [r for r in kb.of_kind(CnoRegimen) if r.agent in text]
    if regimens:
        drug = regimens[0].agent
        out = []
        for r in regimens:
            if w.kg is None:
                out.append(Limit(r.label, "dose", None, "", r.id, r.sources, r.certainty,
                                 problem="no body weight in the record"))
                continue
            amount = r.dose_mg_per_kg * w.kg
            basis = f"{_fmt(r.dose_mg_per_kg)} mg/kg per dose × {_fmt(w.kg)} kg = {_fmt(amount)} mg"
            certainty = r.certainty
            if r.max_mg_per_dose is not None and amount > r.max_mg_per_dose:
                amount = r.max_mg_per_dose
                certainty = r.max_mg_per_dose_certainty or certainty
                basis += f", capped at {_fmt(r.max_mg_per_dose)} mg per dose"
            out.append(Limit(r.label, "dose", amount, basis, r.id, r.sources, certainty))
        return drug, out
    for protocol in kb.of_kind(TxProtocol):
        for line in protocol.drugs:
            name = line.drug.split(" (")[0].lower()
            if line.role != "conditioning" or name not in text or line.basis == "fixed":
                continue
            return name, _conditioning(kb, name, w)
    return None


def _conditioning(kb: KnowledgeBase, name: str, w: Weight) -> list[Limit]:
    from rarebone.knowledge.kinds.transplant import TxProtocol
    from rarebone.transplant.dosing import bsa_m2

    out = []
    for protocol in kb.of_kind(TxProtocol):
        for line in protocol.drugs:
            if line.role != "conditioning" or line.drug.split(" (")[0].lower() != name or line.basis == "fixed":
                continue
            label = f"{protocol.name}: {line.drug}"
            unit = line.dose_unit.split("/")
            if line.amount_unit != "mg":
                out.append(Limit(label, "day", None, "", protocol.id, line.sources, line.certainty,
                                 problem=f"dosed in {line.amount_unit}; only mg orders are checked"))
                continue
            if w.kg is None:
                out.append(Limit(label, "day", None, "", protocol.id, line.sources, line.certainty,
                                 problem="no body weight in the record"))
                continue
            if unit[-1] == "m2":
                if w.height_cm is None:
                    out.append(Limit(label, "day", None, "", protocol.id, line.sources, line.certainty,
                                     problem="dosed per m2 and no height in the record (BSA unknown)"))
                    continue
                bsa = bsa_m2(kb, w.kg, w.height_cm)
                amount = line.max_per_day * bsa
                basis = (f"at most {_fmt(line.max_per_day)} {line.dose_unit}/day × BSA {bsa:.2f} m2 (Mosteller, "
                         f"{_fmt(w.kg)} kg, {_fmt(w.height_cm)} cm) = {_fmt(amount)} mg/day")
            else:
                amount = line.max_per_day * w.kg
                basis = f"at most {_fmt(line.max_per_day)} {line.dose_unit}/day × {_fmt(w.kg)} kg = {_fmt(amount)} mg/day"
            out.append(Limit(label, "day", amount, basis + f" (published: {line.published})", protocol.id,
                             line.sources, line.certainty, doses_per_day=line.doses_per_day))
    return out


@dataclass
class Ordered:
    dose_mg: float | None
    per_day_mg: float | None  # None when the timing does not say how often
    doses_per_day: float | None
    problem: str | None = None


def ordered_amount(resource: dict) -> Ordered:
    dosage = (resource.get("dosageInstruction") or [{}])[0]
    quantity = None
    for dr in dosage.get("doseAndRate") or []:
        quantity = dr.get("doseQuantity") or quantity
    if quantity is None:
        return Ordered(None, None, None, "the order gives no doseQuantity")
    unit = (quantity.get("code") or quantity.get("unit") or "").lower()
    if unit not in _MG or not isinstance(quantity.get("value"), (int, float)):
        return Ordered(None, None, None, f"dose unit {unit or '(none)'!r} is not mg; not checked")
    dose = float(quantity["value"])
    repeat = (dosage.get("timing") or {}).get("repeat") or {}
    freq, period, unit = repeat.get("frequency"), repeat.get("period"), repeat.get("periodUnit")
    if freq and period and unit in _PERIOD_DAYS:
        per_day = freq / (period * _PERIOD_DAYS[unit])
        return Ordered(dose, dose * per_day, per_day)
    return Ordered(dose, None, None)


def _marks(certainty: str) -> str:
    return {"unverified": " **UNVERIFIED**", "secondary": " *(secondary source)*"}.get(certainty, "")


def order_date(resource: dict) -> str | None:
    dosage = (resource.get("dosageInstruction") or [{}])[0]
    timing = dosage.get("timing") or {}
    when = (timing.get("event") or [None])[0] or ((timing.get("repeat") or {}).get("boundsPeriod") or {}).get("start") \
        or resource.get("authoredOn")
    return when.split("T")[0] if when else None  # the calendar day of a FHIR date or dateTime


def _planned(plan: list[dict], drug: str, day: str | None) -> dict | None:
    """The plan's administration of this drug on this day (rarebone's plan --format fhir shape)."""
    if day is None:
        return None
    for request in plan:
        if drug in medication_text(request) and order_date(request) == day and ordered_amount(request).dose_mg:
            return request
    return None


def order_cards(kb: KnowledgeBase, draft_orders: dict, w: Weight, maker, plan: list[dict] | None = None,
                focus: set[str] | None = None) -> list:
    """One card per draft MedicationRequest of a knowledge-base drug whose dose differs from the child's plan
    for that day (when the plan is given), or is above every published maximum, or cannot be checked (no weight,
    no height for a per-m2 drug, no dose in mg).

    ``focus`` (order-select: the ``selections``, as "MedicationRequest/id"): only those orders get a card of their
    own; the rest of the basket is context, counted in the sum of one drug's orders for a day, which gets a card
    when a focused order is part of it (an anakinra order selected beside one already in the basket)."""
    import copy
    from rarebone.cdshooks.cards import _cite, _source
    from rarebone.cdshooks.models import Action, Suggestion
    from rarebone.transplant.dosing import round_down, tolerance

    cards = []
    # orders under a daily maximum on their own, by (drug, day): together they may not be (cumulative check)
    # (the last field: whether the order is one the call is about; see ``focus``)
    under_daily: dict[tuple[str, str | None], list[tuple[dict, float, str, Limit, str, list, str, str, bool]]] = {}
    for index, entry in enumerate(draft_orders.get("entry") or []):
        res = entry.get("resource") or {}
        if res.get("resourceType") != "MedicationRequest":
            continue
        focused = focus is None or f"MedicationRequest/{res.get('id')}" in focus
        found = limits_for(kb, medication_text(res), w)
        if found is None:
            continue
        drug, limits = found
        citations = sorted({c for lim in limits for c in lim.citations})
        source = _source(kb, "rarebone: weight-based dose check", f"dose-{drug}", f"{drug} dose", citations)
        weight_line = (f"Weight used: {_fmt(w.kg)} kg ({w.when})" if w.kg is not None else "No body weight in the "
                       "record (Observation LOINC 29463-7); rarebone never guesses a weight.")
        table = "\n".join(
            f"- {lim.label}: " + (lim.basis if lim.amount_mg is not None else f"not computed: {lim.problem}")
            + _marks(lim.certainty) + _cite(kb, lim.citations) for lim in limits)
        computable = [lim for lim in limits if lim.amount_mg is not None]
        ordered = ordered_amount(res)
        # An order of the rest of the basket (not ``focus``) gets no card of its own (it gets one when it is selected
        # or signed); under its daily maximum, it still counts in its drug's sum for the day.
        if not computable or ordered.problem:
            if focused:
                why = ordered.problem if computable else "; ".join(dict.fromkeys(lim.problem for lim in limits))
                cards.append(maker.card(f"{drug.capitalize()} order not checked: {why}", "warning",
                                        f"{weight_line}\n\n**Published doses in the knowledge base**\n\n{table}",
                                        source, citations))
            continue
        planned = _planned(plan or [], drug, order_date(res)) if focused else None
        if planned is not None:
            card = _plan_card(kb, res, planned, drug, ordered, weight_line, table, source, citations, maker)
            if card is not None:
                cards.append(card)
                continue
        top = max(computable, key=lambda lim: lim.amount_mg)
        value, what = _compared(top, ordered)
        if value <= top.amount_mg + tolerance(kb):
            if top.per == "day":
                under_daily.setdefault((drug, order_date(res)), []).append(
                    (res, value, what if focused else what + " (already in the order basket)", top, table,
                     citations, weight_line, source, focused))
            continue
        if not focused:
            continue
        per_dose_max = top.amount_mg / (ordered.doses_per_day or 1) if top.per == "day" else top.amount_mg
        corrected = round_down(kb, min(per_dose_max, ordered.dose_mg))
        fixed = copy.deepcopy(res)
        for dr in fixed["dosageInstruction"][0]["doseAndRate"]:
            if "doseQuantity" in dr:
                dr["doseQuantity"]["value"] = corrected
        unit = "mg/day" if top.per == "day" else "mg per dose"
        label = f"Change the dose to {_fmt(corrected)} mg"
        body = (f"Ordered: {what}. Largest published maximum for this child: **{_fmt(top.amount_mg)} {unit}** "
                f"({top.label}).\n\n{weight_line}\n\nrarebone does not know which protocol or regimen this child "
                f"is on; the order is above the maximum of every one below.\n\n**Published doses in the knowledge "
                f"base**\n\n{table}")
        suggestion = Suggestion(label=label, isRecommended=True, uuid=str(uuid.uuid4()),
                                actions=[Action(type="update", resource=fixed,
                                                description=f"{label} (the largest published maximum, rounded down)")])
        card = maker.card(f"{drug.capitalize()}: {what.split(' (')[0]} is above the maximum {_fmt(top.amount_mg)} "
                          f"{unit} for {_fmt(w.kg)} kg", "warning", body, source, citations, [suggestion])
        card.selectionBehavior = "at-most-one"
        cards.append(card)
    cards += _cumulative_cards(kb, under_daily, w, maker)
    return cards


def _compared(top: Limit, ordered: Ordered) -> tuple[float, str]:
    """The ordered amount compared with the limit ``top`` (a day's or one dose's), and how the card words it."""
    if top.per == "day" and ordered.per_day_mg is not None:
        return ordered.per_day_mg, f"{_fmt(ordered.per_day_mg)} mg/day"
    if top.per == "day":
        return ordered.dose_mg, (f"{_fmt(ordered.dose_mg)} mg per dose (timing not given: the single dose was "
                                 "compared with the daily maximum)")
    return ordered.dose_mg, f"{_fmt(ordered.dose_mg)} mg per dose"


def _cumulative_cards(kb: KnowledgeBase, groups: dict, w: Weight, maker) -> list:
    """Several draft orders of one drug for the same day (or all without a day: signed together), each under the
    drug's daily maximum, whose daily amounts add up to more than it: one warning card, no suggestion (which order
    to reduce is the prescriber's choice). Only daily maxima are summed; a per-dose maximum says nothing about a day."""
    from rarebone.transplant.dosing import tolerance

    cards = []
    for (drug, day), orders in groups.items():
        if len(orders) < 2 or not any(order[-1] for order in orders):
            continue
        total = sum(value for _, value, *_ in orders)
        _, _, _, top, table, citations, weight_line, source, _ = orders[0]  # same drug and child: same limits
        if total <= top.amount_mg + tolerance(kb):
            continue
        when = f"on {day}" if day else "without a date (taken as given together)"
        lines = "\n".join(f"- {res.get('resourceType')}/{res.get('id', '?')}: {what}" for res, _, what, *_ in orders)
        body = (f"{len(orders)} draft orders of {drug} {when} add up to **{_fmt(total)} mg/day**; each is under the "
                f"maximum on its own. Largest published maximum for this child: **{_fmt(top.amount_mg)} mg/day** "
                f"({top.label}).\n\n{lines}\n\n{weight_line}\n\n**Published doses in the knowledge base**\n\n{table}")
        cards.append(maker.card(f"{drug.capitalize()}: {len(orders)} orders add up to {_fmt(total)} mg/day, above the "
                                f"maximum {_fmt(top.amount_mg)} mg/day for {_fmt(w.kg)} kg", "warning", body, source,
                                citations))
    return cards


def _plan_card(kb, res, planned, drug, ordered, weight_line, table, source, citations, maker):
    """Warning when the order's single dose is not the plan's amount for that day (beyond float noise)."""
    import copy
    from rarebone.cdshooks.models import Action, Suggestion
    from rarebone.transplant.dosing import tolerance

    amount = ordered_amount(planned).dose_mg
    if abs(ordered.dose_mg - amount) <= tolerance(kb):
        return None
    day = order_date(res)
    fixed = copy.deepcopy(res)
    for dr in fixed["dosageInstruction"][0]["doseAndRate"]:
        if "doseQuantity" in dr:
            dr["doseQuantity"]["value"] = amount
    notes = "; ".join(n.get("text", "") for n in planned.get("note") or [])
    body = (f"Ordered: {_fmt(ordered.dose_mg)} mg per dose on {day}. The child's plan gives **{_fmt(amount)} mg** "
            f"for {day}: {((planned.get('dosageInstruction') or [{}])[0]).get('text', '')}"
            f"{' (' + notes + ')' if notes else ''}.\n\n{weight_line}\n\n**Published doses in the knowledge base**"
            f"\n\n{table}")
    label = f"Change the dose to the planned {_fmt(amount)} mg"
    suggestion = Suggestion(label=label, isRecommended=True, uuid=str(uuid.uuid4()),
                            actions=[Action(type="update", resource=fixed, description=label)])
    card = maker.card(f"{drug.capitalize()}: {_fmt(ordered.dose_mg)} mg on {day} differs from the plan's "
                      f"{_fmt(amount)} mg", "warning", body, source, citations, [suggestion])
    card.selectionBehavior = "at-most-one"
    return card

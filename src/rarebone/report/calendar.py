"""Ward calendar exports of a TransplantPlan: CSV (one row per drug-day and per surveillance day, told apart
by the ``kind`` column) and iCalendar (RFC 5545, one all-day event per drug-day and per surveillance day, the
latter with CATEGORIES:surveillance)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re

from rarebone.report.csv_safe import safe_row
from rarebone.workflows.plan import TransplantPlan

CSV_COLUMNS = ["patient_id", "protocol", "kind", "study_day", "date", "day_source", "drug", "role", "dose_value", "dose_unit",
               "amount_value", "amount_unit", "route", "frequency", "schedule", "citations", "override_reason",
               "knowledge_version", "notice"]


def dose_text(value: float) -> str:
    """A per-kg / per-m2 dose with four significant digits (3.913 mg/kg/day, not 3.91304), never in exponent form."""
    return f"{value:.4g}" if abs(value) < 10000 else f"{value:.0f}"


def schedule_text(assumed_from: str | None, schedule_certainty: str | None = None) -> str:
    """Where the day schedule comes from, marked [UNVERIFIED schedule] when its days / split are unverified
    (the dose itself may be verified: the certainty of the dose is shown with the drug name)."""
    mark = " [UNVERIFIED schedule]" if schedule_certainty == "unverified" else ""
    return (f"schedule assumed from {assumed_from}" if assumed_from else "as published") + mark


def day_mark(a) -> str:
    """The mark an event's title carries when its day is not as published: a clinician reading only the title
    (ICS SUMMARY, CSV row, PDF row) must see that the day is rarebone's assumption."""
    if not a.assumed_from:
        return ""
    return "[DAY ASSUMED, UNVERIFIED]" if a.schedule_certainty == "unverified" else "[DAY ASSUMED]"


def day_source(a) -> str:
    """CSV ``day_source``: where the day of this row comes from."""
    if not a.assumed_from:
        return "as published"
    return "assumed by rarebone" + (" [UNVERIFIED schedule]" if a.schedule_certainty == "unverified" else "")


def amount_text(a) -> str:
    """'8.68 mg', or for a day whose dose the centre sets: 'dose set by the centre (at most 39.5 mg)'."""
    if a.dose_set_by_centre:
        return f"dose set by the centre (at most {a.max_amount.value:g} {a.max_amount.unit})"
    return f"{a.amount.value:g} {a.amount.unit}"


def plan_csv(plan: TransplantPlan) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)  # header first so csv.DictReader and spreadsheets import it cleanly
    rows = [(a.study_day, 0, a.drug, [plan.patient_id, plan.protocol.key, "drug", a.study_day, a.date.isoformat(),
                                      day_source(a), a.drug, a.role,
                                      "" if a.dose is None else f"{a.dose.value:g}", a.max_dose.unit if a.dose is None
                                      else a.dose.unit, "" if a.amount is None else f"{a.amount.value:g}",
                                      a.max_amount.unit if a.amount is None else a.amount.unit, a.route, a.frequency,
                                      schedule_text(a.assumed_from, a.schedule_certainty)
                                      + (f"; {amount_text(a)}, {dose_text(a.max_dose.value)} {a.max_dose.unit} ceiling"
                                         if a.dose_set_by_centre else ""), " ".join(a.citations),
                                      _override(plan), plan.knowledge_version, plan.notice])
            for a in plan.administrations]
    # surveillance days: the item in the drug column, no dose or amount
    rows += [(s.study_day, 1, s.item, [plan.patient_id, plan.protocol.key, "surveillance", s.study_day,
                                       s.date.isoformat(), _surveillance_schedule(s), s.item, "surveillance", "", "",
                                       "", "", "",
                                       "", _surveillance_schedule(s), " ".join(s.citations), _override(plan),
                                       plan.knowledge_version, plan.notice])
             for s in plan.surveillance]
    for *_, row in sorted(rows, key=lambda r: r[:3]):
        writer.writerow(safe_row(row))  # free text (override reason) must not run as a formula
    return out.getvalue()


def _surveillance_schedule(s) -> str:
    if s.assumed_from:
        return day_source(s)
    return "as published" if s.certainty == "verified" else f"{s.certainty.upper()} schedule"


def _override(plan: TransplantPlan) -> str:
    if not plan.override_reason:
        return ""
    return (f"HSCT NOT INDICATED for {', '.join(plan.hsct_not_indicated_genes)}; planned on prescriber override: "
            f"{plan.override_reason}")


def _escape(text: str) -> str:
    return (text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
            .replace("\r\n", "\\n").replace("\n", "\\n"))


def _fold(line: str) -> str:
    """Fold a content line at 75 octets (RFC 5545 3.1), never inside a UTF-8 character."""
    data = line.encode("utf-8")
    if len(data) <= 75:
        return line
    parts, current, size, limit = [], "", 0, 75
    for ch in line:
        n = len(ch.encode("utf-8"))
        if size + n > limit:
            parts.append(current)
            current, size, limit = "", 0, 74  # continuation lines start with one space
        current += ch
        size += n
    parts.append(current)
    return "\r\n ".join(parts)


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def _doses_in_title(a) -> str:
    """A drug given several times a day (busulfan q6h) shows its single doses in the event title, so the day's
    total is never read as one infusion: '59.52 mg/day as 4 doses of 14.88 mg'."""
    if not a.amounts_per_dose or a.amount is None:
        return ""
    values = [f"{q.value:g}" for q in a.amounts_per_dose]
    doses = (f"{len(values)} doses of {values[0]} {a.amount.unit}" if len(set(values)) == 1
             else f"doses of {', '.join(values)} {a.amount.unit}")
    return f"/day as {doses}"


def plan_ics(plan: TransplantPlan, dtstamp: dt.datetime) -> str:
    stamp = dtstamp.astimezone(dt.timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//rarebone//transplant plan//EN", "CALSCALE:GREGORIAN",
             f"X-WR-CALNAME:{_escape(f'{plan.patient_id} {plan.protocol.key}')}",
             f"X-WR-CALDESC:{_escape(' '.join(x for x in (_override(plan), plan.notice, f'Knowledge {plan.knowledge_version}.') if x))}"]
    for a in plan.administrations:
        day = f"{a.study_day:+d}" if a.study_day else "0"
        summary = " ".join(x for x in (f"Day {day}: {a.drug} {amount_text(a)}{_doses_in_title(a)} {a.route}",
                                       day_mark(a)) if x)
        per_dose = (" (" + ", ".join(f"{q.value:g}" for q in a.amounts_per_dose) + f" {a.amount.unit} per dose)"
                    if a.amounts_per_dose else "")
        dose = (f"{amount_text(a)}: taper step set by the centre, ceiling {dose_text(a.max_dose.value)} {a.max_dose.unit}"
                if a.dose_set_by_centre else
                f"{dose_text(a.dose.value)} {a.dose.unit} x this child = {a.amount.value:g} {a.amount.unit}{per_dose}")
        description = (f"{dose}; "
                       f"{a.frequency}; {schedule_text(a.assumed_from, a.schedule_certainty)}; sources {', '.join(a.citations)}. "
                       f"{plan.notice} Knowledge {plan.knowledge_version}."
                       + (f" {_override(plan)}." if plan.override_reason else ""))
        lines += [
            "BEGIN:VEVENT",
            f"UID:{_slug(plan.patient_id)}-{plan.protocol.key}-{_slug(a.drug)}-{a.study_day}-{a.date:%Y%m%d}@rarebone",
            f"DTSTAMP:{stamp}",
            f"DTSTART;VALUE=DATE:{a.date:%Y%m%d}",
            f"DTEND;VALUE=DATE:{a.date + dt.timedelta(days=1):%Y%m%d}",
            f"SUMMARY:{_escape(summary)}",
            f"DESCRIPTION:{_escape(description)}",
            f"CATEGORIES:{_escape(a.role)}",
            "TRANSP:TRANSPARENT",
            "END:VEVENT",
        ]
    for s in plan.surveillance:
        day = f"{s.study_day:+d}" if s.study_day else "0"
        description = (f"Surveillance: {s.item}; {_surveillance_schedule(s)}; sources {', '.join(s.citations)}. "
                       f"{plan.notice} Knowledge {plan.knowledge_version}."
                       + (f" {_override(plan)}." if plan.override_reason else ""))
        lines += [
            "BEGIN:VEVENT",
            f"UID:{_slug(plan.patient_id)}-{plan.protocol.key}-surveillance-{_slug(s.item)}-{s.study_day}-"
            f"{s.date:%Y%m%d}@rarebone",
            f"DTSTAMP:{stamp}",
            f"DTSTART;VALUE=DATE:{s.date:%Y%m%d}",
            f"DTEND;VALUE=DATE:{s.date + dt.timedelta(days=1):%Y%m%d}",
            f"SUMMARY:{_escape(' '.join(x for x in (f'Day {day}: {s.item}', day_mark(s)) if x))}",
            f"DESCRIPTION:{_escape(description)}",
            "CATEGORIES:surveillance",
            "TRANSP:TRANSPARENT",
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    return "\r\n".join(_fold(line) for line in lines) + "\r\n"

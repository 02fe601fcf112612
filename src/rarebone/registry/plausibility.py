"""Checks across the fields of one registry record, before it is stored (issue 11 item 6; docs/robustness.md).

Each field was already checked alone (``dictionary.coerce``: finite, in range, real dates); here the fields are
checked against each other, whatever importer the record came from: matched HLA alleles cannot exceed the alleles
compared, an event day cannot fall after the last follow-up day, nothing happens before birth.
"""

from __future__ import annotations

import datetime as dt
import math

from rarebone.core import clock, limits
from rarebone.errors import ImplausibleValueError

_EVENT_DAYS = ("neutrophil_engraftment_day", "platelet_engraftment_day", "graft_failure_day", "agvhd_day", "cgvhd_day")
_DATES = ("birth_date", "death_date", "last_contact_date")


def _as_date(value, path: str):
    if value is None or isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise ImplausibleValueError("not a date (YYYY-MM-DD)", path=path, value=value) from None


def check_record(record: dict) -> None:
    patient = record.get("patient") or {}
    today = clock.today()
    dates = {}
    for name in _DATES:
        day = _as_date(patient.get(name), f"patient.{name}")
        if day is not None:
            dates[name] = limits.record_date(day, today, path=f"patient.{name}")
    birth = dates.get("birth_date")
    for name in ("death_date", "last_contact_date"):
        if birth and name in dates and dates[name] < birth:
            raise ImplausibleValueError(f"before the date of birth ({birth})", path=f"patient.{name}",
                                        value=dates[name].isoformat())
    for i, t in enumerate(record.get("transplants") or []):
        where = f"transplants[{i}]"
        for key, value in t.items():
            if isinstance(value, float) and not math.isfinite(value):
                raise ImplausibleValueError("not a finite number", path=f"{where}.{key}", value=value)
        day0 = _as_date(t.get("transplant_date"), f"{where}.transplant_date")
        if day0 is not None:
            limits.record_date(day0, today, path=f"{where}.transplant_date")
            if birth and day0 < birth:
                raise ImplausibleValueError(f"before the date of birth ({birth})", path=f"{where}.transplant_date",
                                            value=day0.isoformat())
        matched, total = t.get("hla_matched"), t.get("hla_total")
        if matched is not None and (matched < 0 or (total is not None and matched > total)):
            raise ImplausibleValueError(f"matched HLA alleles must be between 0 and the alleles compared ({total})",
                                        path=f"{where}.hla_matched", value=matched)
        followup = t.get("followup_days")
        for name in _EVENT_DAYS:
            day = t.get(name)
            if day is not None and followup is not None and day > followup:
                raise ImplausibleValueError(f"after the last follow-up day ({followup:g})", path=f"{where}.{name}",
                                            value=day)
        age = t.get("age_at_transplant_days")
        if age is not None:
            limits.age_days(age, path=f"{where}.age_at_transplant_days")
    for name in ("measurements", "complications", "treatments", "cno_visits", "lesions", "phenotypes"):
        for i, item in enumerate(record.get(name) or []):
            for key, value in (item or {}).items():
                if isinstance(value, float) and (not math.isfinite(value) or abs(value) > limits.MAX_NUMBER):
                    raise ImplausibleValueError("not a finite number of plausible size", path=f"{name}[{i}].{key}",
                                                value=value)

"""Plausibility bounds and size limits applied to every value and file at the edge (docs/robustness.md).

These are not clinical thresholds (nothing here changes a judgement): they are the outer walls that catch typing
errors, unit slips and corrupted files before anything is stored or computed, so the numbers live here with the
other input rules, not in the knowledge files.
"""

from __future__ import annotations

import datetime as dt
import math

from rarebone.errors import ImplausibleValueError

EARLIEST_DATE = dt.date(1900, 1, 1)      # no child in a registry was born before this
RECORD_DATE_MARGIN_DAYS = 1              # record dates may be "tomorrow" (time zones), not later
PLAN_DATE_HORIZON_DAYS = 5 * 366         # a planned day 0 or first infusion: at most about five years ahead
MAX_AGE_DAYS = 120 * 365.25              # ages and durations: 0-120 years
MAX_FILE_BYTES = 20 * 1024 * 1024        # one Phenopacket, mapping or spreadsheet: 20 MB
MAX_JSON_DEPTH = 64                      # a Phenopacket is about 10 levels deep
MAX_CELL_CHARS = 10_000                  # one spreadsheet cell (a free-text note fits easily)
MAX_NUMBER = 1e15                        # no count, dose or measurement comes near this (platelets per litre: ~1e12)


def finite(value, *, path: str | None = None, source: str | None = None, low: float | None = None,
           high: float = MAX_NUMBER) -> float:
    """``value`` as a finite float within [low, high]; otherwise an ImplausibleValueError naming it."""
    try:
        number = float(value)
    except (TypeError, ValueError, OverflowError):
        raise ImplausibleValueError("not a number", path=path, source=source, value=value) from None
    if not math.isfinite(number):
        raise ImplausibleValueError("not a finite number", path=path, source=source, value=value)
    if abs(number) > high or (low is not None and number < low):
        bound = f"between {low:g} and {high:g}" if low is not None else f"at most {high:g} in size"
        raise ImplausibleValueError(f"implausible value (must be {bound})", path=path, source=source, value=value)
    return number


def age_days(days: float, *, path: str | None = None, source: str | None = None, value=None) -> float:
    """An age or duration in days within 0-120 years."""
    if not math.isfinite(days) or days < 0 or days > MAX_AGE_DAYS:
        raise ImplausibleValueError("implausible age or duration (must be 0 to 120 years)", path=path, source=source,
                                    value=value if value is not None else days)
    return days


def record_date(day: dt.date, today: dt.date, *, path: str | None = None, source: str | None = None) -> dt.date:
    """A date something happened (birth, visit, transplant): from 1900 to today (+1 day for time zones)."""
    latest = today + dt.timedelta(days=RECORD_DATE_MARGIN_DAYS)
    if day < EARLIEST_DATE or day > latest:
        raise ImplausibleValueError(f"implausible date (must be between {EARLIEST_DATE} and {latest})", path=path,
                                    source=source, value=day.isoformat())
    return day


def plan_date(day: dt.date, today: dt.date, *, path: str | None = None) -> dt.date:
    """A date a plan starts (day 0, first infusion): from 1900 to about five years ahead."""
    latest = today + dt.timedelta(days=PLAN_DATE_HORIZON_DAYS)
    if day < EARLIEST_DATE or day > latest:
        raise ImplausibleValueError(f"implausible date (must be between {EARLIEST_DATE} and {latest})", path=path,
                                    value=day.isoformat())
    return day

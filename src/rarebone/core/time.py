"""Ages (days inside, ISO 8601 outside) and study days relative to day 0."""

from __future__ import annotations

import datetime as dt
import re

from rarebone.errors import InputError

_DURATION = re.compile(
    r"^P(?!$)(?:(?P<years>\d+(?:\.\d+)?)Y)?(?:(?P<months>\d+(?:\.\d+)?)M)?(?:(?P<weeks>\d+(?:\.\d+)?)W)?"
    r"(?:(?P<days>\d+(?:\.\d+)?)D)?(?:T(?:(?P<hours>\d+(?:\.\d+)?)H)?(?:(?P<minutes>\d+(?:\.\d+)?)M)?"
    r"(?:(?P<seconds>\d+(?:\.\d+)?)S)?)?$"
)
# Calendar-average lengths: ages in case reports are given in whole months/years, so the mean is the honest choice.
DAYS_PER_YEAR = 365.25
DAYS_PER_MONTH = DAYS_PER_YEAR / 12


def parse_iso8601_age_days(text: str) -> float:
    """``P1Y2M`` → days. Raises InputError (without source) on anything else."""
    match = _DURATION.match(text or "")
    if not match:
        raise InputError("not an ISO 8601 duration such as P3M or P1Y2M", value=text)
    part = {k: float(v) if v else 0.0 for k, v in match.groupdict().items()}
    days = (
        part["years"] * DAYS_PER_YEAR
        + part["months"] * DAYS_PER_MONTH
        + part["weeks"] * 7
        + part["days"]
        + (part["hours"] * 3600 + part["minutes"] * 60 + part["seconds"]) / 86400
    )
    from rarebone.core.limits import age_days

    return age_days(days, value=text)  # "P999Y" or 400 nines is a typing error, not an age


def format_age(days: float | None) -> str:
    """Human label: days below 2 months, months below 2 years, then years and months."""
    if days is None:
        return "age unknown"
    if days < 61:
        return f"{days:.0f} days"
    months = days / DAYS_PER_MONTH
    if months < 24:
        return f"{months:.1f} months"
    years = int(days // DAYS_PER_YEAR)
    rest = int((days - years * DAYS_PER_YEAR) // DAYS_PER_MONTH)
    return f"{years} y {rest} mo" if rest else f"{years} y"


def parse_timestamp(text: str) -> dt.datetime:
    try:
        return dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except (ValueError, AttributeError):
        raise InputError("not an RFC 3339 timestamp such as 2027-01-15T00:00:00Z", value=text) from None


def study_day(date: dt.date, day0: dt.date) -> int:
    """Day relative to the stem-cell infusion (day 0)."""
    return (date - day0).days

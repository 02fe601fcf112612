"""The one clock. "Today" is read here and only here, at the CLI/job boundary, so that a run can be replayed
(``RAREBONE_TODAY=2026-11-30``) and tests never depend on the day they run. The clinical rooms never call it:
the jobs pass dates in.
"""

from __future__ import annotations

import datetime as dt
import os

ENV_VAR = "RAREBONE_TODAY"
_fixed: dt.date | None = None


def today() -> dt.date:
    """The fixed date if one was set (``set_today`` or $RAREBONE_TODAY), else the system's local date."""
    if _fixed is not None:
        return _fixed
    value = os.environ.get(ENV_VAR)
    if value:
        from rarebone.errors import InputError

        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            raise InputError("not a date such as 2026-11-30", path=f"${ENV_VAR}", value=value) from None
    return dt.date.today()


def set_today(day: dt.date | None) -> None:
    """Fix "today" for this process (None: back to the system clock)."""
    global _fixed
    _fixed = day

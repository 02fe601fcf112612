"""Dated post-transplant labs for the complication checks (TA-TMA, AIHA, CMV): daily values, the laboratory's
reference limits, ordinal results and the centre's settings, by study day.

A day without a value is not observed. A criterion looks back ``carry`` days for its latest value (TX-TMA-WINDOWS),
so a time point may combine a blood pressure of the day with an LDH of the day before; the output names the day
each value comes from.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

# Analytes whose worst value of a day is the highest (LDH, bilirubin, CMV...); haptoglobin is worst when lowest.
HIGH_IS_WORSE = ("ldh", "bilirubin_indirect", "reticulocytes_pct", "bp_systolic", "bp_diastolic", "urine_protein",
                 "urine_protein_creatinine", "cmv_iu", "cmv_copies", "sc5b9")
LOW_IS_WORSE = ("haptoglobin", "hemoglobin", "platelets")
ORDINAL = ("dat", "schistocytes")


@dataclass
class Labs:
    values: dict[str, dict[int, float]] = field(default_factory=dict)
    low: dict[str, dict[int, float]] = field(default_factory=dict)  # reference limits given with the value
    high: dict[str, dict[int, float]] = field(default_factory=dict)
    terms: dict[str, dict[int, str]] = field(default_factory=dict)  # positive, negative, present, absent
    codes: dict[str, dict[int, str]] = field(default_factory=dict)  # assay code of the day's value (specimen)
    settings: dict[str, Any] = field(default_factory=dict)
    findings: dict[int, dict] = field(default_factory=dict)  # rareboneExtensions.transplant.findings by day
    age_days_day0: float | None = None

    def add(self, key: str, day: int, value: float, low: float | None, high: float | None, code: str) -> None:
        series = self.values.setdefault(key, {})
        if day in series and not (value > series[day] if key in HIGH_IS_WORSE else value < series[day]):
            return  # keep the worst value of the day
        series[day] = value
        self.codes.setdefault(key, {})[day] = code
        if low is not None:
            self.low.setdefault(key, {})[day] = low
        if high is not None:
            self.high.setdefault(key, {})[day] = high

    def latest(self, key: str, day: int, carry: int) -> tuple[int, float] | None:
        """The value of ``day`` or of the latest of the ``carry`` days before it."""
        series = self.values.get(key, {})
        return next(((d, series[d]) for d in range(day, day - carry - 1, -1) if d in series), None)

    def latest_term(self, key: str, day: int, carry: int) -> tuple[int, str] | None:
        series = self.terms.get(key, {})
        return next(((d, series[d]) for d in range(day, day - carry - 1, -1) if d in series), None)

    def upper_limit(self, key: str, day: int, setting: str) -> tuple[float, str] | None:
        """The laboratory's upper reference limit given with that day's value, else the centre's setting."""
        if day in self.high.get(key, {}):
            return self.high[key][day], "laboratory reference range"
        if self.settings.get(setting) is not None:
            return float(self.settings[setting]), f"centre setting {setting}"
        return None

    def lower_limit(self, key: str, day: int, setting: str) -> tuple[float, str] | None:
        if day in self.low.get(key, {}):
            return self.low[key][day], "laboratory reference range"
        if self.settings.get(setting) is not None:
            return float(self.settings[setting]), f"centre setting {setting}"
        return None

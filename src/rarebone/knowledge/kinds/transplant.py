"""Entry kinds of the transplant room: protocols (drug lines), dose bands, parameters, growth bounds."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from rarebone.knowledge.kinds.base import Certainty, Entry


class _Part(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class DrugLine(_Part):
    """One drug of a protocol. ``basis`` says what the dose is per: kg, m2, a weight band, a BSA band.

    Either ``per_day`` (dose per unit per day) or ``total`` (dose per unit over all days, split evenly) is
    given, unless ``basis`` is a band (per-dose value from the band table x ``doses_per_day``).
    ``basis: fixed`` is a dose not scaled by the child (radiation in Gy): the amount equals the dose.
    ``days`` lists the study days explicitly; otherwise ``start_day``..``end_day`` (end None = continues
    beyond the calendar, end not published).
    ``days_set_by_centre`` marks a drug whose published source gives only its total (no study days, no daily
    split): it is never placed on calendar days; the plan shows its total per unit and the computed total amount
    (``total``, or for a band basis the band value x ``dose_count`` published doses) and says the days are the
    centre's.
    ``certainty`` is the certainty of the DOSE (per day or total, as published); ``schedule_certainty`` that of
    the day schedule (study days, daily split, fractionation). A line with ``assumed_from`` (rarebone filled a
    schedule gap) must say how certain that schedule is; a line without it runs as published, and its schedule
    is as certain as its dose.
    """

    drug: str
    role: Literal["conditioning", "gvhd_prophylaxis", "supportive", "antimicrobial"]
    route: str
    frequency: str
    basis: Literal["kg", "m2", "weight_band", "bsa_band", "fixed"]
    dose_unit: str  # mg/kg, mg/m2, IU/kg, ug/kg, g/m2; Gy for radiation (basis fixed)
    amount_unit: str  # mg, IU, ug, g; Gy for radiation (not computed from weight)
    per_day: float | None = None
    total: float | None = None
    published: str  # the dose as the source writes it
    bands: str | None = None  # id of a tx_dose_band entry
    doses_per_day: int = 1
    days: list[int] | None = None
    start_day: int | None = None
    end_day: int | None = None
    days_set_by_centre: bool = False
    # The days are scheduled but each day's dose is the centre's (e.g. the phenytoin taper: S1 gives its length,
    # not its steps): no amount is computed, max_per_day is shown as the ceiling.
    dose_set_by_centre: bool = False
    dose_count: int | None = Field(default=None, gt=0)  # published number of daily doses (band basis, centre days)
    min_total: float | None = None  # lower end of the published total, per unit (warning only)
    max_total: float | None = None  # protocol maximum, per unit (kg or m2), over all days
    max_per_day: float = Field(gt=0)  # protocol maximum per unit per day
    sources: list[str] = Field(min_length=1)
    certainty: Certainty = "verified"  # certainty of the dose (per day or total)
    schedule_certainty: Certainty | None = None  # certainty of the days / split; required with assumed_from
    assumed_from: str | None = None  # set when days or the daily split are not in the source
    note: str | None = None
    # Alternatives the source offers (e.g. ATG or ALG): lines of one group, one of them the default.
    option_group: str | None = None
    option: str | None = None
    default_option: bool = False

    @model_validator(mode="after")
    def _check(self) -> "DrugLine":
        if (self.option_group is None) != (self.option is None):
            raise ValueError(f"{self.drug}: option_group and option go together")
        if self.assumed_from is not None and self.schedule_certainty is None:
            raise ValueError(f"{self.drug}: a schedule assumed by rarebone needs schedule_certainty")
        if self.days_set_by_centre and self.schedule_certainty is not None:
            raise ValueError(f"{self.drug}: days set by the centre have no schedule to be certain of")
        if self.dose_set_by_centre:
            if self.per_day is not None or self.total is not None or self.days_set_by_centre:
                raise ValueError(f"{self.drug}: a dose set by the centre has no per_day or total and needs days")
        elif self.basis in ("kg", "m2", "fixed") and (self.per_day is None) == (self.total is None):
            raise ValueError(f"{self.drug}: give exactly one of per_day or total")
        if self.basis in ("weight_band", "bsa_band") and not self.bands:
            raise ValueError(f"{self.drug}: a band basis needs 'bands'")
        if self.days_set_by_centre:
            if self.days is not None or self.start_day is not None or self.end_day is not None:
                raise ValueError(f"{self.drug}: days set by the centre carry no days, start_day or end_day")
            if self.basis in ("kg", "m2", "fixed") and self.total is None:
                raise ValueError(f"{self.drug}: days set by the centre need the published total")
            if self.basis in ("weight_band", "bsa_band") and self.dose_count is None:
                raise ValueError(f"{self.drug}: a band dose with days set by the centre needs dose_count")
            return self
        if self.days is None and self.start_day is None:
            raise ValueError(f"{self.drug}: give days or start_day")
        if self.total is not None and self.end_day is None and self.days is None:
            raise ValueError(f"{self.drug}: a total needs a finite schedule")
        return self

    @property
    def effective_schedule_certainty(self) -> Certainty | None:
        """Certainty of the day schedule: as given, or the dose's when the schedule is as published; None when
        the centre sets the days."""
        if self.days_set_by_centre:
            return None
        return self.schedule_certainty or self.certainty


class NotScheduled(_Part):
    """An element of the published regimen that rarebone does not schedule (dose or days not given, or an
    alternative to a scheduled line); printed on every plan."""

    item: str
    reason: str
    sources: list[str] = Field(min_length=1)
    certainty: Certainty = "verified"


class Surveillance(_Part):
    item: str
    every_days: int = Field(gt=0)
    start_day: int
    sources: list[str] = Field(min_length=1)
    certainty: Certainty = "verified"
    assumed_from: str | None = None  # set when the start day is rarebone's choice
    schedule_certainty: Certainty | None = None


class TxProtocol(Entry):
    """A published conditioning / prophylaxis regimen as data."""

    key: str
    name: str
    small_child_rule: Literal["bsa", "per_kg_from_m2", "refuse"]
    small_child_rule_reason: str
    drugs: list[DrugLine] = Field(min_length=1)
    not_scheduled: list[NotScheduled] = []
    surveillance: list[Surveillance] = []

    @model_validator(mode="after")
    def _one_default(self) -> "TxProtocol":
        """Each option group has exactly one default option; every line of that option is marked default
        (an option may hold several lines, e.g. conditioning=flu-bu-cy)."""
        defaults: dict[str, set[str]] = {}
        options: dict[tuple[str, str], set[bool]] = {}
        for line in self.drugs:
            if line.option_group:
                defaults.setdefault(line.option_group, set())
                if line.default_option:
                    defaults[line.option_group].add(line.option)
                options.setdefault((line.option_group, line.option), set()).add(line.default_option)
        bad = [g for g, opts in defaults.items() if len(opts) != 1]
        if bad:
            raise ValueError(f"option groups need exactly one default option: {', '.join(bad)}")
        mixed = [f"{g}={o}" for (g, o), flags in options.items() if len(flags) != 1]
        if mixed:
            raise ValueError(f"mark every line of a default option as default: {', '.join(mixed)}")
        return self


class Band(_Part):
    low: float | None = None
    low_inclusive: bool = True
    high: float | None = None
    high_inclusive: bool = False
    dose: float = Field(gt=0)

    def contains(self, x: float) -> bool:
        if self.low is not None and (x < self.low or (x == self.low and not self.low_inclusive)):
            return False
        if self.high is not None and (x > self.high or (x == self.high and not self.high_inclusive)):
            return False
        return True


class DoseBand(Entry):
    """A table of per-dose (or per-day) values by actual weight or BSA, edges explicit."""

    variable: Literal["weight_kg", "bsa_m2"]
    dose_unit: str
    per: Literal["dose", "day"]
    bands: list[Band] = Field(min_length=1)


class Parameter(Entry):
    """Named clinical numbers (thresholds, targets, formula constants) with their sources."""

    values: dict[str, float | int | str | bool]


class GrowthRow(_Part):
    age_months: float
    weight_low_kg: float
    weight_high_kg: float
    height_low_cm: float
    height_high_cm: float
    weight_certainty: Certainty = "verified"  # unverified where the reference gives no weight (e.g. > 10 y)


class GrowthBounds(Entry):
    """Plausibility bounds of weight and height by age (not a clinical growth judgement)."""

    rows: list[GrowthRow] = Field(min_length=2)


class GradeRule(_Part):
    """A grade when any listed organ has one of the listed stages."""

    grade: str
    any_of: dict[str, list[int]] = Field(min_length=1)


class GradePattern(Entry):
    """An overall grade evaluated top-down by organ-stage patterns (MAGIC), not the maximum stage."""

    organs: list[str] = Field(min_length=1)
    grades: list[str] = Field(min_length=2)  # lowest first
    rules: list[GradeRule] = Field(min_length=1)  # evaluated top-down
    otherwise: str

    @model_validator(mode="after")
    def _known(self) -> "GradePattern":
        for rule in self.rules:
            unknown = set(rule.any_of) - set(self.organs)
            if unknown or rule.grade not in self.grades:
                raise ValueError(f"{self.id}: rule {rule.grade} names unknown organs or grade {sorted(unknown)}")
        return self


KINDS = {"tx_grade_pattern": GradePattern, "tx_protocol": TxProtocol, "tx_dose_band": DoseBand, "tx_parameter": Parameter, "tx_growth_bounds": GrowthBounds}

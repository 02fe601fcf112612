"""Entry kinds of the synthetic OMOP CDM (`rarebone screen-demo`): the background population and the planted
trajectories. Concept names are keys of src/rarebone/screening/vocabulary/codes.yaml. SYNTHETIC data only:
none of these values is used for a decision about a patient."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from rarebone.knowledge.kinds.base import Entry


class _Strict(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class LabValue(_Strict):
    """A value distribution: normal (mean, sd) or, with lognormal, the median and the sd of log(value)."""

    analyte: str | None = None  # None in a planted event: the event concept is the analyte
    unit: str
    mean: float
    sd: float = Field(ge=0)
    lognormal: bool = False
    decimals: int = Field(default=1, ge=0)


class SyntheticLab(Entry):
    """A routine laboratory test of the background population: its distribution by age (upper bound of each
    band in days). The reference range written beside each value is the population's central interval of the
    distribution for that age band."""

    key: str
    analyte: str
    unit: str
    by_age: list[tuple[int, float, float]]  # (age up to, in days; mean; sd)
    lognormal: bool = False
    decimals: int = 1


class SyntheticPopulation(Entry):
    """Age/sex structure and visit rates of the background population."""

    key: str
    age_band_days: list[int]  # upper bounds of the age bands at the extract date
    age_band_shares: list[float]
    male_share: float = Field(ge=0, le=1)
    visits_per_year_by_band: list[float]
    visit_type_shares: dict[str, float]  # vocabulary key -> share
    extract_date: str
    history_years: int = Field(ge=1)
    lab_panel_probability: dict[str, float]  # panel key -> probability per visit
    reference_interval: float = Field(gt=0, lt=1)  # central share of healthy values inside range_low..range_high


class FollowUp(_Strict):
    """A procedure at a later visit after some of a condition's visits (e.g. an MRI weeks after a bone-pain or
    headache visit): a new visit of ``visit`` type ``days`` (drawn uniformly) after the condition's visit."""

    procedure: str
    probability: float = Field(ge=0, le=1)
    days: tuple[int, int]
    visit: str = "outpatient_visit"


class BackgroundCondition(Entry):
    """A common condition: its weight among visit reasons per age band, what comes with it."""

    key: str
    concept: str | None
    weight_by_band: list[float]
    drug: str | None = None
    procedure: str | None = None
    labs: list[LabValue] = []  # overrides of the routine panel at that visit
    lab_probability: float = 0.0
    chronic_share: float | None = None  # share of persons who carry it; then only they get its visits
    followup: FollowUp | None = None


class PlantedEvent(_Strict):
    """One kind of record at some of the trajectory's visits (indices into ``visits``)."""

    concept: str
    at: list[int]
    probability: float = Field(default=1.0, ge=0, le=1)
    mode: Literal["each", "one"] = "one"
    value: LabValue | None = None  # measurements
    value_concept: str | None = None  # e.g. a negative culture


class PlantedVisit(_Strict):
    day: tuple[int, int]  # days after onset, drawn uniformly
    visit: str


class SyntheticTrajectory(Entry):
    """A planted presentation (osteopetrosis, CNO) or look-alike, written from the published presentations."""

    key: str
    family: Literal["osteopetrosis", "cno", "lookalike"]
    condition: str
    presentation: str
    per_million: float = Field(gt=0)
    minimum: int = Field(ge=0)
    male_share: float = Field(ge=0, le=1)
    onset_age_days: tuple[int, int]
    visits: list[PlantedVisit]
    events: list[PlantedEvent]


class ReportTerm(_Strict):
    """One term the site's NLP extracts from a report, written as a NOTE_NLP row with this probability (per
    report). concept: a vocabulary key, or None for a term the NLP could not map (note_nlp_concept_id 0);
    exists/temporal/modifiers: the OMOP CDM v5.4 term_exists, term_temporal and term_modifiers values."""

    concept: str | None
    text: str  # lexical_variant
    probability: float = Field(ge=0, le=1)
    exists: Literal["Y", "N"] | None = "Y"
    temporal: str | None = "present"
    modifiers: str | None = None


class SyntheticReport(Entry):
    """The report (NOTE) written for every ``procedure`` row (a skeletal radiograph, an MRI) and the NLP terms
    (NOTE_NLP) extracted from it, for the planted ``trajectories`` named, or for the background and every other
    trajectory when the list is empty."""

    key: str
    procedure: str
    title: str
    trajectories: list[str] = []
    terms: list[ReportTerm]


KINDS = {"synthetic_report": SyntheticReport, "synthetic_lab": SyntheticLab, "synthetic_population": SyntheticPopulation,
         "background_condition": BackgroundCondition, "synthetic_trajectory": SyntheticTrajectory}

"""Vectorised generator of the SYNTHETIC OMOP CDM: a background paediatric population plus planted trajectories.

Every number comes from the knowledge entries of kinds in rarebone.knowledge.kinds.synthetic_cdm (files in
knowledge/data/synthetic_cdm/); concept ids from the shipped vocabulary subset (screening/vocabulary). Rows are
made with numpy over whole chunks of persons (no per-row Python loop; the only Python loops run over knowledge
entries), so a million persons with ~100 million rows is a matter of minutes. Same seed and chunk size -> the
same CDM, byte for byte.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np

EPOCH = dt.date(1970, 1, 1)
DAY_US = 86_400 * 1_000_000
# the routine panels a visit can get; which analytes belong together is structure, not a clinical number
PANELS = {"cbc": ("hemoglobin", "platelets", "leukocytes", "neutrophils", "mcv"),
          "inflammation": ("crp", "esr"), "chemistry": ("calcium", "alkaline_phosphatase"),
          "iron": ("ferritin",), "weight": ("body_weight",), "temperature": ("body_temperature",)}
TRIGGERED_PANELS = ("cbc", "inflammation")  # what a condition's own blood test draws
DRUG_DAYS = 7  # a demo prescription's length; not a dose, only makes drug_exposure_end_date plausible


@dataclass(frozen=True)
class Profile:
    """The knowledge the generator uses, resolved to concept ids."""

    population: object
    labs: dict
    background: tuple
    trajectories: tuple
    ids: dict
    domains: dict
    codes: dict
    reports: tuple = ()  # SyntheticReport entries: NOTE + NOTE_NLP for radiographs and MRIs

    @classmethod
    def load(cls) -> "Profile":
        import yaml

        from rarebone.knowledge import _loader
        from rarebone.knowledge.kinds import synthetic_cdm as kinds
        from rarebone.screening import vocabulary

        kb = _loader.load()
        entries = yaml.safe_load(vocabulary.CODES_FILE.read_text(encoding="utf-8"))["concepts"]
        ids = vocabulary.concept_ids()
        return cls(
            population=kb.of_kind(kinds.SyntheticPopulation)[0],
            labs={lab.key: lab for lab in kb.of_kind(kinds.SyntheticLab)},
            background=tuple(kb.of_kind(kinds.BackgroundCondition)),
            trajectories=tuple(kb.of_kind(kinds.SyntheticTrajectory)),
            ids=ids,
            domains={e["key"]: e["domain"] for e in entries},
            codes={e["key"]: str(e["code"]) for e in entries},
            reports=tuple(kb.of_kind(kinds.SyntheticReport)),
        )


@dataclass
class Rows:
    """Column arrays of one table for one chunk, concatenated on demand."""

    parts: dict = field(default_factory=dict)

    def add(self, **columns) -> None:
        for name, values in columns.items():
            self.parts.setdefault(name, []).append(np.asarray(values))

    def columns(self) -> dict:
        return {name: np.concatenate(values) for name, values in self.parts.items()}

    def __len__(self) -> int:
        first = next(iter(self.parts.values()), [])
        return sum(len(v) for v in first)


class Generator:
    """generate(): yields (table, pyarrow.Table) chunks; ``truth`` holds the planted persons afterwards."""

    def __init__(self, persons: int, seed: int = 0, chunk_persons: int = 25_000, profile: Profile | None = None,
                 planted_scale: float = 1.0, notes: bool = True):
        # notes: radiology reports (NOTE) and their NLP terms (NOTE_NLP) for every radiograph and MRI; off = a
        # site without NLP (the tables exist, empty). Their own random stream: the rest of the CDM is identical.
        self.notes = bool(notes)
        self._report_calls = 0
        self.n = int(persons)
        self.planted_scale = float(planted_scale)  # more planted cases for a tighter recall estimate
        self.seed = int(seed)
        self.chunk = int(chunk_persons)
        self.p = profile or Profile.load()
        self.next_id = {"visit_occurrence": 1, "condition_occurrence": 1, "measurement": 1,
                        "drug_exposure": 1, "procedure_occurrence": 1, "note": 1, "note_nlp": 1}
        pop = self.p.population
        self.extract = (dt.date.fromisoformat(pop.extract_date) - EPOCH).days
        self.window_start = self.extract - int(round(pop.history_years * 365.25))

    # ---------------------------------------------------------------- persons and planted assignment
    def planted_counts(self) -> list[int]:
        return [max(t.minimum, int(round(t.per_million * self.planted_scale * self.n / 1_000_000)))
                for t in self.p.trajectories]

    @cached_property
    def persons(self) -> dict:
        from rarebone.errors import InputError

        pop = self.p.population
        rng = np.random.default_rng(np.random.SeedSequence([self.seed, 1]))
        bands = np.asarray(pop.age_band_days)
        lower = np.concatenate([[0], bands[:-1]])
        shares = np.asarray(pop.age_band_shares, dtype=float)
        band = rng.choice(len(bands), size=self.n, p=shares / shares.sum())
        age = lower[band] + np.floor(rng.random(self.n) * (bands[band] - lower[band])).astype(np.int64)
        birth = self.extract - age
        male = rng.random(self.n) < pop.male_share
        trajectory = np.full(self.n, -1, dtype=np.int64)
        onset = np.zeros(self.n, dtype=np.int64)
        counts = self.planted_counts()
        if sum(counts) * 4 > self.n:
            raise InputError("too few persons for the planted cases", path="--persons", value=self.n)
        chosen = rng.choice(self.n, size=sum(counts), replace=False)
        start = 0
        for index, (t, count) in enumerate(zip(self.p.trajectories, counts)):
            who = chosen[start:start + count]
            start += count
            span = max(v.day[1] for v in t.visits)
            onset_age = rng.integers(t.onset_age_days[0], t.onset_age_days[1] + 1, size=count)
            # the onset date leaves room for the whole trajectory before the extract date, and the child is
            # still inside the population's oldest age band at the extract date
            earliest = np.maximum(self.window_start, self.extract - (bands[-1] - 1) + onset_age)
            room = np.maximum(self.extract - span - earliest, 0)
            onset_date = earliest + np.floor(rng.random(count) * room).astype(np.int64)
            birth[who] = onset_date - onset_age
            male[who] = rng.random(count) < t.male_share
            trajectory[who] = index
            onset[who] = onset_date
        return {"person_id": np.arange(1, self.n + 1, dtype=np.int64), "birth": birth, "male": male,
                "trajectory": trajectory, "onset": onset,
                "obs_start": np.maximum(birth, self.window_start),
                "obs_end": np.full(self.n, self.extract, dtype=np.int64)}

    # ---------------------------------------------------------------- tables
    def generate(self):
        from rarebone.screening.demo.schema import conform

        yield "person", self._person_table()
        yield "observation_period", self._observation_period_table()
        for start in range(0, self.n, self.chunk):
            stop = min(self.n, start + self.chunk)
            rng = np.random.default_rng(np.random.SeedSequence([self.seed, 2, start]))
            for table, rows in self._background(rng, start, stop).items():
                if len(rows):
                    yield table, conform(table, rows.columns())
        rng = np.random.default_rng(np.random.SeedSequence([self.seed, 3]))
        for table, rows in self._planted(rng).items():
            if len(rows):
                yield table, conform(table, rows.columns())

    def _person_table(self):
        from rarebone.screening.demo.schema import conform

        pp = self.persons
        births = np.array(pp["birth"], dtype="datetime64[D]")
        year = births.astype("datetime64[Y]").astype(np.int64) + 1970
        month = births.astype("datetime64[M]").astype(np.int64) % 12 + 1
        day = (births - births.astype("datetime64[M]")).astype(np.int64) + 1
        ids = self.p.ids
        gender = np.where(pp["male"], ids["male"], ids["female"])
        return conform("person", {
            "person_id": pp["person_id"], "gender_concept_id": gender, "year_of_birth": year,
            "month_of_birth": month, "day_of_birth": day, "birth_datetime": pp["birth"] * DAY_US,
            "race_concept_id": np.zeros(self.n, dtype=np.int64), "ethnicity_concept_id": np.zeros(self.n, np.int64),
            "gender_source_value": np.where(pp["male"], "M", "F"),
            "gender_source_concept_id": np.zeros(self.n, dtype=np.int64)})

    def _observation_period_table(self):
        from rarebone.screening.demo.schema import conform

        pp = self.persons
        return conform("observation_period", {
            "observation_period_id": pp["person_id"], "person_id": pp["person_id"],
            "observation_period_start_date": pp["obs_start"].astype(np.int32),
            "observation_period_end_date": pp["obs_end"].astype(np.int32),
            "period_type_concept_id": np.full(self.n, self.p.ids["type_period"], dtype=np.int64)})

    def _ids(self, table: str, count: int) -> np.ndarray:
        first = self.next_id[table]
        self.next_id[table] = first + count
        return np.arange(first, first + count, dtype=np.int64)

    # ---------------------------------------------------------------- background
    def _background(self, rng, start: int, stop: int) -> dict[str, Rows]:
        pop, ids = self.p.population, self.p.ids
        pp = {k: v[start:stop] for k, v in self.persons.items()}
        n = stop - start
        bands = np.asarray(pop.age_band_days)
        rate = np.asarray(pop.visits_per_year_by_band)
        band_now = np.minimum(np.searchsorted(bands, pp["obs_end"] - pp["birth"], side="right"), len(bands) - 1)
        years = (pp["obs_end"] - pp["obs_start"] + 1) / 365.25
        counts = rng.poisson(rate[band_now] * years)
        person_index = np.repeat(np.arange(n), counts)
        v = len(person_index)
        length = (pp["obs_end"] - pp["obs_start"] + 1)[person_index]
        day = pp["obs_start"][person_index] + np.floor(rng.random(v) * length).astype(np.int64)
        age = day - pp["birth"][person_index]
        band = np.minimum(np.searchsorted(bands, age, side="right"), len(bands) - 1)
        visit_keys = list(pop.visit_type_shares)
        shares = np.asarray([pop.visit_type_shares[k] for k in visit_keys])
        visit_concept = np.asarray([ids[k] for k in visit_keys])[rng.choice(len(visit_keys), size=v,
                                                                             p=shares / shares.sum())]
        visit_id = self._ids("visit_occurrence", v)
        person_id = pp["person_id"][person_index]
        out = {name: Rows() for name in ("visit_occurrence", "condition_occurrence", "measurement",
                                         "drug_exposure", "procedure_occurrence", "note", "note_nlp")}
        out["visit_occurrence"].add(**self._visit_columns(visit_id, person_id, visit_concept, day))

        reason = self._reasons(rng, band, person_index, n)
        triggered = np.zeros(v, dtype=bool)
        override: dict[str, list] = {}
        for index, condition in enumerate(self.p.background):
            at = np.flatnonzero(reason == index)
            if condition.concept is None or len(at) == 0:
                continue
            self._add_condition(out, condition.concept, person_id[at], day[at], visit_id[at])
            if condition.drug:
                self._add_drug(out, condition.drug, person_id[at], day[at], visit_id[at])
            if condition.procedure:
                self._add_procedure(out, condition.procedure, person_id[at], day[at], visit_id[at])
            if condition.followup is not None:
                self._add_followup(out, condition.followup, person_id[at], day[at], pp["obs_end"][person_index[at]],
                                   np.random.default_rng(np.random.SeedSequence([self.seed, 4, start, index])))
            if condition.labs and condition.lab_probability:
                hit = at[rng.random(len(at)) < condition.lab_probability]
                triggered[hit] = True
                for lab in condition.labs:
                    override.setdefault(lab.analyte, []).append((hit, lab))
        measured: dict[str, np.ndarray] = {}
        for panel, analytes in PANELS.items():
            draw = rng.random(v) < pop.lab_panel_probability.get(panel, 0.0)
            if panel in TRIGGERED_PANELS:
                draw |= triggered
            for analyte in analytes:
                measured[analyte] = measured.get(analyte, np.zeros(v, dtype=bool)) | draw
        for analyte, parts in override.items():
            for hit, _ in parts:
                measured[analyte][hit] = True
        for analyte, mask in measured.items():
            lab = self.p.labs[analyte]
            values = self._routine_values(rng, lab, age)
            for hit, spec in override.get(analyte, []):
                values[hit] = self._draw(rng, spec, len(hit))
            at = np.flatnonzero(mask)
            self._add_measurement(out, analyte, lab.unit, person_id[at], day[at], visit_id[at], values[at])
        return out

    def _add_followup(self, out, followup, person_id, day, obs_end, rng) -> None:
        """A procedure at a later visit (its own random stream, so the rest of the background stays the same CDM
        as before follow-ups existed); dropped when it would fall after the extract date."""
        hit = rng.random(len(day)) < followup.probability
        later = day[hit] + rng.integers(followup.days[0], followup.days[1] + 1, size=int(hit.sum()))
        keep = later <= obs_end[hit]
        who, later = person_id[hit][keep], later[keep]
        if len(later) == 0:
            return
        visit_id = self._ids("visit_occurrence", len(later))
        concept = np.full(len(later), self.p.ids[followup.visit], dtype=np.int64)
        out["visit_occurrence"].add(**self._visit_columns(visit_id, who, concept, later))
        self._add_procedure(out, followup.procedure, who, later, visit_id)

    def _reasons(self, rng, band, person_index, n) -> np.ndarray:
        """One background condition per visit (index into self.p.background), by age band; a chronic one only
        for the persons who carry it (others draw again among the non-chronic reasons)."""
        weights = np.asarray([c.weight_by_band for c in self.p.background], dtype=float).T  # band x condition
        chronic = np.asarray([c.chronic_share is not None for c in self.p.background])
        first = _draw_categorical(rng, weights[band])
        acute = weights * ~chronic
        second = _draw_categorical(rng, acute[band])
        carries = np.zeros((n, len(self.p.background)), dtype=bool)
        for index, condition in enumerate(self.p.background):
            if condition.chronic_share is not None:
                carries[:, index] = rng.random(n) < condition.chronic_share
        keep = ~chronic[first] | carries[person_index, first]
        return np.where(keep, first, second)

    def _routine_values(self, rng, lab, age) -> np.ndarray:
        bounds = np.asarray([b[0] for b in lab.by_age])
        band = np.minimum(np.searchsorted(bounds, age, side="left"), len(bounds) - 1)
        mean = np.asarray([b[1] for b in lab.by_age])[band]
        sd = np.asarray([b[2] for b in lab.by_age])[band]
        raw = mean * np.exp(rng.normal(0.0, sd)) if lab.lognormal else rng.normal(mean, sd)
        return _finish(raw, lab.decimals)

    @staticmethod
    def _draw(rng, spec, size) -> np.ndarray:
        raw = spec.mean * np.exp(rng.normal(0.0, spec.sd, size)) if spec.lognormal else rng.normal(
            spec.mean, spec.sd, size)
        return _finish(raw, spec.decimals)

    # ---------------------------------------------------------------- row builders
    def _visit_columns(self, visit_id, person_id, concept, day) -> dict:
        ids = self.p.ids
        inpatient = concept == ids["inpatient_visit"]
        end = day + np.where(inpatient, 3, 0)  # a demo admission lasts three days; outpatient visits one day
        return {"visit_occurrence_id": visit_id, "person_id": person_id, "visit_concept_id": concept,
                "visit_start_date": day.astype(np.int32), "visit_start_datetime": day * DAY_US,
                "visit_end_date": end.astype(np.int32), "visit_end_datetime": end * DAY_US,
                "visit_type_concept_id": np.full(len(day), ids["type_visit"], dtype=np.int64),
                "visit_source_concept_id": np.zeros(len(day), dtype=np.int64)}

    def _add_condition(self, out, key, person_id, day, visit_id) -> None:
        n, cid = len(day), self.p.ids[key]
        out["condition_occurrence"].add(
            condition_occurrence_id=self._ids("condition_occurrence", n), person_id=person_id,
            condition_concept_id=np.full(n, cid, dtype=np.int64), condition_start_date=day.astype(np.int32),
            condition_start_datetime=day * DAY_US,
            condition_type_concept_id=np.full(n, self.p.ids["type_condition"], dtype=np.int64),
            condition_status_concept_id=np.zeros(n, dtype=np.int64), visit_occurrence_id=visit_id,
            condition_source_value=np.full(n, self.p.codes[key], dtype=object),
            condition_source_concept_id=np.full(n, cid, dtype=np.int64))

    def _add_drug(self, out, key, person_id, day, visit_id) -> None:
        n, cid = len(day), self.p.ids[key]
        out["drug_exposure"].add(
            drug_exposure_id=self._ids("drug_exposure", n), person_id=person_id,
            drug_concept_id=np.full(n, cid, dtype=np.int64), drug_exposure_start_date=day.astype(np.int32),
            drug_exposure_start_datetime=day * DAY_US, drug_exposure_end_date=(day + DRUG_DAYS).astype(np.int32),
            drug_exposure_end_datetime=(day + DRUG_DAYS) * DAY_US,
            drug_type_concept_id=np.full(n, self.p.ids["type_drug"], dtype=np.int64),
            days_supply=np.full(n, DRUG_DAYS, dtype=np.int64), visit_occurrence_id=visit_id,
            drug_source_value=np.full(n, self.p.codes[key], dtype=object),
            drug_source_concept_id=np.full(n, cid, dtype=np.int64))

    def _add_procedure(self, out, key, person_id, day, visit_id, group: str = "background") -> None:
        if self.notes:
            self._add_reports(out, key, person_id, day, visit_id, group)
        n, cid = len(day), self.p.ids[key]
        out["procedure_occurrence"].add(
            procedure_occurrence_id=self._ids("procedure_occurrence", n), person_id=person_id,
            procedure_concept_id=np.full(n, cid, dtype=np.int64), procedure_date=day.astype(np.int32),
            procedure_datetime=day * DAY_US,
            procedure_type_concept_id=np.full(n, self.p.ids["type_measurement"], dtype=np.int64),
            visit_occurrence_id=visit_id, procedure_source_value=np.full(n, self.p.codes[key], dtype=object),
            procedure_source_concept_id=np.full(n, cid, dtype=np.int64))

    def _report(self, procedure: str, group: str):
        """The report entry for this procedure and trajectory (or the background one), or None."""
        named = [r for r in self.p.reports if r.procedure == procedure and group in r.trajectories]
        rest = [r for r in self.p.reports if r.procedure == procedure and not r.trajectories]
        return (named or rest or [None])[0]

    def _add_reports(self, out, key, person_id, day, visit_id, group) -> None:
        """A NOTE per procedure row and the NOTE_NLP terms of its report entry, each with its probability."""
        report = self._report(key, group)
        if report is None or len(day) == 0:
            return
        self._report_calls += 1
        rng = np.random.default_rng(np.random.SeedSequence([self.seed, 5, self._report_calls]))
        n, ids = len(day), self.p.ids
        note_id = self._ids("note", n)
        found = np.full(n, "", dtype=object)
        for term in report.terms:
            hit = rng.random(n) < term.probability
            k = int(hit.sum())
            if k == 0:
                continue
            cid = ids[term.concept] if term.concept else 0  # 0: a term the NLP could not map (OMOP convention)
            out["note_nlp"].add(
                note_nlp_id=self._ids("note_nlp", k), note_id=note_id[hit],
                snippet=np.full(k, term.text, dtype=object), lexical_variant=np.full(k, term.text, dtype=object),
                note_nlp_concept_id=np.full(k, cid, dtype=np.int64),
                note_nlp_source_concept_id=np.full(k, cid, dtype=np.int64),
                nlp_system=np.full(k, "SYNTHETIC rarebone screen-demo", dtype=object),
                nlp_date=day[hit].astype(np.int32), term_exists=np.full(k, term.exists, dtype=object),
                term_temporal=np.full(k, term.temporal, dtype=object),
                term_modifiers=np.full(k, term.modifiers, dtype=object))
            found[hit] = found[hit] + term.text + ". "
        text = np.where(found == "", "No acute bony abnormality.", found)
        out["note"].add(
            note_id=note_id, person_id=person_id, note_date=day.astype(np.int32), note_datetime=day * DAY_US,
            note_type_concept_id=np.full(n, ids["type_note"], dtype=np.int64),
            note_class_concept_id=np.full(n, ids["note_class_imaging"], dtype=np.int64),
            note_title=np.full(n, f"SYNTHETIC {report.title}", dtype=object),
            note_text=("SYNTHETIC report. " + text.astype(object)).astype(object),
            encoding_concept_id=np.zeros(n, dtype=np.int64), language_concept_id=np.zeros(n, dtype=np.int64),
            visit_occurrence_id=visit_id, note_source_value=np.full(n, report.key, dtype=object))

    def _add_measurement(self, out, key, unit, person_id, day, visit_id, values=None, value_concept=None) -> None:
        n, cid = len(day), self.p.ids[key]
        lab = self.p.labs.get(key)
        if lab is not None and values is not None:
            low, high = self._reference_range(lab, day - self.persons["birth"][person_id - 1])
        else:
            low = high = np.full(n, np.nan)
        columns = dict(
            measurement_id=self._ids("measurement", n), person_id=person_id,
            measurement_concept_id=np.full(n, cid, dtype=np.int64), measurement_date=day.astype(np.int32),
            measurement_datetime=day * DAY_US,
            measurement_type_concept_id=np.full(n, self.p.ids["type_measurement"], dtype=np.int64),
            visit_occurrence_id=visit_id, measurement_source_value=np.full(n, self.p.codes[key], dtype=object),
            measurement_source_concept_id=np.full(n, cid, dtype=np.int64),
            value_as_number=values if values is not None else np.full(n, np.nan),
            value_as_concept_id=np.full(n, self.p.ids[value_concept] if value_concept else 0, dtype=np.int64),
            unit_concept_id=np.full(n, self.p.ids[unit] if unit else 0, dtype=np.int64),
            unit_source_value=np.full(n, self.p.codes[unit] if unit else None, dtype=object),
            range_low=low, range_high=high)
        out["measurement"].add(**columns)

    @cached_property
    def _interval_z(self) -> float:
        from statistics import NormalDist

        central = self.p.population.reference_interval
        return NormalDist().inv_cdf(0.5 + central / 2)  # e.g. 1.96 for the central 95 %

    def _reference_range(self, lab, age) -> tuple[np.ndarray, np.ndarray]:
        """The age band's central interval of the healthy distribution (a laboratory's reference interval)."""
        bounds = np.asarray([b[0] for b in lab.by_age])
        band = np.minimum(np.searchsorted(bounds, age, side="left"), len(bounds) - 1)
        mean = np.asarray([b[1] for b in lab.by_age])[band]
        spread = self._interval_z * np.asarray([b[2] for b in lab.by_age])[band]
        if lab.lognormal:
            return np.round(mean * np.exp(-spread), lab.decimals), np.round(mean * np.exp(spread), lab.decimals)
        return np.round(mean - spread, lab.decimals), np.round(mean + spread, lab.decimals)

    # ---------------------------------------------------------------- planted
    def _planted(self, rng) -> dict[str, Rows]:
        pp = self.persons
        out = {name: Rows() for name in ("visit_occurrence", "condition_occurrence", "measurement",
                                         "drug_exposure", "procedure_occurrence", "note", "note_nlp")}
        truth = []
        for index, t in enumerate(self.p.trajectories):
            who = np.flatnonzero(pp["trajectory"] == index)
            if len(who) == 0:
                continue
            count, person_id = len(who), pp["person_id"][who]
            days = np.stack([pp["onset"][who] + rng.integers(v.day[0], v.day[1] + 1, size=count)
                             for v in t.visits], axis=1)  # person x visit
            visit_ids = self._ids("visit_occurrence", count * len(t.visits)).reshape(count, len(t.visits))
            concepts = np.asarray([self.p.ids[v.visit] for v in t.visits])
            out["visit_occurrence"].add(**self._visit_columns(
                visit_ids.ravel(), np.repeat(person_id, len(t.visits)), np.tile(concepts, count), days.ravel()))
            for event in t.events:
                rows, cols = self._event_positions(rng, event, count)
                self._add_event(out, event, person_id[rows], days[rows, cols], visit_ids[rows, cols], rng, t.key)
            truth.append({"person_id": person_id, "trajectory": np.full(count, t.key, dtype=object),
                          "entry_id": np.full(count, t.id, dtype=object),
                          "family": np.full(count, t.family, dtype=object),
                          "condition": np.full(count, t.condition, dtype=object),
                          "presentation": np.full(count, t.presentation, dtype=object),
                          "onset_date": pp["onset"][who], "first_visit_date": days.min(axis=1),
                          "last_visit_date": days.max(axis=1),
                          "birth_date": pp["birth"][who]})
        self.truth = {k: np.concatenate([t[k] for t in truth]) for k in truth[0]} if truth else {}
        return out

    @staticmethod
    def _event_positions(rng, event, count) -> tuple[np.ndarray, np.ndarray]:
        at = np.asarray(event.at)
        if event.mode == "each":
            mask = rng.random((count, len(at))) < event.probability
            rows, which = np.nonzero(mask)
            return rows, at[which]
        rows = np.flatnonzero(rng.random(count) < event.probability)
        return rows, at[rng.integers(0, len(at), size=len(rows))]

    def _add_event(self, out, event, person_id, day, visit_id, rng, group: str = "background") -> None:
        domain = self.p.domains[event.concept]
        if domain == "Condition":
            self._add_condition(out, event.concept, person_id, day, visit_id)
        elif domain == "Drug":
            self._add_drug(out, event.concept, person_id, day, visit_id)
        elif domain == "Procedure":
            self._add_procedure(out, event.concept, person_id, day, visit_id, group)
        elif domain == "Measurement":
            values = self._draw(rng, event.value, len(day)) if event.value else None
            lab = self.p.labs.get(event.concept)
            unit = event.value.unit if event.value else (lab.unit if lab and not event.value_concept else None)
            self._add_measurement(out, event.concept, unit, person_id, day, visit_id, values, event.value_concept)
        else:  # a knowledge-file mistake, caught by tests/screening_demo
            raise ValueError(f"planted event {event.concept}: domain {domain} has no table")

    def truth_table(self):
        import pyarrow as pa

        columns = dict(self.truth)
        for name in ("onset_date", "first_visit_date", "last_visit_date", "birth_date"):
            columns[name] = pa.array(columns[name].astype(np.int32), type=pa.date32())
        return pa.table(columns)


def _draw_categorical(rng, weights: np.ndarray) -> np.ndarray:
    """One draw per row of a (rows x categories) weight matrix, vectorised."""
    cumulative = np.cumsum(weights, axis=1)
    target = rng.random(len(weights)) * cumulative[:, -1]
    return np.minimum((cumulative < target[:, None]).sum(axis=1), weights.shape[1] - 1)


def _finish(raw: np.ndarray, decimals: int) -> np.ndarray:
    smallest = 10.0 ** -decimals  # a count or concentration is never zero or negative
    return np.round(np.maximum(raw, smallest), decimals)

"""Run the screen on a CDM: connect, check, resolve, screen, explain. Returns pandas frames (small: flagged only)."""

from __future__ import annotations

import datetime as dt
import json
import time
from contextlib import contextmanager
from dataclasses import dataclass, field

from rarebone.screening.rules import LEVELS, Rules, load_rules

EPOCH = dt.date(1970, 1, 1)


@dataclass
class ScreenResult:
    flagged: object  # pandas DataFrame, one row per flagged person and family
    evidence: object  # pandas DataFrame, the findings behind each flag
    code_report: object  # pandas DataFrame, each code of the concept sets and what the site's vocabulary had
    rules: Rules
    cdm_label: str
    backend: str
    persons: int
    skipped_lab_rows: int
    missing_tables: list[str]
    warnings: list[str] = field(default_factory=list)
    note_nlp: str = "absent"  # NOTE_NLP: absent / empty / '<n> rows read' / 'not read (...)'

    seconds: float = 0.0
    since: dt.date | None = None


@contextmanager
def _steps(show: bool):
    """A rich progress display on stderr (one line per step); silent when show is False."""
    if not show:
        yield lambda label: None
        return
    from rich.console import Console
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    progress = Progress(SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn(),
                        console=Console(stderr=True), transient=False)
    state = {"task": None}

    def step(label: str) -> None:
        if state["task"] is not None:
            progress.update(state["task"], completed=1, total=1)
        state["task"] = progress.add_task(label, total=None)

    with progress:
        yield step
        if state["task"] is not None:
            progress.update(state["task"], completed=1, total=1)


def _date(day) -> dt.date | None:
    import pandas as pd

    return None if day is None or pd.isna(day) else EPOCH + dt.timedelta(days=int(day))


def run_screen(cdm=None, *, schema: str | None = None, results_schema: str | None = None, since: dt.date | None = None,
               threads: int | None = None, progress: bool = True, rules: Rules | None = None,
               writable: bool = False, warehouse: str | None = None, read_notes: bool = True) -> ScreenResult:
    """Screen a whole CDM. ``cdm``: a URL (duckdb:///…, postgresql+psycopg://…, parquet:///…, spark://…) or an
    already opened :class:`rarebone.screening.cdm.Cdm`. ``read_notes=False`` leaves NOTE_NLP unread (as a site
    without NLP)."""
    import pandas as pd

    from rarebone.screening import checks, concepts, engine, notes
    from rarebone.screening.cdm import Cdm, connect

    started = time.perf_counter()
    rules = rules or load_rules()
    with _steps(progress) as step:
        step("opening the CDM")
        if not isinstance(cdm, Cdm):
            cdm = connect(str(cdm), schema=schema, results_schema=results_schema, threads=threads, writable=writable,
                          warehouse=warehouse)
        step("checking tables and columns")
        missing = checks.check_schema(cdm)
        step("resolving concept sets in the site's vocabulary")
        resolution = concepts.resolve(cdm, rules)
        warnings = concepts.require_families(resolution, rules, cdm.label)
        persons = int(cdm.table("person").count().to_pyarrow().as_py())
        note_nlp = notes.status(cdm) if read_notes else "not read (switched off)"
        step(f"collecting findings of {persons:,} persons (NOTE_NLP: {note_nlp})")
        ev = engine.events(cdm, rules, resolution, read_notes=read_notes)
        if cdm.backend in ("duckdb", "postgres"):
            ev = ev.cache()  # read by every family and the evidence query: compute once
        since_day = (since - EPOCH).days if since else None
        frames = []
        for family in rules.families:
            step(f"screening {family.family}")
            frame = engine.family_flags(cdm, ev, family, since_day).to_pandas()
            frames.append(frame.astype({"dx_day": "float64", "stop_day": "float64"}))  # all-null columns concat cleanly
        nonempty = [f for f in frames if len(f)]
        flagged = pd.concat(nonempty, ignore_index=True) if nonempty else frames[0]
        flagged = _drop_reviewed_twice(flagged, rules)
        step("explaining the flags")
        evidence, note_rows = engine.evidence_rows(ev, rules, flagged) if len(flagged) else (pd.DataFrame(), None)
        skipped = engine.skipped_lab_rows(cdm, rules, resolution)
    births = None
    if len(flagged):
        b = engine.births(cdm)
        ids = sorted(set(int(p) for p in flagged.person_id))
        births = b.filter(b.person_id.isin(ids)).to_pandas()
    flagged = _finish(flagged, evidence, births, rules, note_rows)
    return ScreenResult(flagged=flagged, evidence=evidence, code_report=resolution.code_report, rules=rules,
                        cdm_label=cdm.label, backend=cdm.backend, persons=persons, skipped_lab_rows=skipped,
                        missing_tables=missing, warnings=warnings, seconds=time.perf_counter() - started, since=since,
                        note_nlp=note_nlp)


def _drop_reviewed_twice(flagged, rules):
    """A person on a main list is not repeated on that family's review list (the site sees two disjoint lists)."""
    main = set(zip(flagged.person_id, flagged.family))
    review_of = {f.family: f.review_of for f in rules.families if f.review_of}
    keep = [not (fam in review_of and (p, review_of[fam]) in main) for p, fam in zip(flagged.person_id, flagged.family)]
    return flagged[keep].reset_index(drop=True)


def _finish(flagged, evidence, births, rules, note_rows=None):
    import pandas as pd

    columns = ["person_id", "family", "level", "score", "first_complete_date", "age_at_flag_days",
               "missed_opportunities", "diagnosis_date", "evidence", "evidence_json", "certainty"]
    if flagged.empty:
        return pd.DataFrame({c: pd.Series(dtype="object") for c in columns})
    birth = dict(zip(births.person_id.astype(int), births.birth_day.astype(int)))
    fam = {f.family: f for f in rules.families}
    texts, jsons = [], []
    grouped = {k: g for k, g in evidence.groupby(["person_id", "family"])} if len(evidence) else {}
    notes_of = ({k: g for k, g in note_rows.groupby(["person_id", "family"])}
                if note_rows is not None and len(note_rows) else {})
    for row in flagged.itertuples():  # formatting only the flagged rows (hundreds), not a screen loop
        rows = grouped.get((row.person_id, row.family))
        items = (_explain(rows, fam[row.family], rules, notes_of.get((row.person_id, row.family)))
                 if rows is not None else [])
        texts.append("; ".join(i["text"] for i in items))
        jsons.append(json.dumps(items, default=str))
    out = pd.DataFrame({
        "person_id": flagged.person_id.astype("int64"),
        "family": flagged.family,
        "level": [LEVELS[int(v)] for v in flagged.level],
        "score": flagged.score.astype("float64"),
        "first_complete_date": [_date(d) for d in flagged.complete_day],
        "age_at_flag_days": [int(d) - birth[int(p)] for p, d in zip(flagged.person_id, flagged.complete_day)],
        "missed_opportunities": flagged.missed.astype("int64"),
        "diagnosis_date": [_date(d) for d in flagged.dx_day],
        "evidence": texts,
        "evidence_json": jsons,
        "certainty": [_certainty(fam[f]) for f in flagged.family],
    })
    out["_lvl"] = flagged.level.astype(int).values
    out = out.sort_values(["family", "_lvl", "score", "missed_opportunities", "person_id"],
                          ascending=[True, False, False, False, True]).drop(columns="_lvl")
    return out.reset_index(drop=True)


def _certainty(family) -> str:
    return ("UNVERIFIED: weights, cut-offs and windows are rarebone calibration (" + family.entry_id
            + ", see the report); decision support, to be checked by the responsible clinician")


NOTES_SHOWN = 3  # notes quoted per finding in the evidence text (all of them are in evidence_json)
VARIANT_CHARS = 80  # a lexical variant is quoted up to this length


def _quote(text) -> str:
    """A lexical variant (free text from the site's NLP) as a JSON string literal: quotes, backslashes, control
    characters and line breaks escaped, so it cannot break the evidence text, the CSV or the report."""
    import pandas as pd

    text = "" if text is None or pd.isna(text) else str(text)
    return json.dumps(text[:VARIANT_CHARS] + ("…" if len(text) > VARIANT_CHARS else ""), ensure_ascii=False)


def _note_items(notes) -> list[dict]:
    import pandas as pd

    return [{"note_id": int(n.note_id), "date": _date(n.day), "lexical_variant": None if pd.isna(n.text) else str(n.text)}
            for n in notes.sort_values(["day", "note_id"]).itertuples()]


def _explain(rows, family, rules, notes=None) -> list[dict]:
    key_of = family.key_of_set()
    weights = {s.key: s for s in family.scored}
    present = {k for s in rows.set_id for k in key_of.get(s, [])}
    items = []
    for r in rows.sort_values(["first_day", "set_id", "source"]).itertuples():
        keys = key_of.get(r.set_id, [])
        parts = []
        for k in keys:
            w = weights[k]
            cancelled = [u for u in w.unless if u in present]
            parts.append(f"{k} {'-' if w.role == 'against' else '+'}{w.weight:g}"
                         + (f" (not counted: {', '.join(cancelled)} present)" if cancelled else ""))
        role = (", ".join(parts) if parts else "persistence evidence, not scored"
                if r.set_id in family.persistence_only() else "context, not scored")
        if r.source == "note_nlp" and r.set_id in family.note_sets:  # screen-corrob: say how a note term counted
            role = (f"NLP-only, not corroborated ({family.note_rule}): review" if family.note_review
                    else f"{role}; NLP-only rows count when corroborated ({family.note_rule})")
        first, last = _date(r.first_day), _date(r.last_day)
        concept = str(int(r.concept_min)) if r.n_concepts == 1 else f"{int(r.concept_min)}..{int(r.concept_max)} ({int(r.n_concepts)} concepts)"
        value = ""
        if r.source == "measurement" and r.value_min == r.value_min:  # not NaN
            value = f", value {r.value_min:g}" + (f"..{r.value_max:g}" if r.value_max != r.value_min else "")
        when = f"{first}" if first == last else f"{first}..{last}"
        text = f"{r.set_id} [{role}]: {int(r.n)} {r.source} row(s) {when}, concept {concept}{value}"
        item = {"set": r.set_id, "weights": parts, "source": r.source, "rows": int(r.n), "first": first,
                "last": last, "concept_ids": [int(r.concept_min), int(r.concept_max)], "text": text,
                "certainty": rules.sets[r.set_id].certainty}
        if r.source == "note_nlp" and notes is not None:
            mine = notes[notes.set_id == r.set_id]
            shown = mine.sort_values(["day", "note_id"]).head(NOTES_SHOWN)
            quoted = [f"note {int(n.note_id)} {_date(n.day)} {_quote(n.text)}" for n in shown.itertuples()]
            more = f" (+{len(mine) - len(shown)} more)" if len(mine) > len(shown) else ""
            item["text"] = text + " from NLP of " + ", ".join(quoted) + more
            item["notes"] = _note_items(mine)
        items.append(item)
    return items

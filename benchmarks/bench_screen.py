"""Population screening benchmark on a SYNTHETIC CDM with planted cases (issue 15 targets; run on demand, once).

    PYTHONPATH=src python benchmarks/bench_screen.py --persons 50000 --cdm /tmp/cdm50k.duckdb
    PYTHONPATH=src python benchmarks/bench_screen.py --persons 1000000 --cdm /tmp/cdm1m.duckdb --sample 10000

1. Generates the CDM with `rarebone screen-demo` (or reuses --cdm if it exists with its truth table).
2. Runs the engine's screen (rarebone.screening, branch screen-engine) on DuckDB: time and peak memory.
3. Scores the flagged persons against the planted truth table: recall and precision per condition family and per
   planted presentation, the look-alikes' flag rate, the background flag rate.
   Targets: recall >= 95 %, background flag rate <= 0.1 %, <= 30 s for 1,000,000 persons on 2 cores.
   screen-notes: the same CDM is screened first without NOTE_NLP (a site without NLP) and then with it; both
   are scored (--no-compare skips the first; --no-notes generates the CDM without reports).
4. Runs the same screen as a per-person pandas loop on a --sample of persons (all planted ones among them) and
   prints the speed ratio.

`engine_screen` is the only place that calls the engine's API; `engine_screen_person` re-writes engine.py's logic
(rules, resolved concept sets, windows, levels) for one person in pandas and must follow it when it changes.
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
from pathlib import Path


def _load() -> str:
    import os

    return "/".join(f"{x:.1f}" for x in os.getloadavg())


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# ----------------------------------------------------------------------------------------- engine adapters
def engine_screen(cdm: Path, threads: int, read_notes: bool = True):
    """Run the engine's screen on the whole CDM; returns a pandas DataFrame with person_id and family."""
    from rarebone.screening import run_screen  # screen-engine branch (see SCREEN-CONTRACT.md)

    result = run_screen(f"duckdb:///{cdm}", threads=threads, progress=False, read_notes=read_notes)
    print(f"NOTE_NLP: {result.note_nlp}")
    flagged = result.flagged.to_pandas() if hasattr(result.flagged, "to_pandas") else result.flagged
    # the intermediate-osteopetrosis rule is its own list (cohort 1503) but scores as the osteopetrosis family
    return flagged


# the intermediate rule is its own list (cohort 1503) but scores as the osteopetrosis family; *_review rows are the
# second, lower list and are scored apart from the main (moderate/high) list
AS_TRUTH = {"osteopetrosis_intermediate": "osteopetrosis", "cno_review": "cno", "osteopetrosis_review": "osteopetrosis",
            "osteopetrosis_intermediate_review": "osteopetrosis"}


def split_lists(flagged):
    review = flagged.family.str.endswith("_review")
    main, rev = flagged[~review], flagged[review]
    return main.assign(family=main.family.replace(AS_TRUTH)), rev.assign(family=rev.family.replace(AS_TRUTH))


def loop_context(cdm: Path):
    """What the per-person loop needs once: the engine's rules and the concept sets resolved in this vocabulary
    (vocabulary resolution is per site, not per person)."""
    from rarebone.screening import concepts, engine
    from rarebone.screening.cdm import connect
    from rarebone.screening.rules import load_rules

    rules = load_rules()
    resolution = concepts.resolve(connect(f"duckdb:///{cdm}"), rules)
    ranged, thresh = engine._lab_tables(rules, resolution)
    return {"rules": rules, "set_concepts": resolution.set_concepts.astype({"concept_id": "int64"}),
            "ranged": ranged.astype({"concept_id": "int64"}),
            "thresh": thresh.astype({"concept_id": "int64", "unit_concept_id": "int64"}),
            "fallback": resolution.fallback,
            "sexes": dict(zip(resolution.genders.gender_concept_id, resolution.genders.sex))}


DOMAINS = (("condition", "condition_occurrence", "condition_concept_id", "condition_start_date"),
           ("observation", "observation", "observation_concept_id", "observation_date"),
           ("procedure", "procedure_occurrence", "procedure_concept_id", "procedure_date"),
           ("drug", "drug_exposure", "drug_concept_id", "drug_exposure_start_date"))


def _days(series):
    import pandas as pd

    return (pd.to_datetime(series) - pd.Timestamp("1970-01-01")).dt.days


def engine_screen_person(tables: dict, person_id: int, ctx: dict) -> list[str]:
    """The engine's screen (rarebone/screening/engine.py) re-written for ONE person's pandas frames: the same
    concept sets, lab rules, windows, weights and levels, evaluated row by row in Python."""
    import pandas as pd

    rules = ctx["rules"]
    person = tables["person"].iloc[0]
    if pd.notna(person.birth_datetime):
        birth = int(_days(pd.Series([person.birth_datetime])).iloc[0])
    else:
        birth = int(_days(pd.Series([pd.Timestamp(int(person.year_of_birth), int(person.month_of_birth or 1),
                                                   int(person.day_of_birth or 1))])).iloc[0])
    events = []  # (set_id, day, from NOTE_NLP)
    for domain, table, concept_col, date_col in DOMAINS:
        frame = tables.get(table)
        sets_here = [s.id for s in rules.sets.values() if domain in s.domains]
        if frame is None or frame.empty or not sets_here:
            continue
        sc = ctx["set_concepts"][ctx["set_concepts"].set_id.isin(sets_here)]
        hit = frame.merge(sc, left_on=concept_col, right_on="concept_id")
        events += [(a, b, False) for a, b in zip(hit.set_id, _days(hit[date_col]))]
    # NOTE_NLP terms of this person's notes (engine._note_events): asserted for the patient now, dated by the note
    note, nlp = tables.get("note"), tables.get("note_nlp")
    note_sets = [s.id for s in rules.sets.values() if "note_nlp" in s.domains]
    if note is not None and nlp is not None and not note.empty and not nlp.empty and note_sets:
        from rarebone.screening import notes

        terms = nlp[nlp.note_id.isin(note.note_id)]
        terms = terms[notes.asserted_pandas(terms)].assign(cid=lambda t: notes.concept_column_pandas(t))
        sc = ctx["set_concepts"][ctx["set_concepts"].set_id.isin(note_sets)]
        hit = terms.merge(sc, left_on="cid", right_on="concept_id").merge(note[["note_id", "note_date"]], on="note_id")
        events += [(a, b, True) for a, b in zip(hit.set_id, _days(hit.note_date))]
    m = tables["measurement"]
    if not m.empty:
        r = m.merge(ctx["ranged"], left_on="measurement_concept_id", right_on="concept_id")
        below = (r.direction == "below") & (r.value_as_number < r.range_low)
        above = (r.direction == "above") & (r.value_as_number > r.range_high)
        r = r[below | above]
        events += [(a, b, False) for a, b in zip(r.set_id, _days(r.measurement_date))]
        t = m.merge(ctx["thresh"], left_on=["measurement_concept_id", "unit_concept_id"],
                    right_on=["concept_id", "unit_concept_id"])
        t = t[t.value_as_number * t.factor >= t.threshold]
        events += [(a, b, False) for a, b in zip(t.set_id, _days(t.measurement_date))]
        # range-less rows against the published age/sex-specific limits (engine._fallback_events)
        f = m.merge(ctx["fallback"], left_on=["measurement_concept_id", "unit_concept_id"],
                    right_on=["concept_id", "unit_concept_id"])
        if not f.empty:
            sex = ctx["sexes"].get(int(person.gender_concept_id), "unknown")
            age = _days(f.measurement_date) - birth
            side_empty = f.range_low.where(f.direction == "below", f.range_high).isna()
            v = f.value_as_number * f.factor
            beyond = ((f.direction == "below") & (v < f.limit)) | ((f.direction == "above") & (v > f.limit))
            f = f[side_empty & beyond & (age >= f.age_from) & (age < f.age_to) & f.sex.isin(["any", sex])]
            events += [(a, b, False) for a, b in zip(f.set_id, _days(f.measurement_date))]
    limits = {s.id: (s.age_max_days, s.age_max_inclusive) for s in rules.sets.values() if s.age_max_days is not None}
    events = [(set_id, int(day), note) for set_id, day, note in events if day - birth >= 0
              and (set_id not in limits or (day - birth <= limits[set_id][0] if limits[set_id][1]
                                            else day - birth < limits[set_id][0]))]
    flagged = []
    for family in rules.families:
        limit = family.age_max_days
        persistence_sets = set(getattr(family, "persistence_sets", ()))
        persistence_days = getattr(family, "persistence_days", None)
        key_of = {}
        for item in family.scored:
            for set_id in item.sets:
                key_of.setdefault(set_id, []).append(item.key)
        for set_id in family.persistence_only():  # unscored persistence evidence (engine._keymap)
            key_of[set_id] = ["persist:" + set_id]
        note_sets = set(getattr(family, "note_sets", ()))  # screen-corrob: NLP-only rows of these under "note:" keys
        for set_id, key, _, _ in (family.note_keys() if note_sets else []):
            key_of[set_id] = [key]
        positive = {s.key for s in family.scored if s.role != "against" and s.weight > 0}
        found = {(key, day, set_id in persistence_sets, not note and key in positive)
                 for set_id0, day, note in events
                 for set_id in [set_id0 + "@note" if note and set_id0 in note_sets else set_id0]
                 for key in key_of.get(set_id, [])
                 if (day - birth <= limit if family.age_max_inclusive else day - birth < limit)
                 and day - birth >= family.age_min_days}
        complete = None
        for anchor in sorted({f[1] for f in found}):
            inside = [f for f in found if anchor - family.window_days <= f[1] <= anchor]
            persisting = [f[1] for f in inside if f[2]]
            keys = {f[0] for f in inside}
            review_by_note = bool(note_sets) and family.review_of is not None and any(k.startswith("note:") for k in keys)
            if note_sets and family.review_of is None:  # SCREEN-NOTE-CORROBORATION (engine._levels)
                for _, note_key, _, _ in family.note_keys():
                    note_days = len({f[1] for f in inside if f[0] == note_key})
                    if note_days and (note_days >= family.note_min_days or any(f[3] for f in inside)):
                        keys.add(note_key[len("note:"):])
            opening = [f[1] for f in inside if f[2] and not f[0].startswith("persist:")]
            span = max(persisting) - min(opening) if opening else -1
            if _level(family, keys, review_by_note) >= family.flag_min_level and (
                    persistence_days is None or span >= persistence_days or review_by_note):
                complete = anchor
                break
        if complete is None:
            continue
        stops = [day for set_id, day, _ in events if set_id in set(family.diagnosis_sets) | set(family.managed_sets)]
        explained = any(set_id in set(getattr(family, "explained_by", ())) for set_id, _, _ in events)
        if (not stops or min(stops) > complete) and not explained:
            flagged.append(family.family)
    review_of = {f.family: getattr(f, "review_of", None) for f in rules.families}
    return [f for f in flagged if review_of.get(f) not in flagged]  # run.py: not on a review list twice


def _level(family, keys: set, review_by_note: bool = False) -> int:
    """engine._levels for one anchor, in plain Python."""
    counted = {s.key: s.key in keys and not any(u in keys for u in s.unless) for s in family.scored}
    score = sum(s.signed for s in family.scored if counted[s.key])
    lv = family.levels
    if lv["kind"] == "op":
        domains = {s.domain for s in family.scored}
        dom = {d: any(counted[s.key] for s in family.scored if s.domain == d) for d in domains}
        hallmark = any(counted[s.key] for s in family.scored if s.role == lv["hallmark_role"])
        radiology = dom.get(lv["radiology"], False)
        systemic = any(dom[d] for d in lv["systemic"] if d in dom)
        level = (3 if score >= lv["high"] and hallmark else 2 if score >= lv["moderate"] or hallmark
                 else 1 if score >= lv["low"] else 0)
        if radiology and systemic and level < 2:
            level = 2
        if not hallmark and level == 2 and sum(dom.values()) < lv["min_domains"] and not (radiology and systemic):
            level = 1
        if family.review_min_score is not None or family.review_min_domains is not None:  # OP review lists
            review = ((family.review_min_score is None or score >= family.review_min_score)
                      and (family.review_min_domains is None or sum(dom.values()) >= family.review_min_domains))
            level = 1 if review or review_by_note else 0  # review lists: level low, never higher
        return level
    if not any(counted[s.key] for s in family.scored if s.role == "core"):
        return 0
    return 3 if score >= lv["high"] else 2 if score >= lv["moderate"] else 1


# ----------------------------------------------------------------------------------------- scoring
def wilson(k: int, n: int, z: float = 1.959964, digits: int = 1) -> str:
    """95 % Wilson score interval of k/n (small planted groups: the plain k/n hides how wide it is)."""
    if n == 0:
        return "[-]"
    p = k / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * ((p * (1 - p) / n + z * z / (4 * n * n)) ** 0.5) / (1 + z * z / n)
    return f"[{max(0.0, centre - half):.{digits}%}-{min(1.0, centre + half):.{digits}%}]"


def score(flagged, truth, persons: int) -> list[str]:
    """Recall/precision per family and presentation, look-alike and background flag rates (text lines)."""

    flags = flagged.groupby("person_id")["family"].agg(lambda s: set(s)).to_dict()
    truth = truth.copy()
    truth["flagged_families"] = truth.person_id.map(lambda p: flags.get(p, set()))
    truth["hit"] = [row.family in row.flagged_families for row in truth.itertuples()]
    truth["any_flag"] = truth.flagged_families.map(bool)
    lines = ["recall (planted flagged with their own family):"]
    for (condition, presentation), group in truth[truth.family != "lookalike"].groupby(["condition", "presentation"]):
        lines.append(f"  {condition:<27} {presentation:<6} {group.hit.sum():>5}/{len(group):<5} = {group.hit.mean():6.1%} "
                     f"{wilson(int(group.hit.sum()), len(group))}")
    for family, group in truth[truth.family != "lookalike"].groupby("family"):
        lines.append(f"  {family:<27} all    {group.hit.sum():>5}/{len(group):<5} = {group.hit.mean():6.1%} "
                     f"{wilson(int(group.hit.sum()), len(group))}  (target >= 95%)")
    looks = truth[truth.family == "lookalike"]
    lines.append("look-alikes flagged (should be 0):")
    for condition, group in looks.groupby("condition"):
        lines.append(f"  {condition:<24} {group.any_flag.sum():>4}/{len(group):<4} = {group.any_flag.mean():6.1%} "
                     f"{wilson(int(group.any_flag.sum()), len(group))}")
    lines.append(f"  all look-alikes          {looks.any_flag.sum():>4}/{len(looks):<4} = {looks.any_flag.mean():6.1%}")
    planted = set(truth.person_id)
    flagged_people = set(flags)
    background = persons - len(planted)
    background_flags = len(flagged_people - planted)
    lines.append(f"background flagged: {background_flags:,}/{background:,} = {background_flags / background:.3%} "
                 f"{wilson(background_flags, background, digits=3)} (target <= 0.1%)")
    lines.append("precision per family (flagged with family F that are planted F):")
    family_of = truth.set_index("person_id").family.to_dict()
    for family in sorted(set(flagged.family)):
        who = set(flagged.person_id[flagged.family == family])
        right = sum(1 for p in who if family_of.get(p) == family)
        lines.append(f"  {family:<14} {right:>5}/{len(who):<6} = {right / len(who) if who else 0:6.1%}")
    return lines


# ----------------------------------------------------------------------------------------- pandas loop
def pandas_loop(cdm: Path, truth, sample: int, seed: int):
    """Per-person loop in pandas over a sample (all planted persons plus random background persons)."""
    import duckdb
    import numpy as np

    con = duckdb.connect(str(cdm), read_only=True)
    everyone = con.execute("SELECT person_id FROM person").fetchnumpy()["person_id"]
    rng = np.random.default_rng(seed)
    planted = truth.person_id.to_numpy()
    others = np.setdiff1d(everyone, planted)
    chosen = np.concatenate([planted, rng.choice(others, size=max(0, sample - len(planted)), replace=False)])
    con.register("chosen", {"person_id": chosen})
    tables = {name: con.execute(f"SELECT * FROM {name} WHERE person_id IN (SELECT person_id FROM chosen)").df()
              for name in ("person", "observation_period", "visit_occurrence", "condition_occurrence",
                           "measurement", "drug_exposure", "procedure_occurrence", "note")}
    # NOTE_NLP has no person_id: its rows come with the person of their note
    nlp = con.execute("SELECT n.person_id, x.* FROM note_nlp x JOIN note n USING (note_id) "
                      "WHERE n.person_id IN (SELECT person_id FROM chosen)").df()
    tables["note_nlp"] = nlp
    con.close()
    grouped = {name: dict(tuple(frame.groupby("person_id"))) for name, frame in tables.items()
               if "person_id" in frame.columns}
    ctx = loop_context(cdm)
    started = time.perf_counter()
    flagged = []
    for person_id in chosen:  # deliberately one person at a time: the approach the engine replaces
        own = {name: frames.get(person_id, tables[name].iloc[0:0]) for name, frames in grouped.items()}
        for family in engine_screen_person(own, int(person_id), ctx):
            flagged.append((int(person_id), family))  # raw family names, as the engine's output
    return time.perf_counter() - started, {int(p) for p in chosen}, flagged


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="population screening benchmark (synthetic CDM)")
    parser.add_argument("--persons", type=int, default=50_000)
    parser.add_argument("--cdm", type=Path, default=Path("/tmp/rarebone-bench-cdm.duckdb"))
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--sample", type=int, default=10_000, help="persons in the pandas-loop comparison")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--planted-scale", type=float, default=1.0, help="more planted cases (see screen-demo)")
    parser.add_argument("--skip-engine", action="store_true", help="only generate (and time) the CDM")
    parser.add_argument("--no-notes", action="store_true", help="generate the CDM without NOTE/NOTE_NLP rows")
    parser.add_argument("--no-compare", action="store_true", help="skip the screen without notes")
    args = parser.parse_args(argv)

    import pyarrow.parquet as pq

    from rarebone.screening.demo.build import build_demo, default_truth_path

    truth_path = default_truth_path(str(args.cdm), "duckdb")
    if args.cdm.exists() and truth_path.exists():
        print(f"reusing {args.cdm} (delete it to regenerate)")
    else:
        result = build_demo(args.persons, str(args.cdm), "duckdb", seed=args.seed, replace=True,
                            planted_scale=args.planted_scale, notes=not args.no_notes)
        clinical = sum(v for k, v in result.rows.items() if not k.startswith("concept"))
        print(f"generated {result.persons:,} persons, {clinical:,} rows, {result.planted:,} planted in "
              f"{result.seconds:.1f} s; {args.cdm.stat().st_size / 2**20:.0f} MB; peak {result.peak_rss_mb:.0f} MB")
    truth = pq.read_table(truth_path).to_pandas()
    import pandas as pd
    import duckdb

    persons = duckdb.connect(str(args.cdm), read_only=True).execute("SELECT count(*) FROM person").fetchone()[0]
    if args.skip_engine:
        return 0
    try:
        if not args.no_compare:  # first, as a site without NLP would screen the same CDM (NOTE_NLP not read)
            import os

            started, cpu0 = time.perf_counter(), os.times()
            without = engine_screen(args.cdm, args.threads, read_notes=False)
            cpu1 = os.times()
            print(f"screen WITHOUT notes: {time.perf_counter() - started:.2f} s wall, "
                  f"{cpu1.user - cpu0.user + cpu1.system - cpu0.system:.1f} s CPU (process), load {_load()}")
            wo_main, wo_review = split_lists(without)
            print("== WITHOUT notes, main + review")
            for line in score(pd.concat([wo_main, wo_review]), truth, persons):
                print(line)
        import os

        started, cpu0 = time.perf_counter(), os.times()
        flagged = engine_screen(args.cdm, args.threads)
        elapsed = time.perf_counter() - started
        cpu1 = os.times()
        print(f"screen WITH notes: {elapsed:.2f} s wall, {cpu1.user - cpu0.user + cpu1.system - cpu0.system:.1f} s "
              f"CPU (process), load {_load()}")
    except ImportError as exc:
        print(f"engine not available on this branch ({exc}); merge screen-engine and run again", file=sys.stderr)
        return 2
    print(f"screen on DuckDB: {persons:,} persons in {elapsed:.2f} s ({args.threads} threads), "
          f"process peak memory {peak_mb():.0f} MB (includes generation when it ran in this process); "
          f"{flagged.person_id.nunique():,} persons flagged"
          + ("  (target <= 30 s at 1,000,000)" if persons >= 1_000_000 else ""))
    main_list, review_list = split_lists(flagged)
    print("== main list (moderate/high; infant osteopetrosis from low)")
    for line in score(main_list, truth, persons):
        print(line)
    print("== review list alone (screen for review; persons on the main list not repeated)")
    for line in score(review_list, truth, persons):
        print(line)
    print("== main + review (what the site sees in the two lists together)")
    for line in score(pd.concat([main_list, review_list]), truth, persons):
        print(line)
    try:
        loop_seconds, sample, loop_flags = pandas_loop(args.cdm, truth, args.sample, args.seed)
    except ImportError as exc:
        print(f"pandas per-person screen not available ({exc})", file=sys.stderr)
        return 0
    per_person_engine = elapsed / persons
    per_person_loop = loop_seconds / len(sample)
    engine_on_sample = {(int(p), f) for p, f in zip(flagged.person_id, flagged.family) if int(p) in sample}
    same = set(loop_flags) == engine_on_sample
    print(f"pandas per-person loop: {len(sample):,} persons in {loop_seconds:.2f} s; per person "
          f"{1000 * per_person_loop:.3f} ms vs engine {1000 * per_person_engine:.4f} ms: "
          f"engine {per_person_loop / per_person_engine:,.0f}x faster; "
          f"flags on the sample {'agree' if same else 'DIFFER'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

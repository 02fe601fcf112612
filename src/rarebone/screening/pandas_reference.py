"""The same screen for ONE person in plain pandas: the slow per-person way the Ibis engine replaces.

Used by the benchmark (speed ratio) and by the tests (the engine and this reference must flag the same people).
Concept resolution is done once per vocabulary (it is not part of the per-person cost)."""

from __future__ import annotations

from functools import lru_cache

from rarebone.screening.engine import DOMAIN_TABLES
from rarebone.screening.rules import NOTE_KEY, PERSIST_KEY, load_rules


@lru_cache(maxsize=4)
def _resolution(key):
    import ibis

    from rarebone.screening import concepts, duckdb_compat
    from rarebone.screening.cdm import Cdm

    tables = _VOCAB[key]
    con = ibis.duckdb.connect()
    duckdb_compat.patch(con)
    names = {}
    for name, frame in tables.items():
        empty = [c for c in frame.columns if frame[c].dtype == object and frame[c].isna().all()]
        con.create_table(name, frame.astype({c: "string" for c in empty}) if empty else frame)
        names[name] = name
    return concepts.resolve(Cdm(con=con, backend="duckdb", label="vocabulary", _names=names), _rules())


_VOCAB: dict = {}


@lru_cache(maxsize=1)
def _rules():
    return load_rules()


def _days(series):
    import pandas as pd

    # via a timedelta: the datetime resolution (ns, us) differs between pandas readers
    return (pd.to_datetime(series) - pd.Timestamp("1970-01-01")).dt.days.astype("int64")


def _birth_day(person) -> int:
    import pandas as pd

    row = person.iloc[0]
    if "birth_datetime" in person.columns and pd.notna(row.get("birth_datetime")):
        return int(_days(pd.Series([row.birth_datetime])).iloc[0])
    month = int(row.month_of_birth) if pd.notna(row.get("month_of_birth")) else 1
    day = int(row.day_of_birth) if pd.notna(row.get("day_of_birth")) else 1
    return int(_days(pd.Series([pd.Timestamp(int(row.year_of_birth), month, day)])).iloc[0])


def person_events(tables: dict, resolution, rules):
    import pandas as pd

    sc = resolution.set_concepts
    parts = []
    for domain, table, concept_col, date_col in DOMAIN_TABLES:
        frame = tables.get(table)
        if frame is None or frame.empty:
            continue
        sets_here = [s.id for s in rules.sets.values() if domain in s.domains]
        m = sc[sc.set_id.isin(sets_here)]
        j = frame[[concept_col, date_col]].merge(m, left_on=concept_col, right_on="concept_id")
        parts.append(pd.DataFrame({"set_id": j.set_id, "day": _days(j[date_col]), "note": False}))
    parts += _note_events(tables, sc, rules)
    meas = tables.get("measurement")
    if meas is not None and not meas.empty:
        info = {r.id: r for r in rules.labs}
        lc = resolution.lab_concepts
        j = meas.merge(lc, left_on="measurement_concept_id", right_on="concept_id")
        for rule_id, g in j.groupby("rule_id"):
            rule = info[rule_id]
            v = g.value_as_number.astype("float64")
            if rule.threshold is None:
                hit = (v < g.range_low) if rule.direction == "below" else (v > g.range_high)
                hit = hit.fillna(False) | _beyond_published_limit(g, rule, tables, resolution)
            else:
                f = resolution.unit_factors[resolution.unit_factors.rule_id == rule_id]
                factor = g.unit_concept_id.map(dict(zip(f.unit_concept_id, f.factor)))
                hit = (v * factor >= rule.threshold).fillna(False)
            h = g[hit.astype(bool)]
            parts.append(pd.DataFrame({"set_id": h.set_id, "day": _days(h.measurement_date), "note": False}))
    if not parts:
        return pd.DataFrame({"set_id": [], "day": [], "note": []})
    return pd.concat(parts, ignore_index=True)


def _note_events(tables, sc, rules):
    """As engine._note_events: asserted NOTE_NLP terms of this person's notes, dated by note_date."""
    import pandas as pd

    from rarebone.screening import notes

    nn, note = tables.get("note_nlp"), tables.get("note")
    sets_here = [s.id for s in rules.sets.values() if "note_nlp" in s.domains]
    if nn is None or note is None or nn.empty or note.empty or not sets_here:
        return []
    nn = nn[nn.note_id.isin(note.note_id)]
    nn = nn[notes.asserted_pandas(nn)]
    terms = pd.DataFrame({"note_id": nn.note_id.astype("int64"), "cid": notes.concept_column_pandas(nn)})
    j = terms.merge(sc[sc.set_id.isin(sets_here)], left_on="cid", right_on="concept_id")
    j = j.merge(note[["note_id", "note_date"]].astype({"note_id": "int64"}), on="note_id")
    return [pd.DataFrame({"set_id": j.set_id, "day": _days(j.note_date), "note": True})]


def _person_sex(tables, resolution) -> str:
    person = tables.get("person")
    if person is None or person.empty or resolution.genders is None:
        return "unknown"
    sexes = dict(zip(resolution.genders.gender_concept_id, resolution.genders.sex))
    return sexes.get(int(person.iloc[0].gender_concept_id), "unknown")


def _beyond_published_limit(g, rule, tables, resolution):
    """As engine._fallback_events: a row without a range on the rule's side, against the published limit."""
    import pandas as pd

    none = pd.Series(False, index=g.index)
    if not rule.fallback or tables.get("person") is None or tables["person"].empty:
        return none
    fb = resolution.fallback[resolution.fallback.rule_id == rule.id]
    side = g.range_low if rule.direction == "below" else g.range_high
    age = _days(g.measurement_date) - _birth_day(tables["person"])
    sex = _person_sex(tables, resolution)
    hit = none.copy()
    for band in fb.itertuples():
        value = g.value_as_number.astype("float64") * band.factor
        beyond = (value < band.limit) if band.direction == "below" else (value > band.limit)
        hit |= (side.isna() & (g.measurement_concept_id == band.concept_id) & (g.unit_concept_id == band.unit_concept_id)
                & (age >= band.age_from) & (age < band.age_to) & (band.sex in ("any", sex)) & beyond).fillna(False)
    return hit


def _young_enough(ev, birth_day: int, rules):
    """As engine.events: a finding with its own age limit (neonatal hypocalcaemia) only counts up to it."""
    keep = ev.day - birth_day >= 0
    for s in rules.sets.values():
        if s.age_max_days is not None:
            age = ev.day - birth_day
            young = (age <= s.age_max_days) if s.age_max_inclusive else (age < s.age_max_days)
            keep &= (ev.set_id != s.id) | young
    return ev[keep]


def _level(family, keys: set[str], alt: bool = False) -> tuple[int, float]:
    """As engine._levels; ``alt``: an NLP-only finding on a review list that takes them (SCREEN-NOTE-CORROBORATION)."""
    counted = [s for s in family.scored if s.key in keys and not any(u in keys for u in s.unless)]
    score = sum(s.signed for s in counted)
    lv = family.levels
    if lv["kind"] == "cno":
        if not any(s.role == "core" for s in counted):
            return 0, score
        return (3 if score >= lv["high"] else 2 if score >= lv["moderate"] else 1), score
    domains = {s.domain for s in counted}
    hallmark = any(s.role == lv["hallmark_role"] for s in counted)
    radiology = lv["radiology"] in domains
    systemic = bool(domains & set(lv["systemic"]))
    level = 3 if score >= lv["high"] and hallmark else 2 if score >= lv["moderate"] or hallmark else 1 if score >= lv["low"] else 0
    if radiology and systemic and level < 2:
        level = 2
    if not hallmark and level == 2 and len(domains) < lv["min_domains"] and not (radiology and systemic):
        level = 1
    if family.review_min_score is not None or family.review_min_domains is not None:
        review = ((family.review_min_score is None or score >= family.review_min_score)
                  and (family.review_min_domains is None or len(domains) >= family.review_min_domains))
        level = 1 if review or alt else 0  # a review list is level low, never higher (as engine._levels)
    return level, score


def screen_events(ev, birth_day: int, rules) -> list[str]:
    """Families flagged for one person's events (set_id, day)."""
    ev = _young_enough(ev, birth_day, rules)
    flagged = []
    for family in rules.families:
        key_of = family.key_of_set()
        key_of.update({s: [PERSIST_KEY + s] for s in family.persistence_only()})  # as engine._keymap
        key_of.update({s: [k] for s, k, _, _ in family.note_keys()})  # NLP-only rows of corroboration sets
        positive = {s.key for s in family.scored if s.role != "against" and s.weight > 0}
        age = ev.day - birth_day
        inside = (age >= 0) & family.in_age(age)
        fe = ev[inside]
        named = [family.rename_note_set(s, bool(n)) for s, n in zip(fe.set_id, fe.note)]
        # (key, day, persistence set, coded row of a positively weighted finding)
        rows = sorted({(k, int(d), s in family.persistence_sets, not n and k in positive)
                       for s, d, n in zip(named, fe.day, fe.note) if s in key_of for k in key_of[s]},
                      key=lambda r: r[1])
        complete = None
        for anchor in sorted({r[1] for r in rows}):
            win = [r for r in rows if anchor - family.window_days <= r[1] <= anchor]
            keys = {r[0] for r in win}
            if family.note_sets and not family.note_review:  # SCREEN-NOTE-CORROBORATION, as engine._levels
                for _, note_key, _, _ in family.note_keys():
                    note_days = len({r[1] for r in win if r[0] == note_key})
                    if note_days and (note_days >= family.note_min_days or any(r[3] for r in win)):
                        keys.add(note_key[len(NOTE_KEY):])
            alt = family.note_review and any(k.startswith(NOTE_KEY) for k in keys)
            level, _ = _level(family, keys, alt)
            days = [r[1] for r in win if r[2]]
            opens = [r[1] for r in win if r[2] and not r[0].startswith(PERSIST_KEY)]  # an MRI never opens the span
            span = (max(days) - min(opens)) if opens else -1
            if level >= family.flag_min_level and (family.persistence_days is None or span >= family.persistence_days
                                                   or alt):
                complete = anchor
                break
        if complete is None:
            continue
        valid = ev[ev.day - birth_day >= 0]
        stops = valid[valid.set_id.isin(list(family.diagnosis_sets) + list(family.managed_sets))].day
        if len(stops) and int(stops.min()) <= complete:
            continue
        if family.explained_by and valid.set_id.isin(list(family.explained_by)).any():
            continue
        flagged.append(family.family)
    # as run.py: a person on a main list is not repeated on its review list
    return [f for family in rules.families if (f := family.family) in flagged and family.review_of not in flagged]


def screen_person(tables: dict, person_id: int, rules=None) -> list[str]:
    """The families flagged for one person, from that person's own pandas frames plus the vocabulary frames
    (``rules``: the shipped rules unless given, e.g. a site's variant)."""
    rules = rules or _rules()
    vocab = {n: tables[n] for n in ("concept", "concept_ancestor", "concept_relationship") if n in tables}
    key = tuple(id(f) for f in vocab.values())
    _VOCAB.setdefault(key, vocab)
    resolution = _resolution(key)
    person = tables["person"]
    person = person[person.person_id == person_id]
    if person.empty:
        return []
    ev = person_events({k: (v[v.person_id == person_id] if "person_id" in v.columns else v) for k, v in tables.items()},
                       resolution, rules)
    return screen_events(ev, _birth_day(person), rules)

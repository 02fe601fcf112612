"""The screen as Ibis expressions: per-person aggregates computed where the data lives (no per-person loop).

1. events: every clinical row whose concept is in a concept set (conditions, observations, procedures, drugs) or
   whose laboratory value reads as a finding (measurement against the row's range, or a unit-converted threshold),
   as (person_id, set_id, day, concept_id, value, source); days are epoch days, age = day - birth day.
2. per family: the findings inside the family's age window, each finding day an anchor; the findings within the
   co-occurrence window before an anchor are scored with the per-child weights and level rules; a person's level
   is the highest over anchors and the pattern is complete at the first anchor reaching the flag level.
3. not flagged when a diagnosis (or specialist treatment) is recorded on or before that day; missed opportunities
   = visits after that day and before the diagnosis.
"""

from __future__ import annotations

import functools
import operator

from rarebone.screening.rules import NOTE_KEY, NOTE_SUFFIX

DOMAIN_TABLES = (  # concept-set domain, table, concept column, date column
    ("condition", "condition_occurrence", "condition_concept_id", "condition_start_date"),
    ("observation", "observation", "observation_concept_id", "observation_date"),
    ("procedure", "procedure_occurrence", "procedure_concept_id", "procedure_date"),
    ("drug", "drug_exposure", "drug_concept_id", "drug_exposure_start_date"),
)


def _any(exprs):
    import ibis

    exprs = list(exprs)
    return functools.reduce(operator.or_, exprs) if exprs else ibis.literal(False)


def _day(column):
    return column.cast("date").epoch_days().cast("int64")


def births(cdm):
    import ibis

    p = cdm.table("person")
    made = ibis.date(p.year_of_birth.cast("int32"), p.month_of_birth.fill_null(1).cast("int32"),
                     p.day_of_birth.fill_null(1).cast("int32"))
    birth = p.birth_datetime.cast("date").fill_null(made) if "birth_datetime" in p.columns else made
    return p.select(person_id=p.person_id.cast("int64"), birth_day=_day(birth))


def _no_note():
    import ibis

    # every event carries the note columns (empty outside NOTE_NLP) so the union has one schema
    return {"note_id": ibis.null().cast("int64"), "text": ibis.null().cast("string")}


def events(cdm, rules, resolution, read_notes: bool = True):
    """All rows that count as a concept-set finding, with the person's age in days. ``read_notes=False`` screens
    as a site without NLP would (the benchmark's comparison)."""
    import ibis

    sc = ibis.memtable(resolution.set_concepts.astype({"concept_id": "int64"}))
    parts = []
    for domain, table, concept_col, date_col in DOMAIN_TABLES:
        sets_here = [s.id for s in rules.sets.values() if domain in s.domains]
        if not sets_here or not cdm.has(table):
            continue
        t = cdm.table(table)
        m = sc.filter(sc.set_id.isin(sets_here))
        j = t.join(m, t[concept_col].cast("int64") == m.concept_id)
        parts.append(j.select(person_id=t.person_id.cast("int64"), set_id=m.set_id, day=_day(t[date_col]),
                              concept_id=m.concept_id, value=ibis.null().cast("float64"),
                              source=ibis.literal(table), **_no_note()))
    if read_notes:
        parts += _note_events(cdm, rules, sc)
    parts += [p.mutate(**_no_note()) for p in _lab_events(cdm, rules, resolution)]
    ev = functools.reduce(lambda a, b: a.union(b, distinct=False), parts)
    b = births(cdm)
    ev = ev.join(b, "person_id").select(ev.person_id, ev.set_id, ev.day, ev.concept_id, ev.value, ev.source,
                                        ev.note_id, ev.text, age=ev.day - b.birth_day, birth_day=b.birth_day)
    ev = ev.filter(ev.age >= 0)
    for s in rules.sets.values():  # findings that only count up to an age (neonatal hypocalcaemia)
        if s.age_max_days is not None:
            young = (ev.age <= s.age_max_days) if s.age_max_inclusive else (ev.age < s.age_max_days)
            ev = ev.filter((ev.set_id != s.id) | young)
    return ev


def _note_events(cdm, rules, sc):
    """NOTE_NLP terms as findings of the sets whose domains include note_nlp: the term's concept (standard, else
    source) resolved like every other domain, only terms the NLP asserts for the patient now (notes.asserted),
    dated and attributed through NOTE (note_date, person_id)."""
    import ibis

    from rarebone.screening import notes

    sets_here = [s.id for s in rules.sets.values() if "note_nlp" in s.domains]
    if not sets_here or not (cdm.has("note_nlp") and cdm.has("note")):
        return []
    nn, note = cdm.table("note_nlp"), cdm.table("note")
    m = sc.filter(sc.set_id.isin(sets_here))
    terms = nn.filter(notes.asserted(nn)).select(nid=nn.note_id.cast("int64"), cid=notes.concept_column(nn),
                                                 text=nn.lexical_variant.cast("string"))
    j = terms.join(m, terms.cid == m.concept_id)
    dated = note.select(nid2=note.note_id.cast("int64"), person_id=note.person_id.cast("int64"),
                        day=_day(note.note_date))
    j = j.join(dated, j.nid == dated.nid2)
    return [j.select(person_id=j.person_id, set_id=j.set_id, day=j.day, concept_id=j.concept_id,
                     value=ibis.null().cast("float64"), source=ibis.literal("note_nlp"), note_id=j.nid,
                     text=j.text)]


def _lab_tables(rules, resolution):
    import pandas as pd

    info = pd.DataFrame([{"rule_id": r.id, "direction": r.direction, "threshold": r.threshold} for r in rules.labs])
    lc = resolution.lab_concepts.merge(info, on="rule_id")
    ranged = lc[lc.threshold.isna()][["rule_id", "set_id", "concept_id", "direction"]]
    thresh = lc[lc.threshold.notna()].merge(resolution.unit_factors, on="rule_id")
    return ranged, thresh[["rule_id", "set_id", "concept_id", "unit_concept_id", "factor", "threshold"]]


def _lab_events(cdm, rules, resolution):
    import ibis

    ranged, thresh = _lab_tables(rules, resolution)
    m = cdm.table("measurement")
    mcid = m.measurement_concept_id.cast("int64")
    out = []
    if len(ranged):
        r = ibis.memtable(ranged.astype({"concept_id": "int64"}))
        j = m.join(r, mcid == r.concept_id)
        v = m.value_as_number.cast("float64")
        hit = ((r.direction == "below") & (v < m.range_low.cast("float64"))) | (
            (r.direction == "above") & (v > m.range_high.cast("float64")))
        out.append(j.filter(hit).select(person_id=m.person_id.cast("int64"), set_id=r.set_id,
                                        day=_day(m.measurement_date), concept_id=r.concept_id, value=v,
                                        source=ibis.literal("measurement")))
    out += _fallback_events(cdm, rules, resolution)
    if len(thresh):
        t = ibis.memtable(thresh.astype({"concept_id": "int64", "unit_concept_id": "int64"}))
        j = m.join(t, (mcid == t.concept_id) & (m.unit_concept_id.cast("int64") == t.unit_concept_id))
        v = m.value_as_number.cast("float64") * t.factor
        out.append(j.filter(v >= t.threshold).select(person_id=m.person_id.cast("int64"), set_id=t.set_id,
                                                     day=_day(m.measurement_date), concept_id=t.concept_id, value=v,
                                                     source=ibis.literal("measurement")))
    return out


def _fallback_events(cdm, rules, resolution):
    """Range-less rows of the range-read analytes against the published age (and sex) specific limit."""
    import ibis

    fb = resolution.fallback
    if fb is None or fb.empty:
        return []
    f = ibis.memtable(fb.rename(columns={"concept_id": "f_concept", "unit_concept_id": "f_unit", "sex": "band_sex",
                                         "limit": "bound"}))
    m = cdm.table("measurement")
    rows = m.select(person_id=m.person_id.cast("int64"), concept_id=m.measurement_concept_id.cast("int64"),
                    unit_id=m.unit_concept_id.cast("int64"), day=_day(m.measurement_date),
                    raw=m.value_as_number.cast("float64"), low=m.range_low.cast("float64"),
                    high=m.range_high.cast("float64"))
    rows = rows.filter(rows.raw.notnull())
    p = cdm.table("person")
    genders = resolution.genders
    b = births(cdm)
    q = p.select(pid=p.person_id.cast("int64"), gid=p.gender_concept_id.cast("int64"))
    people = b.join(q, b.person_id == q.pid)
    if genders is not None and len(genders):
        g = ibis.memtable(genders)
        people = people.left_join(g, people.gid == g.gender_concept_id)
        people = people.select(pid=people.person_id, birth_day=people.birth_day,
                               person_sex=people.sex.fill_null("unknown"))
    else:
        people = people.select(pid=people.person_id, birth_day=people.birth_day, person_sex=ibis.literal("unknown"))
    j = rows.join(f, (rows.concept_id == f.f_concept) & (rows.unit_id == f.f_unit))
    j = j.join(people, j.person_id == people.pid)
    age = j.day - j.birth_day
    value = j.raw * j.factor
    side_empty = ibis.ifelse(j.direction == "below", j.low.isnull(), j.high.isnull())
    beyond = ibis.ifelse(j.direction == "below", value < j.bound, value > j.bound)
    hit = (side_empty & beyond & (age >= j.age_from) & (age < j.age_to)
           & ((j.band_sex == "any") | (j.band_sex == j.person_sex)))
    return [j.filter(hit).select(person_id=j.person_id, set_id=j.set_id, day=j.day, concept_id=j.concept_id,
                                 value=value, source=ibis.literal("measurement"))]


def skipped_lab_rows(cdm, rules, resolution) -> int:
    """Measurement rows of the range-read analytes that carry no reference range and that no published limit
    reads either (the analyte has none, or the row's unit cannot be converted): not read, reported."""
    ranged, _ = _lab_tables(rules, resolution)
    fb = resolution.fallback
    with_limits = {r.id for r in rules.labs if r.threshold is None and r.fallback}
    m = cdm.table("measurement")
    r = m.filter(m.value_as_number.notnull() & m.range_low.isnull() & m.range_high.isnull())
    cid = r.measurement_concept_id.cast("int64")
    plain = sorted(set(ranged[~ranged.rule_id.isin(with_limits)].concept_id.astype(int)))
    limited = sorted(set(ranged[ranged.rule_id.isin(with_limits)].concept_id.astype(int)))
    count = 0
    if plain:
        count += int(r.filter(cid.isin(plain)).count().to_pyarrow().as_py())
    if limited:
        units = sorted(set(fb.unit_concept_id.astype(int)))
        unreadable = r.filter(cid.isin(limited) & ~r.unit_concept_id.cast("int64").isin(units or [-1]))
        count += int(unreadable.count().to_pyarrow().as_py())
    return count


def _keymap(family):
    import ibis
    import pandas as pd

    from rarebone.screening.rules import PERSIST_KEY

    rows = [{"set_id": s, "key": item.key, "pos_w": item.weight if item.role != "against" else 0.0,
             "core": item.role == "core", "persist": s in family.persistence_sets,
             "opens": s in family.persistence_sets, "domain": item.domain}
            for item in family.scored for s in item.sets]
    # unscored persistence evidence (an MRI): it can only show the complaint still worked up LATER, so it never
    # opens the persistence span ('opens' = may be its first day); adds no weight and no domain
    rows += [{"set_id": s, "key": PERSIST_KEY + s, "pos_w": 0.0, "core": False, "persist": True, "opens": False,
              "domain": None} for s in family.persistence_only()]
    # screen-corrob: NLP-only rows of a corroboration set, under their own key (see rules.Family.note_keys)
    rows += [{"set_id": s, "key": k, "pos_w": w, "core": False, "persist": False, "opens": False, "domain": d}
             for s, k, w, d in family.note_keys()]
    return ibis.memtable(pd.DataFrame(rows))


def _levels(family, agg):
    """Score and level per anchor, as the per-child rules compute them (see rules.py / the level entries)."""
    import ibis

    present = {s.key: agg[f"k{i}"] == 1 for i, s in enumerate(family.scored)}
    alt = ibis.literal(False)
    if family.note_sets and not family.note_review:
        # SCREEN-NOTE-CORROBORATION: a finding read only from notes counts when asserted on enough distinct note
        # dates, or beside a coded red flag of this family, in the window; its coded rows count as always
        for j, (_, note_key, _, _) in enumerate(family.note_keys()):
            key = note_key[len(NOTE_KEY):]
            days = agg[f"n{j}"]
            present[key] = present[key] | ((days >= 1) & ((days >= family.note_min_days) | (agg.cod == 1)))
    elif family.note_review:
        alt = agg.nr == 1  # an NLP-only finding of the main list's corroboration sets: listed for review
    counted = {s.key: present[s.key] & ~_any(present[u] for u in s.unless) for s in family.scored}
    score = functools.reduce(operator.add, [ibis.ifelse(counted[s.key], s.signed, 0.0) for s in family.scored])
    lv = family.levels
    if lv["kind"] == "op":
        domains = sorted({s.domain for s in family.scored})
        dom = {d: _any(counted[s.key] for s in family.scored if s.domain == d) for d in domains}
        n_dom = functools.reduce(operator.add, [dom[d].cast("int32") for d in domains])
        hallmark = _any(counted[s.key] for s in family.scored if s.role == lv["hallmark_role"])
        radiology = dom.get(lv["radiology"], ibis.literal(False))
        systemic = _any(dom[d] for d in lv["systemic"] if d in dom)
        level0 = ibis.cases(((score >= lv["high"]) & hallmark, 3), ((score >= lv["moderate"]) | hallmark, 2),
                            (score >= lv["low"], 1), else_=0)
        raised = ibis.ifelse(radiology & systemic & (level0 < 2), 2, level0)
        level = ibis.ifelse(~hallmark & (raised == 2) & (n_dom < lv["min_domains"]) & ~(radiology & systemic), 1, raised)
        if family.review_min_score is not None or family.review_min_domains is not None:
            # an osteopetrosis review list: flagged at 'low' when its own rule holds, whatever the per-child level
            review = ibis.literal(True)
            if family.review_min_score is not None:
                review &= score >= family.review_min_score
            if family.review_min_domains is not None:
                review &= n_dom >= family.review_min_domains
            # a review list is level low, never higher (an NLP-only hallmark it reads does not make it moderate)
            level = ibis.ifelse(review | alt, 1, 0)
    else:
        core = _any(counted[s.key] for s in family.scored if s.role == "core")
        level = ibis.cases((~core, 0), (score >= lv["high"], 3), (score >= lv["moderate"], 2), else_=1)
    return agg.select("person_id", "anchor", "span", score=score, level=level.cast("int32"), alt=alt)


def _prune_min(family) -> float:
    # Every path to the flag level needs this much positive weight in one window (OP: 'low' needs the low score,
    # a hallmark outweighs it; CNO: the moderate/high cut-off with a core finding), so persons below it are dropped
    # before the window self-join.
    lv = family.levels
    if lv["kind"] == "op" and (family.review_min_score is not None or family.review_min_domains is not None):
        return family.review_min_score or 0.0
    if lv["kind"] == "op":
        return lv["low"]
    return lv["moderate"] if family.flag_min_level == 2 else (lv["high"] if family.flag_min_level == 3 else 0.0)


def family_flags(cdm, ev, family, since_day: int | None):
    import ibis

    age_ok = family.in_age(ev.age)
    km = _keymap(family)
    fe = ev.filter(age_ok)
    if family.note_sets:  # NLP-only rows of the corroboration sets under their own set id (SCREEN-NOTE-CORROBORATION)
        from_note = (fe.source == "note_nlp") & fe.set_id.isin(list(family.note_sets))
        fe = fe.mutate(set_id=ibis.ifelse(from_note, fe.set_id + NOTE_SUFFIX, fe.set_id))
    fe = fe.join(km, "set_id")
    # cw: a coded (not NLP-derived) row of a positively weighted finding: what corroborates a note-only finding
    fe = fe.select("person_id", "key", "day", "pos_w", "core", "persist", "opens", "domain",
                   cw=(fe.source != "note_nlp") & (fe.pos_w > 0))
    note_review = family.note_review
    ub = (fe.select("person_id", "key", "pos_w", "core", "domain").distinct()
          .group_by("person_id").aggregate(ub=lambda t: t.pos_w.sum(), has_core=lambda t: t.core.cast("int32").max(),
                                           n_dom=lambda t: t.domain.nunique(),
                                           has_note=lambda t: t.key.startswith(NOTE_KEY).cast("int32").max()))
    # a review list's NLP-only finding opens the review whatever the weights (never pruned away)
    by_note = (ub.has_note == 1) if note_review else ibis.literal(False)
    keep = ub.filter((ub.ub >= _prune_min(family)) | by_note)
    if family.review_min_domains is not None:  # a window can span no more domains than the whole record
        keep = keep.filter((keep.n_dom >= family.review_min_domains) | ((keep.has_note == 1) if note_review
                                                                         else ibis.literal(False)))
    if family.levels["kind"] == "cno":
        keep = keep.filter(keep.has_core == 1)
    fd = fe.select("person_id", "key", "day", "persist", "opens", "cw").distinct().semi_join(keep, "person_id")
    anchors = fd.select("person_id", anchor=fd.day).distinct()
    w = fd.rename(p2="person_id")
    win = anchors.join(w, (anchors.person_id == w.p2) & (w.day <= anchors.anchor)
                       & (w.day >= anchors.anchor - int(family.window_days)))
    win = win.select(anchors.person_id, anchors.anchor, w.key, w.day, w.persist, w.opens, w.cw)
    extra = {}
    if family.note_sets and not note_review:
        extra["cod"] = win.cw.cast("int32").max()
        extra.update({f"n{j}": win.day.nunique(where=win.key == k) for j, (_, k, _, _) in enumerate(family.note_keys())})
    elif note_review:
        extra["nr"] = win.key.startswith(NOTE_KEY).cast("int32").max()
    agg = win.group_by(["person_id", "anchor"]).aggregate(
        span=(win.day.max(where=win.persist) - win.day.min(where=win.opens)).fill_null(-1),
        **{f"k{i}": (win.key == s.key).cast("int32").max() for i, s in enumerate(family.scored)}, **extra)
    lv = _levels(family, agg)
    complete = lv.level >= family.flag_min_level
    if family.persistence_days is not None:
        complete &= (lv.span >= family.persistence_days) | lv.alt  # an NLP-only review needs no repeat
    per = lv.group_by("person_id").aggregate(
        level=lv.level.max(), score=lv.score.max(), complete_day=lv.anchor.min(where=complete))
    per = per.filter(per.complete_day.notnull())
    dx = ev.filter(ev.set_id.isin(list(family.diagnosis_sets))).group_by("person_id").aggregate(dx_day=lambda t: t.day.min())
    mg = ev.filter(ev.set_id.isin(list(family.managed_sets) or ["-"])).group_by("person_id").aggregate(mg_day=lambda t: t.day.min())
    per = per.left_join(dx, "person_id").select(per, dx.dx_day)
    per = per.left_join(mg, "person_id").select(per, mg.mg_day)
    stop = ibis.cases((per.dx_day.isnull(), per.mg_day), (per.mg_day.isnull(), per.dx_day),
                      (per.dx_day <= per.mg_day, per.dx_day), else_=per.mg_day)
    per = per.mutate(stop_day=stop)
    per = per.filter(per.stop_day.isnull() | (per.stop_day > per.complete_day))
    if family.explained_by:
        per = per.anti_join(ev.filter(ev.set_id.isin(list(family.explained_by))), "person_id")
    if since_day is not None:
        per = per.filter(per.complete_day >= since_day)
    visits = cdm.table("visit_occurrence")
    v = visits.select(person_id=visits.person_id.cast("int64"), vid=visits.visit_occurrence_id.cast("int64"),
                      vday=_day(visits.visit_start_date))
    vj = v.join(per.select("person_id", "complete_day", "stop_day"), "person_id")
    vj = vj.filter((vj.vday > vj.complete_day) & (vj.stop_day.isnull() | (vj.vday < vj.stop_day)))
    missed = vj.group_by("person_id").aggregate(missed=vj.vid.nunique())
    per = per.left_join(missed, "person_id").select(per, missed=missed.missed.fill_null(0).cast("int64"))
    return per.select(person_id=per.person_id, family=ibis.literal(family.family), level=per.level,
                      score=per.score.cast("float64"), complete_day=per.complete_day.cast("int64"),
                      dx_day=per.dx_day.cast("int64"), stop_day=per.stop_day.cast("int64"),
                      missed=per.missed)


def evidence_rows(ev, rules, flagged_pd):
    """Per flagged person and family: the concept-set findings in the window that completed the pattern, and the
    NOTE_NLP terms among them (note id, date, lexical variant) or None."""
    import ibis
    import pandas as pd

    out, notes_of = [], []
    for family in rules.families:
        f = flagged_pd[flagged_pd.family == family.family][["person_id", "complete_day"]]
        if f.empty:
            continue
        sets = sorted({s for item in family.scored for s in item.sets} | set(family.context_sets)
                      | set(family.persistence_sets) | set(family.note_sets))
        fm = ibis.memtable(f.astype("int64"))
        age_ok = family.in_age(ev.age)
        e = ev.filter(ev.set_id.isin(sets) & age_ok)
        j = e.join(fm, "person_id")
        j = j.filter((j.day <= j.complete_day) & (j.day >= j.complete_day - int(family.window_days)))
        g = j.group_by(["person_id", "set_id", "source"]).aggregate(
            n=j.day.count(), first_day=j.day.min(), last_day=j.day.max(), concept_min=j.concept_id.min(),
            concept_max=j.concept_id.max(), n_concepts=j.concept_id.nunique(), value_min=j.value.min(),
            value_max=j.value.max())
        frame = g.to_pandas().assign(family=family.family)
        if (frame.source == "note_nlp").any():  # the notes themselves, so the reviewer can open each report
            nj = j.filter(j.source == "note_nlp").select("person_id", "set_id", "note_id", "day", "text").distinct()
            notes_of.append(nj.to_pandas().assign(family=family.family))
        out.append(frame)
    evidence = pd.concat(out, ignore_index=True) if out else pd.DataFrame()
    return evidence, (pd.concat(notes_of, ignore_index=True) if notes_of else None)

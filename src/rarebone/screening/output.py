"""Write the screen's results: the flagged list (Parquet/CSV), an OMOP cohort table, an HTML summary."""

from __future__ import annotations

import html
from collections import Counter
from pathlib import Path

from rarebone.errors import InputError

COHORT_COLUMNS = ("cohort_definition_id", "subject_id", "cohort_start_date", "cohort_end_date")


def write_flagged(result, out: Path) -> Path:
    suffix = out.suffix.lower()
    frame = result.flagged
    if suffix == ".parquet":
        frame.to_parquet(out, index=False)
    elif suffix in (".csv", ".tsv"):
        frame.to_csv(out, index=False, sep="\t" if suffix == ".tsv" else ",")
    else:
        raise InputError("output must end in .parquet, .csv or .tsv", source=str(out))
    return out


def cohort_frame(result):
    """OMOP ``cohort`` rows: one per flagged person and family, starting (and ending) on the day the pattern was
    complete (a point cohort; ATLAS users widen it with their own end strategy)."""
    import pandas as pd

    ids = {f.family: f.cohort_definition_id for f in result.rules.families}
    f = result.flagged
    return pd.DataFrame({
        "cohort_definition_id": [ids[x] for x in f.family],
        "subject_id": f.person_id.astype("int64"),
        "cohort_start_date": pd.to_datetime(f.first_complete_date).dt.date,
        "cohort_end_date": pd.to_datetime(f.first_complete_date).dt.date,
    }).astype({"cohort_definition_id": "int64"})


def write_cohort(cdm, result, table: str = "cohort") -> str:
    """Replace this screen's rows (its cohort_definition_ids) in ``<results schema>.cohort``; create it if needed."""
    import ibis

    schema = cdm.results_schema
    frame = cohort_frame(result)
    ids = sorted({f.cohort_definition_id for f in result.rules.families})
    con = cdm.con
    kwargs = {"database": schema} if schema else {}
    try:
        if schema and cdm.backend in ("duckdb", "postgres"):
            con.raw_sql(f'CREATE SCHEMA IF NOT EXISTS "{schema}"')
        existing = {t.lower() for t in con.list_tables(**kwargs)}
        data = ibis.memtable(frame, schema=ibis.schema({"cohort_definition_id": "int64", "subject_id": "int64",
                                                         "cohort_start_date": "date", "cohort_end_date": "date"}))
        if table in existing:
            target = f'"{schema}"."{table}"' if schema else f'"{table}"'
            if cdm.backend == "pyspark":
                target = f"`{schema}`.`{table}`" if schema else f"`{table}`"
            con.raw_sql(f"DELETE FROM {target} WHERE cohort_definition_id IN ({', '.join(map(str, ids))})")
            if len(frame):
                con.insert(table, data, **kwargs)
        else:
            con.create_table(table, data, **kwargs)
    except InputError:
        raise
    except Exception as exc:  # noqa: BLE001 - one line naming the target
        raise InputError(f"cannot write the cohort table: {str(exc).splitlines()[0]}", source=cdm.label,
                         path=f"{schema + '.' if schema else ''}{table}") from None
    return f"{schema + '.' if schema else ''}{table}"


def _bars(counts: list[tuple[str, int]], width: int = 420, bar_h: int = 18) -> str:
    """An inline SVG bar chart (no script, no external file)."""
    top = max((c for _, c in counts), default=0) or 1
    rows = []
    for i, (label, c) in enumerate(counts):
        w = int(width * c / top)
        y = i * (bar_h + 4)
        rows.append(f'<text x="0" y="{y + bar_h - 4}" font-size="12">{html.escape(label)}</text>'
                    f'<rect x="90" y="{y}" width="{w}" height="{bar_h}" fill="#4a6fa5"/>'
                    f'<text x="{95 + w}" y="{y + bar_h - 4}" font-size="12">{c}</text>')
    height = len(counts) * (bar_h + 4) + 4
    return f'<svg xmlns="http://www.w3.org/2000/svg" width="{width + 160}" height="{height}" role="img">{"".join(rows)}</svg>'


def _age_band(days: int) -> str:
    if days < 28:
        return "< 28 days"
    if days < 91:
        return "1-3 months"
    if days < 182:
        return "3-6 months"
    if days < 365:
        return "6-12 months"
    years = days // 365
    if years < 5:
        return "1-4 years"
    if years < 10:
        return "5-9 years"
    return "10-17 years" if years < 18 else "18+ years"


BANDS = ["< 28 days", "1-3 months", "3-6 months", "6-12 months", "1-4 years", "5-9 years", "10-17 years", "18+ years"]


def summary_html(result, notice: str, unverified_notice: str, top: int = 50) -> str:
    e = html.escape
    f = result.flagged
    parts = [
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>",
        "<meta http-equiv='Content-Security-Policy' content=\"default-src 'none'; style-src 'unsafe-inline'\">",
        "<title>rarebone population screen</title><style>body{font-family:sans-serif;max-width:70em;margin:1em auto}"
        "table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:2px 6px;font-size:13px;vertical-align:top}"
        ".notice{background:#fff3cd;padding:.6em;border:1px solid #e0c36b}</style></head><body>",
        "<h1>Population screen: osteopetrosis and CNO</h1>",
        f"<p class='notice'><strong>{e(notice)}</strong> Each flag is a reason to review a record, not a diagnosis.</p>",
        f"<p>CDM: {e(result.cdm_label)} ({e(result.backend)}); {result.persons:,} persons; "
        f"screened in {result.seconds:.1f} s; knowledge version {e(result.rules.knowledge_version)}"
        + (f"; patterns completed since {e(str(result.since))}" if result.since else "") + ".</p>",
        "<h2>Flagged children</h2><table><tr><th>family</th><th>low</th><th>moderate</th><th>high</th><th>total</th>"
        "<th>already diagnosed later</th></tr>",
    ]
    for fam in result.rules.families:
        sub = f[f.family == fam.family]
        c = Counter(sub.level)
        later = int(sub.diagnosis_date.notna().sum()) if len(sub) else 0
        parts.append(f"<tr><td>{e(fam.family)}</td><td>{c.get('low', 0)}</td><td>{c.get('moderate', 0)}</td>"
                     f"<td>{c.get('high', 0)}</td><td>{len(sub)}</td><td>{later}</td></tr>")
    parts.append("</table>")
    parts.append("<h2>Age when the pattern was complete</h2>")
    ages = Counter(_age_band(int(d)) for d in f.age_at_flag_days) if len(f) else Counter()
    parts.append(_bars([(b, ages.get(b, 0)) for b in BANDS]))
    parts.append("<h2>Missed opportunities</h2><p>Visits after the pattern was complete and before any diagnosis.</p>")
    missed = Counter(min(int(m), 10) for m in f.missed_opportunities) if len(f) else Counter()
    parts.append(_bars([(("10+" if k == 10 else str(k)), missed.get(k, 0)) for k in range(11)]))
    parts.append(f"<h2>Highest-ranked flags (first {top})</h2><table><tr><th>person_id</th><th>family</th><th>level</th>"
                 "<th>score</th><th>pattern complete</th><th>age (days)</th><th>missed</th><th>evidence</th></tr>")
    for row in f.head(top).itertuples():
        parts.append(f"<tr><td>{int(row.person_id)}</td><td>{e(row.family)}</td><td>{e(row.level)}</td>"
                     f"<td>{row.score:g}</td><td>{e(str(row.first_complete_date))}</td><td>{int(row.age_at_flag_days)}</td>"
                     f"<td>{int(row.missed_opportunities)}</td><td>{e(row.evidence)}</td></tr>")
    parts.append("</table>")
    parts.append(f"<h2>Certainty</h2><p>{e(unverified_notice)}</p><ul>")
    for fam in result.rules.families:
        for note in fam.notes:
            parts.append(f"<li>{e(note)}</li>")
    parts.append("</ul>")
    parts.append("<h2>What the site's data allowed</h2><ul>")
    parts.append(f"<li>NOTE_NLP: {e(result.note_nlp)} (NLP terms read as findings only when asserted for the "
                 f"patient now: term_exists not 'N', no negated, hypothetical, conditional, rule-out, family or past "
                 f"modifier; OMOP CDM v5.4 conventions)</li>")
    if result.missing_tables:
        parts.append(f"<li>Tables absent (not read): {e(', '.join(result.missing_tables))}</li>")
    parts.append(f"<li>Laboratory rows without a reference range that no published limit reads either (not read; "
                 f"the screen compares values with the row's own range_low/range_high, else with the published "
                 f"age-specific limit of the per-child assessment where one exists): {result.skipped_lab_rows:,}</li>")
    for w in result.warnings:
        parts.append(f"<li>{e(w)}</li>")
    rep = result.code_report
    missing = rep[~rep.found]
    parts.append(f"<li>Concept-set codes found in the site's vocabulary: {int(rep.found.sum())} of {len(rep)}</li></ul>")
    if len(missing):
        parts.append("<details><summary>Codes not in this vocabulary</summary><table><tr><th>set</th><th>vocabulary</th>"
                     "<th>code</th><th>certainty</th></tr>")
        for r in missing.itertuples():
            parts.append(f"<tr><td>{e(r.set_id)}</td><td>{e(r.vocabulary_id)}</td><td>{e(r.concept_code)}</td>"
                         f"<td>{e(r.certainty)}</td></tr>")
        parts.append("</table></details>")
    parts.append("<p>Concept sets, weights and sources: docs/screening.md and src/rarebone/knowledge/data/screening/.</p>")
    parts.append(f"<p class='notice'>{e(notice)}</p></body></html>")
    return "\n".join(parts)


def write_html(result, path: Path) -> Path:
    from rarebone.knowledge import load

    kb = load()
    path.write_text(summary_html(result, kb.get("NOTICE-DECISION-SUPPORT").text, kb.get("NOTICE-UNVERIFIED").text),
                    encoding="utf-8")
    return path

"""NOTE_NLP as an evidence source: which extracted terms are findings, on every engine and in pandas.

OMOP CDM v5.4 (OHDSI/CommonDataModel inst/csv/OMOP_CDMv5.4_Field_Level.csv, rows note_nlp.*; cited as
OMOP-CDM-V54-NOTE-NLP in docs/screening.md):
- ``term_exists`` "is defined as a flag that indicates if the patient actually has or had the condition. Any of
  the following modifiers would make Term_exists false: Negation = true, Subject = [anything other than the
  patient], Conditional = true, Rule_out = true, Uncertain = very low certainty or any lower certainties. A
  complete lack of modifiers would make Term_exists true." -> 'N' (or F/0) is not a finding; empty counts.
- ``term_temporal`` "is to indicate if a condition is present or just in the past ... (for now 'past' or 'present'
  only)". A past term in a report ('history of fracture') is not dated by the note, so it is not a finding on the
  note's date; 'present' or empty counts.
- ``term_modifiers`` "will concatenate all modifiers ... into one string" (Negation, Subject, Conditional,
  Rule_out, Uncertain). Sites whose NLP left term_exists empty still say it here, and the NLP tools add their own
  (cTAKES: subject=family_member, conditional; MedSpaCy/pyConText: is_negated, is_hypothetical, is_family,
  is_historical): any of those set true, or a subject other than the patient, is not a finding.
- the finding's day is ``note.note_date`` (nlp_date is "the date of the note processing", provenance only); the
  person is ``note.person_id`` (NOTE_NLP has no person column).
These are data conventions, not clinical numbers.
"""

from __future__ import annotations

NOT_EXISTS = ("N", "F", "0")  # term_exists values meaning 'no' (varchar(1)); compared upper-case
NOT_PRESENT = ("past", "history", "historical", "future", "hypothetical")  # term_temporal, lower-case
# term_modifiers key=value pairs (lower-case, spaces removed, ':' read as '=') that make a term no finding
_NEGATING_KEYS = ("negation", "negated", "is_negated", "conditional", "is_conditional", "rule_out", "ruleout",
                  "hypothetical", "is_hypothetical", "family", "is_family", "family_history", "historical",
                  "is_historical", "history")
MODIFIER_TOKENS = tuple(f"{k}={v}" for k in _NEGATING_KEYS for v in ("true", "yes")) + (
    "uncertain=verylow", "uncertain=very_low")
SUBJECT_KEYS = ("subject=", "experiencer=")  # a subject other than the patient
SUBJECT_PATIENT = ("subject=patient", "experiencer=patient")


def asserted(nn):
    """Ibis boolean: the NOTE_NLP row is a finding of the patient now (see the module docstring)."""
    import ibis

    cols = nn.columns
    keep = ibis.literal(True)
    if "term_exists" in cols:
        te = nn.term_exists.cast("string").strip().upper()
        keep &= te.isnull() | ~te.isin(list(NOT_EXISTS))
    if "term_temporal" in cols:
        tt = nn.term_temporal.cast("string").strip().lower()
        keep &= tt.isnull() | ~tt.isin(list(NOT_PRESENT))
    if "term_modifiers" in cols:
        tm = nn.term_modifiers.cast("string").lower().replace(" ", "").replace(":", "=")
        bad = ibis.literal(False)
        for token in MODIFIER_TOKENS:
            bad |= tm.contains(token)
        other = ibis.literal(False)
        for key, patient in zip(SUBJECT_KEYS, SUBJECT_PATIENT):
            other |= tm.contains(key) & ~tm.contains(patient)
        keep &= tm.isnull() | ~(bad | other)
    return keep


def asserted_pandas(frame):
    """The same test on a pandas NOTE_NLP frame (the per-person reference and the benchmark's loop)."""
    import pandas as pd

    keep = pd.Series(True, index=frame.index)
    if "term_exists" in frame.columns:
        te = frame.term_exists.astype("string").str.strip().str.upper()
        keep &= te.isna() | ~te.isin(NOT_EXISTS)
    if "term_temporal" in frame.columns:
        tt = frame.term_temporal.astype("string").str.strip().str.lower()
        keep &= tt.isna() | ~tt.isin(NOT_PRESENT)
    if "term_modifiers" in frame.columns:
        tm = frame.term_modifiers.astype("string").str.lower().str.replace(" ", "").str.replace(":", "=")
        bad = pd.Series(False, index=frame.index)
        for token in MODIFIER_TOKENS:
            bad |= tm.str.contains(token, regex=False).fillna(False).astype(bool)
        for key, patient in zip(SUBJECT_KEYS, SUBJECT_PATIENT):
            bad |= (tm.str.contains(key, regex=False) & ~tm.str.contains(patient, regex=False)).fillna(False).astype(bool)
        keep &= tm.isna() | ~bad
    return keep.fillna(False).astype(bool)


def concept_column(nn):
    """Ibis int64: note_nlp_concept_id, or the source concept when the standard one is empty or 0 (OMOP's
    'no matching concept'); both resolve through the same concept sets as every other domain."""
    import ibis

    std = nn.note_nlp_concept_id.cast("int64")
    if "note_nlp_source_concept_id" not in nn.columns:
        return std
    return ibis.ifelse(std.notnull() & (std != 0), std, nn.note_nlp_source_concept_id.cast("int64"))


def concept_column_pandas(frame):
    import pandas as pd

    std = pd.to_numeric(frame.note_nlp_concept_id, errors="coerce")
    if "note_nlp_source_concept_id" not in frame.columns:
        return std
    src = pd.to_numeric(frame.note_nlp_source_concept_id, errors="coerce")
    return std.where(std.notna() & (std != 0), src)


def status(cdm) -> str:
    """'absent', 'empty' or '<n> rows read' for the report (NOTE_NLP is optional)."""
    if not (cdm.has("note_nlp") and cdm.has("note")):
        return "absent" if not cdm.has("note_nlp") else "absent (no NOTE table to date the terms)"
    n = int(cdm.table("note_nlp").count().to_pyarrow().as_py())
    return "empty" if n == 0 else f"{n:,} rows read"

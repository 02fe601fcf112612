"""The validate job: case files + answer key -> ValidationReport. Pure arithmetic over assessments; the
clinical judgement is the assess job's, unchanged (this job only counts what it said)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from rarebone.core.evidence import ConditionSuspicion, SuspicionLevel
from rarebone.errors import RareboneError
from rarebone.validation.keys import CATEGORIES, HSCT_VALUES, NEGATIVE, KeyRow
from rarebone.validation.models import (
    CaseResult, ConditionFigures, Flagged, HsctAgreement, Proportion, ValidationReport,
)
from rarebone.validation.stats import DEFAULT_CONFIDENCE, wilson_interval

CONDITIONS = ("osteopetrosis", "cno")
AT_LEAST_MODERATE = (SuspicionLevel.MODERATE, SuspicionLevel.HIGH)
# --phenotype-only: recognition without the answer (the authors' diagnosis and the genotype).
ANSWER_FIELDS = ("diseases", "interpretations")


def proportion(k: int, n: int, confidence: float = DEFAULT_CONFIDENCE) -> Proportion:
    if n == 0:
        return Proportion(numerator=k, denominator=n, value=None, low=None, high=None)
    low, high = wilson_interval(k, n, confidence)
    return Proportion(numerator=k, denominator=n, value=k / n, low=low, high=high)


def match_cases(files: list[Path], rows: list[KeyRow]) -> tuple[list[tuple[Path, KeyRow | None]], list[str]]:
    """Pair each case file with the key row whose ``file`` is the longest trailing part of its path.
    Returns the pairs (row None: no key row) and the key rows whose file is not among the cases."""
    by_file = {row.file: row for row in rows}
    pairs, used = [], set()
    for path in files:
        parts = path.resolve().as_posix().split("/")
        row = next((by_file["/".join(parts[-k:])] for k in range(len(parts), 0, -1) if "/".join(parts[-k:]) in by_file), None)
        if row is not None:
            used.add(row.file)
        pairs.append((path, row))
    unmatched = [f"{row.key_file}: {row.file}: listed in the key but not found among the cases" for row in rows
                 if row.file not in used]
    return pairs, unmatched


def _evidence_lines(suspicion: ConditionSuspicion) -> list[str]:
    lines = []
    for e in suspicion.evidence_for:
        fact = f" — {e.patient_fact}" if e.patient_fact else ""
        weight = f" (weight {e.weight:g})" if e.weight is not None else ""
        lines.append(f"{e.label}{fact}{weight} [{e.knowledge_id}]")
    if suspicion.explanation:
        lines.append(f"explanation: {suspicion.explanation}")
    return lines


def run_validation(
    cases: list[Path], rows: list[KeyRow], *, negatives: list[Path] = (), phenotype_only: bool = False,
    key_paths: list[str] = (), confidence: float = DEFAULT_CONFIDENCE,
    on_case: Callable[[Path], None] | None = None,
) -> ValidationReport:
    from rarebone.intake import read_phenopacket
    from rarebone.knowledge import load
    from rarebone.phenotype import ontology
    from rarebone.workflows.assess import assess_patient

    kb = load()
    pairs, errors = match_cases(cases, rows)
    pairs += [(path, KeyRow(file=path.as_posix(), category=NEGATIVE)) for path in negatives]
    results: list[CaseResult] = []
    assessed: list[tuple[KeyRow, object]] = []
    for path, row in pairs:
        if row is None:
            errors.append(f"{path}: no key row for this case file (not counted)")
        else:
            try:
                intake = read_phenopacket(path, strip=ANSWER_FIELDS if phenotype_only else ())
                a = assess_patient(intake.patient, intake.warnings, kb)
            except RareboneError as error:
                errors.append(str(error))
                results.append(CaseResult(file=row.file, category=row.category, subgroup=row.subgroup,
                                          disease=row.disease_id, citation=row.citation, error=str(error)))
            else:
                assessed.append((row, a))
                results.append(CaseResult(
                    file=row.file, category=row.category, subgroup=row.subgroup, disease=row.disease_id,
                    citation=row.citation, patient_id=a.patient_id,
                    levels={c: a.suspicion[c].level.value for c in CONDITIONS},
                    scores={c: a.suspicion[c].score for c in CONDITIONS},
                    expected_hsct=row.expected_hsct, given_hsct=a.hsct.recommendation.value,
                    recorded_diagnoses=[f"{d.id} {d.label}" + (f" -> {d.maps_to or d.knowledge_id}" if d.recognised else "")
                                        for d in a.recorded_diagnoses],
                ))
        if on_case:
            on_case(path)

    conditions, misses, alarms = {}, [], []
    categories = [*CATEGORIES, NEGATIVE]
    for condition in CONDITIONS:
        pos = [(r, a) for r, a in assessed if r.category == condition]
        neg = [(r, a) for r, a in assessed if r.category != condition]
        look = [(r, a) for r, a in assessed if r.category == "lookalike"]

        def level(a) -> SuspicionLevel:
            return a.suspicion[condition].level

        def flag(kind: str, r: KeyRow, a) -> Flagged:
            s = a.suspicion[condition]
            return Flagged(kind=kind, condition=condition, file=r.file, category=r.category, subgroup=r.subgroup,
                           disease=" ".join(filter(None, [r.disease_id, r.disease_label])), level=s.level.value,
                           score=s.score, evidence=_evidence_lines(s), warnings=list(a.warnings))

        misses += [flag("miss", r, a) for r, a in pos if level(a) not in AT_LEAST_MODERATE]
        alarms += [flag("false_alarm", r, a) for r, a in neg if level(a) in AT_LEAST_MODERATE]
        conditions[condition] = ConditionFigures(
            condition=condition, positives=len(pos), negatives=len(neg),
            sensitivity_moderate=proportion(sum(level(a) in AT_LEAST_MODERATE for _, a in pos), len(pos), confidence),
            sensitivity_high=proportion(sum(level(a) is SuspicionLevel.HIGH for _, a in pos), len(pos), confidence),
            specificity=proportion(sum(level(a) not in AT_LEAST_MODERATE for _, a in neg), len(neg), confidence),
            specificity_high=proportion(sum(level(a) is not SuspicionLevel.HIGH for _, a in neg), len(neg), confidence),
            lookalike_called_moderate=proportion(sum(level(a) in AT_LEAST_MODERATE for _, a in look), len(look), confidence),
            lookalike_called_high=proportion(sum(level(a) is SuspicionLevel.HIGH for _, a in look), len(look), confidence),
            levels={cat: {lv.value: sum(r.category == cat and level(a) is lv for r, a in assessed) for lv in SuspicionLevel}
                    for cat in categories if any(r.category == cat for r, _ in assessed)},
            subgroup_levels={sub or "(none)": {lv.value: sum(r.subgroup == sub and level(a) is lv for r, a in pos)
                                               for lv in SuspicionLevel}
                             for sub in sorted({r.subgroup for r, _ in pos})},
        )

    # Without the genotype there is no HSCT question to agree on: the table is left empty, and says why.
    expected = [] if phenotype_only else [(r, a) for r, a in assessed if r.expected_hsct]
    table = {e: {g: sum(r.expected_hsct == e and a.hsct.recommendation.value == g for r, a in expected)
                 for g in HSCT_VALUES} for e in HSCT_VALUES}
    agreed = sum(r.expected_hsct == a.hsct.recommendation.value for r, a in expected)
    hsct = HsctAgreement(
        labels=list(HSCT_VALUES), table=table, agreement=proportion(agreed, len(expected), confidence),
        disagreements=[f"{r.file} ({r.gene} {r.allelic_state}): expected {r.expected_hsct}, given "
                       f"{a.hsct.recommendation.value}" for r, a in expected if r.expected_hsct != a.hsct.recommendation.value],
        note="not measured: --phenotype-only removes the genotype the HSCT recommendation rests on" if phenotype_only else "",
    )
    onto = ontology()
    return ValidationReport(
        notice=kb.get("NOTICE-DECISION-SUPPORT").text, knowledge_version=kb.version, hpo_version=onto.version,
        phenotype_only=phenotype_only, confidence=confidence, key_files=list(key_paths), cases=len(pairs),
        assessed=len(assessed), conditions=conditions, hsct=hsct, misses=misses, false_alarms=alarms, errors=errors,
        results=results,
    )

"""The floor file of ``rarebone validate --floor``: minimum figures, a regression guard (not a target).

YAML::

    osteopetrosis: {sensitivity_moderate: 0.8, specificity: 0.9}
    cno: {sensitivity_moderate: 0.7}
    hsct_agreement: 0.9

Each figure is compared with its point estimate; a figure below its floor is one line, exit status 3.
"""

from __future__ import annotations

from pathlib import Path

from rarebone.errors import InputError
from rarebone.validation.models import ConditionFigures, Proportion, ValidationReport

FIGURES = ("sensitivity_moderate", "sensitivity_high", "specificity", "specificity_high")
# Lower is better for these: the floor is a CEILING.
CEILINGS = ("lookalike_called_moderate", "lookalike_called_high")


def read_floor(path: Path) -> dict:
    import yaml

    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise InputError(f"cannot read floor file: {exc.strerror}", source=str(path), path="--floor") from None
    except yaml.YAMLError as exc:
        raise InputError(f"not valid YAML: {str(exc).splitlines()[0]}", source=str(path)) from None
    if not isinstance(document, dict):
        raise InputError("a floor file is a YAML mapping", source=str(path), path="$")
    known = set(ConditionFigures.model_fields) & {*FIGURES, *CEILINGS}
    for name, value in document.items():
        if name == "hsct_agreement":
            _number(value, path, name)
            continue
        if name not in ("osteopetrosis", "cno") or not isinstance(value, dict):
            raise InputError("floor keys are osteopetrosis, cno (mappings) and hsct_agreement", source=str(path),
                             path=f"$.{name}", value=name)
        for figure, minimum in value.items():
            if figure not in known:
                raise InputError(f"unknown figure (known: {', '.join(sorted(known))})", source=str(path),
                                 path=f"$.{name}.{figure}", value=figure)
            _number(minimum, path, f"{name}.{figure}")
    return document


def _number(value, path: Path, where: str) -> None:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= 1:
        raise InputError("must be a proportion from 0 to 1", source=str(path), path=f"$.{where}", value=value)


def _line(name: str, p: Proportion, bound: float, ceiling: bool, source: str) -> str | None:
    if p.value is None:
        return f"{name}: no cases to measure, floor {bound:g} cannot be checked ({source})"
    if (p.value > bound) if ceiling else (p.value < bound):
        word = "above the ceiling" if ceiling else "below the floor"
        return f"{name} {p.value:.3f} ({p.numerator}/{p.denominator}) is {word} {bound:g} ({source})"
    return None


def check_floor(report: ValidationReport, floor: dict, source: str) -> list[str]:
    failures = []
    for condition in ("osteopetrosis", "cno"):
        for figure, bound in (floor.get(condition) or {}).items():
            p = getattr(report.conditions[condition], figure)
            failures.append(_line(f"{condition} {figure}", p, bound, figure in CEILINGS, source))
    if "hsct_agreement" in floor:
        failures.append(_line("hsct_agreement", report.hsct.agreement, floor["hsct_agreement"], False, source))
    return [f for f in failures if f]

"""Quantities and unit conversion. The tables come from the knowledge base; this module holds the logic.

Units are converted once, at the edge, into one canonical unit per analyte. An unknown unit is an error,
never a guess.
"""

from __future__ import annotations

from dataclasses import dataclass

from rarebone.errors import ImplausibleValueError, UnitError


@dataclass(frozen=True, slots=True)
class AnalyteSpec:
    key: str
    label: str
    loinc: tuple[str, ...]
    canonical_unit: str
    to_canonical: dict[str, float]
    plausible_low: float
    plausible_high: float


def _norm(text: str) -> str:
    # the same as re.sub(r"\s+", " ", text.strip()).lower(): str.split() and the pattern's \s test the same
    # Unicode whitespace (Py_UNICODE_ISSPACE); called for every unit read, a regex per call cost ~3x more
    return " ".join(text.split()).lower()


@dataclass(frozen=True)
class UnitConverter:
    """Maps unit spellings to UCUM codes and converts an analyte's value into its canonical unit."""

    aliases: dict[str, str]  # normalised spelling or id -> UCUM code
    analytes: dict[str, AnalyteSpec]  # key -> spec
    by_loinc: dict[str, AnalyteSpec]

    @classmethod
    def build(cls, aliases: dict[str, str], analytes: list[AnalyteSpec]) -> "UnitConverter":
        table = {_norm(k): v for k, v in aliases.items()}
        for spec in analytes:
            for unit in [spec.canonical_unit, *spec.to_canonical]:
                table.setdefault(_norm(unit), unit)
                table.setdefault(_norm("UCUM:" + unit), unit)
        by_loinc = {code: spec for spec in analytes for code in spec.loinc}
        return cls(table, {a.key: a for a in analytes}, by_loinc)

    def ucum(self, unit_id: str | None, unit_label: str | None = None) -> str | None:
        """The UCUM code for an id (``UCUM:mg/dL``, ``UO:0000...``, ``NCIT:C...``) or a label; None if unknown."""
        for candidate in (unit_id, unit_label):
            if candidate:
                key = _norm(candidate)  # once: every unit of every measurement comes through here
                if key in self.aliases:
                    return self.aliases[key]
        return None

    def analyte_for_loinc(self, code: str) -> AnalyteSpec | None:
        return self.by_loinc.get(code.removeprefix("LOINC:"))

    def to_canonical(self, analyte_key: str, value: float, unit_id: str | None, unit_label: str | None = None) -> float:
        """Value in the analyte's canonical unit. UnitError for an unknown or unconvertible unit;
        ImplausibleValueError for a value no living child can have."""
        spec = self.analytes[analyte_key]
        ucum = self.ucum(unit_id, unit_label)
        if ucum is None or ucum not in spec.to_canonical and ucum != spec.canonical_unit:
            shown = unit_id or unit_label
            known = ", ".join(sorted({spec.canonical_unit, *spec.to_canonical}))
            raise UnitError(f"unit cannot be converted for {spec.label} (accepted: {known})", value=shown)
        factor = 1.0 if ucum == spec.canonical_unit else spec.to_canonical[ucum]
        canonical = value * factor
        if not (spec.plausible_low <= canonical <= spec.plausible_high):
            raise ImplausibleValueError(
                f"{spec.label} of {value:g} {ucum} is impossible "
                f"(plausible {spec.plausible_low:g}-{spec.plausible_high:g} {spec.canonical_unit})",
                value=value,
            )
        return canonical

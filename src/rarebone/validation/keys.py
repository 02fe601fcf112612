"""The answer key of a validation set (contract: REAL-CASES-SPEC, issue 9): CSV with a fixed header, or a JSON
list of objects with the same fields; a folder of such files. Any defect is one line naming file, row and value."""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass
from pathlib import Path

from rarebone.errors import InputError

FIELDS = ("file", "category", "subgroup", "disease_id", "disease_label", "gene", "allelic_state", "expected_hsct",
          "citation", "unfilled")
CATEGORIES = ("osteopetrosis", "cno", "lookalike")
# Cases given with --negatives have no key row: they count only as negatives for both conditions.
NEGATIVE = "negative"
HSCT_VALUES = ("indicated", "not_indicated", "case_by_case", "undetermined")
ALLELIC_STATES = ("homozygous", "compound_heterozygous", "heterozygous", "hemizygous")


@dataclass(frozen=True, slots=True)
class KeyRow:
    file: str  # relative path as written in the key, '/'-separated
    category: str
    subgroup: str = ""
    disease_id: str = ""
    disease_label: str = ""
    gene: str = ""
    allelic_state: str = ""
    expected_hsct: str = ""
    citation: str = ""
    unfilled: str = ""
    key_file: str = ""


def _check(row: dict[str, str], where: str, key_file: str) -> KeyRow:
    values = {name: (row.get(name) or "").strip() for name in FIELDS}
    if not values["file"]:
        raise InputError("key row without a file", source=key_file, path=f"{where}.file", value=values["file"])
    checks = (("category", CATEGORIES, False), ("expected_hsct", HSCT_VALUES, True), ("allelic_state", ALLELIC_STATES, True))
    for name, allowed, may_be_empty in checks:
        value = values[name]
        if value not in allowed and not (may_be_empty and value == ""):
            raise InputError(f"{name} must be one of {', '.join(allowed)}" + (" or empty" if may_be_empty else ""),
                             source=key_file, path=f"{where}.{name}", value=value)
    return KeyRow(**{**values, "file": values["file"].replace("\\", "/").removeprefix("./")}, key_file=key_file)


def _read_csv(path: Path) -> list[KeyRow]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.reader(handle)
        header = next(reader, None)
        if header is None or tuple(h.strip() for h in header) != FIELDS:
            raise InputError(f"header must be exactly {','.join(FIELDS)}", source=str(path), path="row 1",
                             value=",".join(header or []))
        rows = []
        for number, cells in enumerate(reader, start=2):
            if not any(c.strip() for c in cells):
                continue
            if len(cells) != len(FIELDS):
                raise InputError(f"row has {len(cells)} columns, the header {len(FIELDS)}", source=str(path),
                                 path=f"row {number}", value=",".join(cells))
            rows.append(_check(dict(zip(FIELDS, cells)), f"row {number}", str(path)))
    return rows


def _read_json(path: Path) -> list[KeyRow]:
    try:
        document = json.loads(path.read_text(encoding="utf-8-sig"))
    except json.JSONDecodeError as exc:
        raise InputError(f"not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}", source=str(path)) from None
    if not isinstance(document, list):
        raise InputError("a JSON key must be a list of objects with the key fields", source=str(path), path="$")
    rows = []
    for i, item in enumerate(document):
        if not isinstance(item, dict):
            raise InputError("a key row must be a JSON object", source=str(path), path=f"$[{i}]")
        unknown = sorted(set(item) - set(FIELDS))
        if unknown:
            raise InputError(f"unknown key field (known: {', '.join(FIELDS)})", source=str(path), path=f"$[{i}].{unknown[0]}",
                             value=unknown[0])
        rows.append(_check({k: "" if v is None else str(v) for k, v in item.items()}, f"$[{i}]", str(path)))
    return rows


def key_files(paths: list[Path]) -> list[Path]:
    """Key files as given; a folder gives its *.csv and *.json files (sorted)."""
    out: list[Path] = []
    for path in paths:
        if path.is_dir():
            found = sorted(p for p in path.iterdir() if p.suffix.lower() in (".csv", ".json") and p.is_file())
            if not found:
                raise InputError("no .csv or .json key files in this folder", source=str(path), path="--key")
            out.extend(found)
        elif path.is_file():
            out.append(path)
        else:
            raise InputError("no such key file or folder", source=str(path), path="--key")
    return out


def read_keys(paths: list[Path]) -> list[KeyRow]:
    rows: list[KeyRow] = []
    seen: dict[str, str] = {}
    for path in key_files(paths):
        if path.suffix.lower() not in (".csv", ".json"):
            raise InputError("a key file must be .csv or .json", source=str(path), path="--key", value=path.suffix)
        try:
            found = _read_csv(path) if path.suffix.lower() == ".csv" else _read_json(path)
        except UnicodeDecodeError:
            raise InputError("key file is not UTF-8 text", source=str(path)) from None
        for row in found:
            if row.file in seen:
                raise InputError(f"case listed twice in the keys (also in {seen[row.file]})", source=str(path),
                                 path="file", value=row.file)
            seen[row.file] = str(path)
            rows.append(row)
    return rows

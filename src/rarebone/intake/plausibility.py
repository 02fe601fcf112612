"""Checks every Phenopacket value before it becomes part of a Patient (issue 11, items 6-8; docs/robustness.md).

Three layers, each naming the JSON path and the value:
  * ``prune_empty``: null, "", [] and {} mean "not given" in protobuf JSON and are removed, so the walk never meets None;
  * ``check_types``: every number finite and of plausible size, the document not nested absurdly deep, ``sex`` text;
  * ``check_patient``: dates between 1900 and today (+1 day), ages and durations within 0-120 years; a measurement
    dated after today is kept but named in a warning (a planned series is legitimate in examples and simulations).
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

from rarebone.core.limits import EARLIEST_DATE, MAX_AGE_DAYS, MAX_JSON_DEPTH, MAX_NUMBER, RECORD_DATE_MARGIN_DAYS
from rarebone.core.limits import age_days, record_date
from rarebone.errors import ImplausibleValueError, PhenopacketError


# Phenopacket enum fields: protobuf also takes their numbers (sex 7 would silently read as unknown); names only.
ENUM_FIELDS = frozenset({"sex", "status", "interpretationStatus", "acmgPathogenicityClassification",
                         "therapeuticActionability", "progressStatus", "karyotypicSex", "drugType"})


def prune_empty(node: Any) -> Any:
    if isinstance(node, dict):
        out = {}
        for key, value in node.items():
            value = prune_empty(value)
            # "" too: protobuf reads an empty string even where a message belongs (it iterates no keys)
            if value is None or (isinstance(value, (list, dict, str)) and not value):
                continue
            out[key] = value
        return out
    if isinstance(node, list):  # an empty item of a repeated message is no item (protobuf would read it as {})
        items = (prune_empty(item) for item in node)
        return [item for item in items if not (item is None or (isinstance(item, (list, dict, str)) and not item))]
    return node


class _Declined(Exception):
    """Something the one-walk path below leaves to the three separate checks (which name it, or accept it)."""


def pruned_if_plain(core: dict) -> dict | None:
    """``prune_empty(core)`` in one walk that also makes sure ``check_types`` and the duplicate-spelling check
    would find nothing in ``core``; None ("declined") when they might: a number that is not finite or too large,
    a non-text value under an enum name, nesting near the depth limit, any key with an underscore (snake_case
    spellings go the long way, as they do in pbjson), a type JSON does not produce. The caller then runs the three
    checks as before, so every error is still theirs, word for word. Why: the three walks of every record (type
    checks, duplicate spellings, pruning) cost ~0.2 ms of a CDS Hooks call, one walk ~0.1 (docs/ehr-integration.md,
    Branch cds-cpu); tests/intake/test_plausibility_walk.py compares both ways."""
    try:
        return _plain_dict(core, 1)
    except (_Declined, TypeError):  # TypeError: a key that is not text (not from JSON)
        return None


def _plain_dict(node: dict, depth: int) -> dict:
    # depth: len(parts) of this dict's values in check_types; stop well before its limit
    if depth >= MAX_JSON_DEPTH:
        raise _Declined
    out = {}
    for key, value in node.items():
        if "_" in key:
            raise _Declined
        t = type(value)
        if t is str:
            if not value:
                continue
        elif t is dict:
            value = _plain_dict(value, depth + 1)
            if not value:
                continue
        elif t is list:
            value = _plain_list(value, depth + 1)
            if not value:
                continue
        elif key in ENUM_FIELDS:
            raise _Declined  # null or a number where an enum name belongs: check_types names it
        elif value is None:
            continue
        elif t is float:
            if not (-MAX_NUMBER <= value <= MAX_NUMBER):  # also false for nan
                raise _Declined
        elif t is int:
            if not (-MAX_NUMBER <= value <= MAX_NUMBER):
                raise _Declined
        elif t is not bool:
            raise _Declined
        out[key] = value
    return out


# _plain_list repeats _plain_dict's per-value branches on purpose: this walk runs on every value of every record
# (the CDS hot path), and a shared per-value helper would add a call per value, the cost this walk exists to save.
def _plain_list(node: list, depth: int) -> list:
    if depth >= MAX_JSON_DEPTH:
        raise _Declined
    out = []
    for value in node:
        t = type(value)
        if t is str:
            if not value:
                continue
        elif t is dict:
            value = _plain_dict(value, depth + 1)
            if not value:
                continue
        elif t is list:
            value = _plain_list(value, depth + 1)
            if not value:
                continue
        elif value is None:
            continue
        elif t is float:
            if not (-MAX_NUMBER <= value <= MAX_NUMBER):
                raise _Declined
        elif t is int:
            if not (-MAX_NUMBER <= value <= MAX_NUMBER):
                raise _Declined
        elif t is not bool:
            raise _Declined
        out.append(value)
    return out


def _path(parts: tuple) -> str:
    return "$" + "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in parts)


def check_types(document: Any) -> None:
    """Iterative (a hostile file cannot exhaust the stack here)."""
    stack: list[tuple[Any, tuple]] = [(document, ())]
    while stack:
        node, parts = stack.pop()
        if len(parts) > MAX_JSON_DEPTH:
            raise PhenopacketError(f"nested deeper than {MAX_JSON_DEPTH} levels", path=_path(parts[:MAX_JSON_DEPTH]))
        if isinstance(node, dict):
            stack.extend((v, (*parts, k)) for k, v in node.items())
        elif isinstance(node, list):
            stack.extend((v, (*parts, i)) for i, v in enumerate(node))
        elif parts and parts[-1] in ENUM_FIELDS and not isinstance(node, str):
            raise PhenopacketError("must be the enum value's name in capitals (e.g. MALE, CAUSATIVE)",
                                   path=_path(parts), value=node)
        elif isinstance(node, float) and not math.isfinite(node):
            raise ImplausibleValueError("not a finite number", path=_path(parts), value=node)
        elif isinstance(node, (int, float)) and not isinstance(node, bool) and abs(node) > MAX_NUMBER:
            raise ImplausibleValueError(f"implausible number (larger than {MAX_NUMBER:g})", path=_path(parts),
                                        value=float(node) if abs(node) < 1e300 else "a number with "
                                        f"{len(str(int(node))) if isinstance(node, int) else 309}+ digits")


def check_required(core: dict) -> None:
    """What protobuf leaves optional but a record cannot do without: a phenotypic feature without a term says
    nothing (silently dropping it would hide a typing error, e.g. ``"type": null``)."""
    features = core.get("phenotypicFeatures") or []  # read before pruning: an emptied item would vanish
    for i, feature in enumerate(features if isinstance(features, list) else []):
        if not isinstance(feature, dict) or not isinstance(feature.get("type"), dict) or not feature["type"].get("id"):
            raise PhenopacketError("a phenotypic feature needs a type with an HPO id", path=f"$.phenotypicFeatures[{i}].type")
    measurements = core.get("measurements") or []
    for i, m in enumerate(measurements if isinstance(measurements, list) else []):
        if not isinstance(m, dict) or not (m.get("value") or m.get("complexValue")):
            raise PhenopacketError("a measurement needs a value (quantity or ontologyClass)",
                                   path=f"$.measurements[{i}].value")
        quantity = m["value"].get("quantity") if isinstance(m.get("value"), dict) else None
        if isinstance(m.get("value"), dict) and "quantity" in m["value"] and (
                not isinstance(quantity, dict) or ("value" in quantity and quantity["value"] is None)):
            # an absent value is protobuf's default 0 (writers omit it); an explicit null is a gap, not a zero
            raise PhenopacketError("a quantity needs a value (null is not 0)",
                                   path=f"$.measurements[{i}].value.quantity.value")


# the dated lists of the CNO block: visits with scores, imaging with lesions, work-up results
_CNO_DATED = ("visits", "imaging", "workup")


def _extension_dates(extensions: dict) -> list[tuple[dt.date | None, str]]:
    """CNO visit, imaging and work-up dates, so that a visit dated 2062 or before birth is caught like a lab value.
    Malformed dates are left to the typed extension reader, which names them."""
    cno = extensions.get("cno") if isinstance(extensions, dict) else None
    if not isinstance(cno, dict):
        return []
    out: list[tuple[dt.date | None, str]] = []
    for key in _CNO_DATED:
        items = cno.get(key)
        for i, item in enumerate(items if isinstance(items, list) else []):
            text = item.get("date") if isinstance(item, dict) else None
            if not isinstance(text, str):
                continue
            try:
                day = dt.date.fromisoformat(text[:10])
            except ValueError:
                continue
            out.append((day, f"$.rareboneExtensions.cno.{key}[{i}].date"))
    return out


def check_patient(patient, today: dt.date) -> list[str]:
    """Refuse what cannot be true; return warnings for what is odd but possible."""
    warnings: list[str] = []
    if patient.date_of_birth is not None:
        record_date(patient.date_of_birth, today, path="$.subject.dateOfBirth")
    if patient.survival_time_days is not None:
        age_days(float(patient.survival_time_days), path="$.subject.vitalStatus.survivalTimeInDays")
    latest = today + dt.timedelta(days=RECORD_DATE_MARGIN_DAYS)
    future = []
    timed = [(f.onset, f"{f.json_path}.onset") for f in patient.features]
    timed += [(m.time, f"{m.json_path}.timeObserved") for m in patient.measurements]
    dated = [(point.date, path) for point, path in timed if point is not None]
    for point, path in timed:
        if point is not None and point.age_days is not None and not 0 <= point.age_days <= MAX_AGE_DAYS:
            raise ImplausibleValueError("implausible age (must be 0 to 120 years)", path=path, value=point.age_days)
    dated += _extension_dates(patient.extensions)
    for day, path in dated:
        if day is None:
            continue
        if day < EARLIEST_DATE:
            raise ImplausibleValueError(f"implausible date (before {EARLIEST_DATE})", path=path, value=day.isoformat())
        if patient.date_of_birth is not None and day < patient.date_of_birth:
            raise ImplausibleValueError(f"dated before the date of birth ({patient.date_of_birth})", path=path,
                                        value=day.isoformat())
        if day > latest:
            future.append(f"{path} ({day})")
    if future:
        warnings.append(f"warning: {len(future)} date(s) after today ({today}), e.g. {future[0]}: check the record "
                        "(kept: a planned or simulated series)")
    return warnings

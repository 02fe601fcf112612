"""Readers that turn files into registry records: Phenopackets, the flat data-dictionary CSV, and any CSV/XLSX
with a YAML mapping file (docs/registry.md, "Mapping a centre's spreadsheet").

Each reader yields ``(where, record)`` or ``(where, error)``: one bad row rejects one record, never the file.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any, Iterator

import yaml

from rarebone.core.files import read_bytes, read_text
from rarebone.core.limits import MAX_CELL_CHARS, MAX_FILE_BYTES, finite
from rarebone.core.time import DAYS_PER_MONTH, DAYS_PER_YEAR
from rarebone.errors import InputError, RareboneError
from rarebone.registry import dictionary as dd
from rarebone.registry.store import CHILDREN, columns
from rarebone.report.csv_safe import restore_cell

EXTENSION = "registry"  # key inside the Phenopacket's rareboneExtensions
TIME_UNITS = {"d": 1.0, "day": 1.0, "days": 1.0, "w": 7.0, "week": 7.0, "weeks": 7.0,
              "mo": DAYS_PER_MONTH, "month": DAYS_PER_MONTH, "months": DAYS_PER_MONTH,
              "y": DAYS_PER_YEAR, "year": DAYS_PER_YEAR, "years": DAYS_PER_YEAR}
_VITAL = {"alive": "alive", "deceased": "dead", "dead": "dead"}


# ---------------------------------------------------------------- flat rows (dictionary CSV and mapped files)

def flat_to_record(flat: dict[str, Any], *, where: str, column_of=lambda name: name) -> dict:
    """One flat row (dictionary field -> cell) into a record. Errors name the column the value came from."""
    patient: dict[str, Any] = {}
    transplant: dict[str, Any] = {}
    record: dict[str, Any] = {"patient": patient}
    for name, raw in flat.items():
        if name not in dd.BY_NAME:
            raise InputError("not a data-dictionary field", path=f"{where}, column {column_of(name)!r}", value=name)
        value = dd.coerce(name, raw, where=f"{where}, column {column_of(name)!r}")
        if value is None:
            continue
        if name.startswith("transplant."):
            transplant[name.split(".", 1)[1]] = value
        elif name == "hpo_terms":
            record["phenotypes"] = [{"hpo_id": term} for term in value]
        elif name == "complications":
            record["complications"] = [_complication(item, f"{where}, column {column_of(name)!r}") for item in value]
        elif name == "cno_lesions":
            record["lesions"] = [_lesion(item) for item in value]
        else:
            patient[name] = value
    if not patient.get("patient_key"):
        raise InputError("patient_key is empty", path=f"{where}, column {column_of('patient_key')!r}")
    if transplant:
        transplant["number"] = 1
        record["transplants"] = [transplant]
    return record


def _complication(item: str, where: str) -> dict:
    kind, _, day = item.partition("@")
    try:
        return {"kind": kind.strip(), "day": float(day) if day.strip() else None}
    except ValueError:
        raise InputError("complication must be kind@day", path=where, value=item) from None


def _lesion(item: str) -> dict:
    site, _, status = item.partition(":")
    return {"site": site.strip(), "status": status.strip() or None}


def read_csv(path: Path) -> tuple[list[str], list[tuple[int, dict | InputError]]]:
    """Header and ``(line number, row or error)``. The whole file is refused (one line) when it cannot be read as
    UTF-8 CSV: wrong encoding, too large, not a regular file, a quote left open (it would swallow the rows after
    it). A row with too few or too many cells, or an over-long cell, is an error for that row only.
    Semicolon-separated files (European Excel) are detected from the header line."""
    text = read_text(path)
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    old_limit = csv.field_size_limit()
    try:
        csv.field_size_limit(max(old_limit, MAX_FILE_BYTES))  # the cell check below names the row instead
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
        try:
            table = list(reader)
        except csv.Error as exc:
            raise InputError(f"not readable as CSV near line {reader.line_num}: {exc} (a quote left open?)",
                             source=str(path)) from None
    finally:
        csv.field_size_limit(old_limit)
    if not table:
        raise InputError("file has no header line", source=str(path))
    header = [h.strip() for h in table[0]]
    rows: list[tuple[int, dict | InputError]] = []
    for number, cells in enumerate(table[1:], start=2):
        if not any(c.strip() for c in cells):
            continue
        where = f"{path.name} row {number}"
        long_cell = next((i for i, c in enumerate(cells) if len(c) > MAX_CELL_CHARS), None)
        if len(cells) != len(header):
            rows.append((number, InputError(f"row has {len(cells)} cells, the header has {len(header)}"
                                            + (" (semicolon-separated?)" if delimiter == "," and ";" in "".join(cells) else ""),
                                            path=where)))
        elif long_cell is not None:
            rows.append((number, InputError(f"cell longer than {MAX_CELL_CHARS} characters", path=f"{where}, column "
                                            f"{header[long_cell]!r}", value=cells[long_cell][:20] + "...")))
        else:
            rows.append((number, dict(zip(header, cells))))
    return header, rows


def dictionary_csv_items(path: Path) -> Iterator[tuple[str, Any]]:
    header, rows = read_csv(path)
    unknown = [c for c in header if c not in dd.BY_NAME]
    if unknown:
        raise InputError("column is not a data-dictionary field (see `rarebone registry dictionary`)",
                         source=str(path), path=f"column {unknown[0]!r}")
    for number, row in rows:
        where = f"{path.name} row {number}"
        if isinstance(row, RareboneError):
            yield where, row
            continue
        try:
            # our own export escapes formula-like text with an apostrophe: read back the original text
            yield where, flat_to_record({k: restore_cell(v) for k, v in row.items()}, where=where)
        except RareboneError as exc:
            yield where, exc


# ---------------------------------------------------------------- mapped spreadsheets

def csv_items(path: Path) -> Iterator[tuple[str, Any]]:
    """A CSV whose first column is record_id is REDCap's flat CSV; any other is rarebone's dictionary CSV
    (``registry import FILE.csv`` and the workbench's import both pick the reader here)."""
    from rarebone.registry import redcap

    try:
        with open(path, newline="", encoding="utf-8-sig") as handle:
            first = next(csv.reader(handle), [])
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read file: {exc}", source=str(path)) from None
    if first[:1] == ["record_id"]:
        return redcap.flat_csv_items(path)
    return dictionary_csv_items(path)


def load_mapping(path: Path) -> dict:
    text = read_text(path)
    try:
        mapping = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise InputError(f"cannot read mapping: {' '.join(str(exc).split())[:200]}", source=str(path)) from None
    if not isinstance(mapping, dict) or not isinstance(mapping.get("columns"), dict):
        raise InputError("a mapping needs a 'columns' table (registry field: spreadsheet column)", source=str(path),
                         path="columns")
    for target, spec in mapping["columns"].items():
        where = f"columns.{target}"
        if target not in dd.BY_NAME:
            raise InputError("not a data-dictionary field", source=str(path), path=where, value=target)
        if isinstance(spec, dict):
            _check_spec_shape(spec, str(path), where)
            bad = set(spec) - {"column", "codes", "unit", "value", "prefix"}
            if bad:
                raise InputError("unknown key (column, codes, unit, value, prefix)", source=str(path),
                                 path=f"{where}.{sorted(bad)[0]}")
            if "column" not in spec and "value" not in spec:
                raise InputError("give 'column' or a constant 'value'", source=str(path), path=where)
            unit = spec.get("unit")
            if unit is not None and str(unit) not in TIME_UNITS:
                raise InputError(f"unit must be one of {', '.join(TIME_UNITS)}", source=str(path),
                                 path=f"{where}.unit", value=unit)
        elif not isinstance(spec, (str, int)) or isinstance(spec, bool):
            raise InputError("must be a column name or a table", source=str(path), path=where, value=spec)
    return mapping


def _check_spec_shape(spec: dict, source: str, where: str) -> None:
    """The shape of one column's table: a wrong shape is one line naming the key, never a crash later."""
    scalar = (str, int, float, bool)
    if "column" in spec and (not isinstance(spec["column"], (str, int)) or isinstance(spec["column"], bool)):
        raise InputError("must be a column name", source=source, path=f"{where}.column", value=spec["column"])
    if "codes" in spec:
        codes = spec["codes"]
        if not isinstance(codes, dict):
            raise InputError("must be a table of code: value", source=source, path=f"{where}.codes", value=codes)
        for code, value in codes.items():
            if code is None or not isinstance(code, scalar) or not (value is None or isinstance(value, scalar)):
                raise InputError("codes and their values must be plain values", source=source,
                                 path=f"{where}.codes.{code}", value=value)
    for key in ("value", "prefix", "unit"):
        if key in spec and spec[key] is not None and not isinstance(spec[key], scalar):
            raise InputError("must be a plain value", source=source, path=f"{where}.{key}", value=spec[key])


def _read_table(path: Path) -> tuple[list[str], list[dict]]:
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        import openpyxl

        data = read_bytes(path)  # regular file, below the size limit
        try:
            workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        except Exception as exc:  # noqa: BLE001 - zip, XML and openpyxl errors alike: not a readable workbook
            raise InputError(f"not a readable Excel workbook ({type(exc).__name__})", source=str(path)) from None
        sheet = workbook.active
        rows = list(sheet.iter_rows(values_only=True))
        workbook.close()
        if not rows:
            return [], []
        header = [str(h).strip() if h is not None else "" for h in rows[0]]
        return header, [(n, dict(zip(header, r))) for n, r in enumerate(rows[1:], start=2)
                        if any(v is not None for v in r)]
    return read_csv(path)


def _code_key(value) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def mapped_items(path: Path, mapping_path: Path) -> Iterator[tuple[str, Any]]:
    mapping = load_mapping(mapping_path)
    header, rows = _read_table(path)
    specs = {t: (s if isinstance(s, dict) else {"column": s}) for t, s in mapping["columns"].items()}
    for target, spec in specs.items():
        if "column" in spec and spec["column"] not in header:
            raise InputError(f"mapped column not in the file (columns: {', '.join(header)})", source=str(path),
                             path=f"{mapping_path.name}: columns.{target}.column", value=spec["column"])
    for number, row in rows:
        where = f"{path.name} row {number}"
        if isinstance(row, RareboneError):
            yield where, row
            continue
        try:
            flat: dict[str, Any] = {}
            for target, spec in specs.items():
                column = spec.get("column")
                value = spec["value"] if "value" in spec else row.get(column)
                if "codes" in spec and value is not None and _code_key(value) != "":
                    codes = {_code_key(k): v for k, v in spec["codes"].items()}
                    if _code_key(value) not in codes:
                        raise InputError(f"code not in the mapping ({', '.join(codes)})",
                                         path=f"{where}, column {column!r}", value=value)
                    value = codes[_code_key(value)]
                if "unit" in spec and value not in (None, ""):
                    try:
                        value = finite(value, path=f"{where}, column {column!r}") * TIME_UNITS[str(spec["unit"])]
                    except (TypeError, ValueError, OverflowError):
                        raise InputError("not a number", path=f"{where}, column {column!r}", value=value) from None
                if "prefix" in spec and value not in (None, ""):
                    value = f"{spec['prefix']}{_code_key(value)}"
                flat[target] = value
            names = {t: s.get("column", f"constant {t}") for t, s in specs.items()}
            yield where, flat_to_record(flat, where=where, column_of=lambda n: names.get(n, n))
        except RareboneError as exc:
            yield where, exc


# ---------------------------------------------------------------- Phenopackets

PARALLEL_FROM = 2000  # files; below this, worker start-up (HPO load) costs more than it saves


def _read_one(path: Path) -> tuple[str, Any]:
    from rarebone.intake import phenopacket as pp

    try:
        result = pp.read_phenopacket(path)
        return path.name, patient_to_record(result.patient, source=path.name, extension=read_sidecar(path))
    except RareboneError as exc:
        return path.name, exc


def read_sidecar(path: Path) -> tuple[str, Any] | None:
    """The rarebone sidecar beside a Phenopacket (``NAME.rarebone`` next to ``NAME.json``), written by
    ``registry export --as phenopackets``: ``(source, registry block)``, or None when there is none (an older
    export carries the block inside the Phenopacket as ``rareboneExtensions.registry``)."""
    import json

    from rarebone.registry.phenopacket_out import SIDECAR_FORMAT, SIDECAR_SUFFIX

    side = path.with_suffix(SIDECAR_SUFFIX)
    if not side.is_file():
        return None
    try:
        data = json.loads(side.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise InputError(f"cannot read the rarebone sidecar: {str(exc).splitlines()[0]}", source=str(side)) from None
    if not isinstance(data, dict) or data.get("format") != SIDECAR_FORMAT:
        raise InputError(f"not a rarebone sidecar (format must be {SIDECAR_FORMAT})", source=str(side),
                         path="$.format", value=data.get("format") if isinstance(data, dict) else None)
    return side.name, data.get("registry") or {}


def phenopacket_items(paths: list[Path], workers: int | None = None) -> Iterator[tuple[str, Any]]:
    """Read Phenopackets in file order; large folders are parsed by a process pool (one per core) while the
    caller writes to the database."""
    import os

    from rarebone.intake import phenopacket as pp

    files = pp.expand_inputs(paths)
    workers = workers if workers is not None else (os.cpu_count() or 1)
    if workers <= 1 or len(files) < PARALLEL_FROM:
        for path in files:
            yield _read_one(path)
        return
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(max_workers=workers) as pool:
        yield from pool.map(_read_one, files, chunksize=100)


def patient_to_record(patient, *, source: str, extension: tuple[str, Any] | None = None) -> dict:
    """rarebone's Patient (+ the ``registry`` block: from the sidecar ``extension`` when given, else from the
    Phenopacket's ``rareboneExtensions``) into a record."""
    if extension is not None:
        sidecar, ext = extension
        base = f"{sidecar}: $.registry"  # errors name the sidecar file and the path inside it
    else:
        ext = patient.extensions.get(EXTENSION) or {}
        base = f"$.rareboneExtensions.{EXTENSION}"
    if not isinstance(ext, dict):
        raise InputError("must be a JSON object", source=source, path=base)
    unknown = set(ext) - {"patient", *CHILDREN}
    if unknown:
        raise InputError(f"unknown key (known: patient, {', '.join(CHILDREN)})", source=source,
                         path=f"{base}.{sorted(unknown)[0]}")
    patient_part: dict[str, Any] = {
        "patient_key": patient.patient_id,
        "sex": patient.sex.value if patient.sex.value != "unknown" else None,
        "birth_date": patient.date_of_birth,
        "vital_status": _VITAL.get(patient.vital_status or ""),
        "cause_of_death": patient.cause_of_death,
        "followup_days_from_diagnosis": patient.survival_time_days,
    }
    causative = [v for v in patient.variants if v.interpretation_status in ("causative", "contributory")]
    if causative:
        patient_part["gene"] = causative[0].gene_symbol
        patient_part["genotype"] = causative[0].allelic_state.value
    diseases = [d for d in patient.diseases if not d.excluded]
    if diseases:
        patient_part["diagnosis_term"] = diseases[0].term_id
        if diseases[0].onset and diseases[0].onset.age_days is not None:
            patient_part["age_at_onset_days"] = diseases[0].onset.age_days
    if not isinstance(ext.get("patient") or {}, dict):
        raise InputError("must be a JSON object", source=source, path=f"{base}.patient")
    for name, raw in (ext.get("patient") or {}).items():
        if name not in dd.PATIENT_FIELDS or name == "patient_key":
            raise InputError("not a patient field of the data dictionary", source=source, path=f"{base}.patient.{name}")
        patient_part[name] = dd.coerce(name, raw, where=f"{base}.patient.{name}")
    record: dict[str, Any] = {"patient": {k: v for k, v in patient_part.items() if v is not None}}
    record["phenotypes"] = [
        {"hpo_id": f.hpo_id, "label": f.label, "excluded": f.excluded,
         "onset_age_days": f.onset.age_days if f.onset else None}
        for f in patient.features
    ]
    record["measurements"] = [
        {"assay_id": ms.assay_id, "analyte": ms.analyte, "value": ms.value, "unit": ms.unit,
         "age_days": ms.time.age_days if ms.time else None, "measured_on": ms.time.date if ms.time else None}
        for ms in patient.measurements
    ]
    record["treatments"] = [
        {"agent_id": t.agent_id, "agent_label": t.agent_label, "route": t.route,
         "cumulative_dose": t.cumulative_dose[0] if t.cumulative_dose else None,
         "cumulative_dose_unit": t.cumulative_dose[1] if t.cumulative_dose else None}
        for t in patient.treatments
    ]
    for name, model in CHILDREN.items():
        if name not in ext:
            continue
        items = ext[name]
        if not isinstance(items, list):
            raise InputError("must be a list", source=source, path=f"{base}.{name}")
        allowed = set(columns(model))
        out = []
        for i, item in enumerate(items):
            if not isinstance(item, dict):
                raise InputError("must be a JSON object", source=source, path=f"{base}.{name}[{i}]")
            clean = {}
            for key, value in item.items():
                if key not in allowed:
                    raise InputError(f"unknown field (known: {', '.join(sorted(allowed))})", source=source,
                                     path=f"{base}.{name}[{i}].{key}")
                dict_name = f"transplant.{key}" if name == "transplants" else None
                if dict_name in dd.BY_NAME:
                    value = dd.coerce(dict_name, value, where=f"{base}.{name}[{i}].{key}")
                else:
                    value = _by_type(model, key, value, where=f"{base}.{name}[{i}].{key}")
                clean[key] = value
            out.append(clean)
        record[name] = out
    return record


def _by_type(model, key: str, value, *, where: str):
    """Coerce a value to its column's type (for record parts outside the flat dictionary)."""
    import datetime as dt

    if value is None:
        return None
    python_type = model.__table__.columns[key].type.python_type
    try:
        if python_type is dt.date:
            return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value)[:10])
        if python_type is float:
            if isinstance(value, bool):
                raise ValueError
            return finite(value, path=where)
        if python_type is int:
            if isinstance(value, bool) or finite(value, path=where) != int(float(value)):
                raise ValueError
            return int(float(value))
        if python_type is bool:
            if not isinstance(value, bool):
                raise ValueError
            return value
        return str(value)
    except (TypeError, ValueError):
        raise InputError(f"must be a {python_type.__name__}", path=where, value=value) from None

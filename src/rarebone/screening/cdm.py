"""Open an OMOP CDM where it lives: DuckDB file, PostgreSQL, a folder of Parquet/CSV tables, or Spark.

Every table comes back as an Ibis table with lower-case column names, so one query plan runs on every engine.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from rarebone.errors import InputError
from rarebone.screening import duckdb_compat

# The columns the screen reads, with the DuckDB type a CSV column is read as (an all-empty CSV column would
# otherwise be guessed as text).
CSV_TYPES = {
    "person_id": "BIGINT", "year_of_birth": "INTEGER", "month_of_birth": "INTEGER", "day_of_birth": "INTEGER",
    "birth_datetime": "TIMESTAMP", "gender_concept_id": "BIGINT", "visit_occurrence_id": "BIGINT",
    "visit_concept_id": "BIGINT", "visit_start_date": "DATE", "visit_end_date": "DATE",
    "condition_concept_id": "BIGINT", "condition_start_date": "DATE", "observation_concept_id": "BIGINT",
    "observation_date": "DATE", "measurement_concept_id": "BIGINT", "measurement_date": "DATE",
    "value_as_number": "DOUBLE", "unit_concept_id": "BIGINT", "range_low": "DOUBLE", "range_high": "DOUBLE",
    "procedure_concept_id": "BIGINT", "procedure_date": "DATE", "drug_concept_id": "BIGINT",
    "drug_exposure_start_date": "DATE", "drug_exposure_end_date": "DATE", "concept_id": "BIGINT",
    "concept_code": "VARCHAR", "vocabulary_id": "VARCHAR", "standard_concept": "VARCHAR", "concept_name": "VARCHAR",
    "invalid_reason": "VARCHAR", "ancestor_concept_id": "BIGINT", "descendant_concept_id": "BIGINT",
    "concept_id_1": "BIGINT", "concept_id_2": "BIGINT", "relationship_id": "VARCHAR",
    "note_id": "BIGINT", "note_date": "DATE", "note_nlp_id": "BIGINT", "note_nlp_concept_id": "BIGINT",
    "note_nlp_source_concept_id": "BIGINT", "lexical_variant": "VARCHAR", "term_exists": "VARCHAR",
    "term_temporal": "VARCHAR", "term_modifiers": "VARCHAR", "note_text": "VARCHAR", "snippet": "VARCHAR",
}


@dataclass
class Cdm:
    con: object  # an Ibis backend
    backend: str  # duckdb | postgres | pyspark
    label: str  # the CDM location without password, for messages
    schema: str | None = None
    results_schema: str | None = None
    folder: Path | None = None
    _names: dict[str, str] = field(default_factory=dict)  # lower-case table name -> name in the database

    def __post_init__(self) -> None:
        if not self._names:
            kwargs = {"database": self.schema} if self.schema else {}
            try:
                names = self.con.list_tables(**kwargs)
            except Exception as exc:  # noqa: BLE001 - a driver error is reported as one line
                raise InputError(f"cannot list tables: {str(exc).splitlines()[0]}", source=self.label) from None
            self._names = {n.lower(): n for n in names}

    def has(self, name: str) -> bool:
        return name in self._names

    def table(self, name: str):
        real = self._names.get(name)
        if real is None:
            raise InputError("table missing from the CDM", source=self.label, path=name)
        t = self.con.table(real, database=self.schema) if self.schema else self.con.table(real)
        renames = {c.lower(): c for c in t.columns if c != c.lower()}
        return t.rename(renames) if renames else t


def _safe_label(url: str) -> str:
    parts = urlsplit(url)
    if parts.password:
        netloc = parts.netloc.replace(f":{parts.password}@", ":***@")
        return urlunsplit(parts._replace(netloc=netloc))
    return url


def _folder(path: Path, threads: int | None) -> Cdm:
    import ibis

    if not path.is_dir():
        raise InputError("not a folder of OMOP tables", source=str(path))
    con = ibis.duckdb.connect()
    duckdb_compat.patch(con)
    if threads:
        con.raw_sql(f"SET threads={int(threads)}")
    names = {}
    for file in sorted(path.iterdir()):
        stem, suffix = file.name.split(".")[0].lower(), "".join(file.suffixes).lower()
        if stem in names or suffix not in (".parquet", ".csv", ".csv.gz", ".tsv"):
            continue
        if suffix == ".parquet":
            con.read_parquet(str(file), table_name=stem)
        else:
            with (open(file, "rt", encoding="utf-8-sig") if suffix != ".csv.gz" else __import__("gzip").open(file, "rt")) as handle:
                header = handle.readline()
            sep = "\t" if suffix == ".tsv" else ","
            cols = [c.strip().strip('"') for c in header.rstrip("\r\n").split(sep)]
            types = {c: CSV_TYPES[c.lower()] for c in cols if c.lower() in CSV_TYPES}
            con.read_csv(str(file), table_name=stem, types=types, header=True, delim=sep)
        names[stem] = stem
    if not names:
        raise InputError("no Parquet or CSV tables in the folder", source=str(path))
    return Cdm(con=con, backend="duckdb", label=str(path), folder=path, _names=names)


def _spark(url: str, schema: str | None, results_schema: str | None, warehouse: str | None) -> Cdm:
    import ibis
    from pyspark.sql import SparkSession  # the [spark] extra

    builder = SparkSession.builder.appName("rarebone-screen")
    if url.startswith("sc://"):
        builder = builder.remote(url)  # Spark Connect (Databricks, a remote cluster)
    else:
        master = url[len("spark://"):]
        builder = builder.master(master if master.startswith("local") else url)
    if warehouse:
        builder = builder.config("spark.sql.warehouse.dir", warehouse)
    session = builder.getOrCreate()
    return Cdm(con=ibis.pyspark.connect(session), backend="pyspark", label=url, schema=schema,
               results_schema=results_schema)


def connect(url: str, *, schema: str | None = None, results_schema: str | None = None, threads: int | None = None,
            writable: bool = False, warehouse: str | None = None) -> Cdm:
    """Open the CDM named by ``url`` (see docs/screening.md for the forms)."""
    import ibis

    label = _safe_label(url)
    try:
        if url.startswith("duckdb://"):
            path = url[len("duckdb://"):]
            path = path[1:] if path.startswith("/") and not path.startswith("//") and not Path(path).exists() and Path(path[1:]).exists() else path
            if not Path(path).exists():
                raise InputError("DuckDB file not found", source=label)
            con = ibis.duckdb.connect(path, read_only=not writable)
            duckdb_compat.patch(con)
            if threads:
                con.raw_sql(f"SET threads={int(threads)}")
            return Cdm(con=con, backend="duckdb", label=label, schema=schema, results_schema=results_schema)
        if re.match(r"^postgres(ql)?(\+\w+)?://", url):
            clean = re.sub(r"^postgres(ql)?(\+\w+)?://", "postgres://", url)
            con = ibis.connect(clean)
            return Cdm(con=con, backend="postgres", label=label, schema=schema, results_schema=results_schema)
        if url.startswith(("parquet://", "csv://", "file://")):
            return _folder(Path(url.split("://", 1)[1]), threads)
        if url.startswith(("spark://", "sc://")):
            return _spark(url, schema, results_schema, warehouse)
        if Path(url).is_dir():
            return _folder(Path(url), threads)
        if Path(url).suffix == ".duckdb" and Path(url).exists():
            return connect(f"duckdb://{url}", schema=schema, results_schema=results_schema, threads=threads,
                           writable=writable)
    except InputError:
        raise
    except ModuleNotFoundError:
        raise
    except Exception as exc:  # noqa: BLE001 - driver errors become one line naming the CDM
        raise InputError(f"cannot open the CDM: {str(exc).splitlines()[0] if str(exc) else type(exc).__name__}",
                         source=label) from None
    raise InputError("unknown CDM location (use duckdb:///file, postgresql+psycopg://..., parquet:///folder, "
                     "spark://...)", source=label)

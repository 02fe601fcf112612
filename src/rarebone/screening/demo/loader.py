"""Read a folder of OMOP CDM tables (CSV or Parquet, one file per table, any case: PERSON.csv, person.parquet)
into DuckDB with the CDM v5.4 column types.

A missing required table, a missing column or a value that does not fit its CDM type is one InputError naming
the file and the column. Files that are not CDM tables are ignored (and reported in ``ignored``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from rarebone.errors import InputError
from rarebone.screening.demo.schema import CDM_TABLES, DUCKDB_TYPES, REQUIRED

SUFFIXES = (".csv", ".csv.gz", ".parquet")


@dataclass
class Loaded:
    con: object
    tables: dict = field(default_factory=dict)  # table -> rows
    ignored: list = field(default_factory=list)


def find_tables(folder: Path) -> tuple[dict[str, Path], list[Path]]:
    found: dict[str, Path] = {}
    ignored: list[Path] = []
    for path in sorted(Path(folder).iterdir()):
        suffix = next((s for s in SUFFIXES if path.name.lower().endswith(s)), None)
        name = path.name[: -len(suffix)].lower() if suffix else None
        if name in CDM_TABLES and path.is_file():
            if name in found:
                raise InputError(f"table {name} given twice ({found[name].name} and {path.name})", source=str(folder))
            found[name] = path
        else:
            ignored.append(path)
    return found, ignored


def load_folder(folder: Path, con=None, required: tuple[str, ...] = REQUIRED) -> Loaded:
    import duckdb

    folder = Path(folder)
    if not folder.is_dir():
        raise InputError("not a folder of OMOP tables", source=str(folder))
    found, ignored = find_tables(folder)
    for table in required:
        if table not in found:
            raise InputError(f"missing CDM table {table} (looked for {table}.csv or {table}.parquet, any case)",
                             source=str(folder))
    con = con or duckdb.connect()
    loaded = Loaded(con=con, ignored=ignored)
    for table, path in found.items():
        loaded.tables[table] = _load_table(con, table, path)
    return loaded


def _source(path: Path) -> str:
    quoted = str(path).replace("'", "''")
    if path.name.lower().endswith(".parquet"):
        return f"read_parquet('{quoted}')"
    return f"read_csv('{quoted}', header = true, all_varchar = true)"


def _load_table(con, table: str, path: Path) -> int:
    import duckdb

    source = _source(path)
    try:
        present = {row[0].lower(): row[0] for row in con.execute(f"DESCRIBE SELECT * FROM {source}").fetchall()}
    except duckdb.Error as exc:
        raise InputError(f"cannot read: {str(exc).splitlines()[0]}", source=str(path)) from None
    selects = []
    for column, kind in CDM_TABLES[table]:
        if column not in present:
            raise InputError(f"missing CDM v5.4 column of table {table}", source=str(path), path=column)
        quoted = f'"{present[column]}"'
        value = quoted if kind == "s" else f"NULLIF(TRIM(CAST({quoted} AS VARCHAR)), '')"
        selects.append((column, f"CAST({value} AS {DUCKDB_TYPES[kind]})"))
    body = ", ".join(f'{expr} AS "{column}"' for column, expr in selects)  # quoted: note_nlp."offset"
    try:
        con.execute(f"CREATE OR REPLACE TABLE {table} AS SELECT {body} FROM {source}")
    except duckdb.Error:
        # find the column that does not convert, to name it in one line
        for column, expr in selects:
            try:
                con.execute(f"SELECT {expr} FROM {source}").fetchall()
            except duckdb.Error as exc:
                kind = dict(CDM_TABLES[table])[column]
                raise InputError(f"values do not fit the CDM type {DUCKDB_TYPES[kind]} of {table}.{column}: "
                                 f"{str(exc).splitlines()[0]}", source=str(path), path=column) from None
        raise
    return con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]

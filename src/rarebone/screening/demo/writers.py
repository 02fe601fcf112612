"""Write CDM tables, chunk by chunk, to DuckDB, a Parquet or CSV folder, or PostgreSQL.

Every CDM v5.4 table of schema.CDM_TABLES is created with its v5.4 column types even when the demo leaves it
empty (observation, death), so a screening finds the layout it expects.
"""

from __future__ import annotations

import io
from pathlib import Path

from rarebone.errors import InputError
from rarebone.screening.demo.schema import CDM_TABLES, DUCKDB_TYPES, POSTGRES_TYPES, arrow_schema


def _ddl(table: str, types: dict, qualified: str) -> str:
    columns = ", ".join(f'"{name}" {types[kind]}' for name, kind in CDM_TABLES[table])  # quoted: note_nlp."offset"
    return f"CREATE TABLE {qualified} ({columns})"


class DuckDBWriter:
    def __init__(self, path: Path, replace: bool = False):
        import duckdb

        path = Path(path)
        if path.exists():
            if not replace:
                raise InputError("exists; pass --replace to overwrite it", source=str(path))
            path.unlink()
        self.con = duckdb.connect(str(path))
        self.con.execute("SET preserve_insertion_order = false")  # faster bulk inserts (DuckDB tuning notes)
        for table in CDM_TABLES:
            self.con.execute(_ddl(table, DUCKDB_TYPES, table))

    def write(self, table: str, data) -> None:
        self.con.register("_chunk", data)
        self.con.execute(f"INSERT INTO {table} SELECT * FROM _chunk")
        self.con.unregister("_chunk")

    def close(self) -> None:
        self.con.execute("CHECKPOINT")
        self.con.close()


class FolderWriter:
    """One file per table (``person.parquet`` or ``person.csv``), appended chunk by chunk."""

    def __init__(self, folder: Path, fmt: str, replace: bool = False):
        folder = Path(folder)
        if folder.exists() and any(folder.iterdir()) and not replace:
            raise InputError("folder is not empty; pass --replace to overwrite its tables", source=str(folder))
        folder.mkdir(parents=True, exist_ok=True)
        self.folder, self.fmt, self.writers = folder, fmt, {}

    def _writer(self, table: str):
        if table not in self.writers:
            path = self.folder / f"{table}.{self.fmt}"
            if self.fmt == "parquet":
                import pyarrow.parquet as pq

                self.writers[table] = pq.ParquetWriter(path, arrow_schema(table), compression="zstd")
            else:
                import pyarrow.csv as pcsv

                self.writers[table] = pcsv.CSVWriter(path, arrow_schema(table))
        return self.writers[table]

    def write(self, table: str, data) -> None:
        self._writer(table).write_table(data)

    def close(self) -> None:
        for table in CDM_TABLES:
            self._writer(table)  # empty tables still get their file with the CDM header
        for writer in self.writers.values():
            writer.close()


class PostgresWriter:
    """COPY each chunk into PostgreSQL (psycopg 3). URL as SQLAlchemy spells it or plain postgresql://."""

    def __init__(self, url: str, schema: str = "cdm", replace: bool = False):
        import psycopg

        self.conn = psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://"), autocommit=True)
        self.schema = schema
        with self.conn.cursor() as cur:
            cur.execute(f'CREATE SCHEMA IF NOT EXISTS "{schema}"')
            for table in CDM_TABLES:
                if replace:
                    cur.execute(f'DROP TABLE IF EXISTS "{schema}".{table}')
                cur.execute(_ddl(table, POSTGRES_TYPES, f'"{schema}".{table}'))

    def write(self, table: str, data) -> None:
        import pyarrow.csv as pcsv

        buffer = io.BytesIO()
        pcsv.write_csv(data, buffer, pcsv.WriteOptions(include_header=False))
        with self.conn.cursor() as cur, cur.copy(f'COPY "{self.schema}".{table} FROM STDIN WITH (FORMAT csv)') as copy:
            copy.write(buffer.getvalue())

    def close(self) -> None:
        self.conn.close()


def open_writer(out: str, fmt: str, replace: bool = False, schema: str = "cdm"):
    if fmt == "duckdb":
        return DuckDBWriter(Path(out), replace)
    if fmt in ("parquet", "csv"):
        return FolderWriter(Path(out), fmt, replace)
    if fmt == "postgresql":
        return PostgresWriter(out, schema, replace)
    raise InputError("unknown format (duckdb, parquet, csv, postgresql)", path="--format", value=fmt)


def guess_format(out: str) -> str:
    if out.startswith(("postgresql://", "postgresql+psycopg://", "postgres://")):
        return "postgresql"
    if out.endswith((".duckdb", ".db")):
        return "duckdb"
    return "parquet"

"""One query plan, many engines: the same flagged set, to the row, from DuckDB and a throwaway PostgreSQL
(and Spark, under the `spark` marker), plus the cohort table written into a PostgreSQL results schema."""

from __future__ import annotations

import shutil

import pytest
import scenarios
from cdm_builder import to_duckdb

pytest.importorskip("ibis")

COLUMNS = ["person_id", "family", "level", "score", "first_complete_date", "age_at_flag_days",
           "missed_opportunities", "diagnosis_date", "evidence"]


@pytest.fixture(scope="module")
def frames():
    cdm, _ = scenarios.build()
    return cdm.frames()


@pytest.fixture(scope="module")
def duck(frames, tmp_path_factory):
    from rarebone.screening import run_screen

    return run_screen(to_duckdb(frames, tmp_path_factory.mktemp("d") / "cdm.duckdb"), progress=False)


def rows(result):
    return sorted(map(tuple, result.flagged[COLUMNS].astype(str).values.tolist()))


def load_postgres(url: str, frames: dict, schema: str) -> None:
    import sqlalchemy as sa

    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    for name, df in frames.items():
        df = df.copy()
        types = {}
        for c in df.columns:
            if str(df[c].dtype).startswith("date32") or c.endswith("_date"):
                df[c] = df[c].astype("object")
                types[c] = sa.Date()
            elif (c.endswith("_id") and c not in ("domain_id", "vocabulary_id", "concept_class_id", "relationship_id")) \
                    or c in ("year_of_birth", "month_of_birth", "day_of_birth"):
                types[c] = sa.BigInteger()
            elif c in ("value_as_number", "range_low", "range_high"):
                types[c] = sa.Float()
        df.to_sql(name, engine, schema=schema, index=False, dtype=types)
    engine.dispose()


def test_postgresql_gives_the_same_rows_and_writes_the_cohort(pg_server, frames, duck):
    import sqlalchemy as sa

    from rarebone.screening import run_screen
    from rarebone.screening.cdm import connect
    from rarebone.screening.output import write_cohort

    import pgserver

    url = pgserver.new_database(pg_server)
    load_postgres(url, frames, "cdm")
    cdm = connect(url, schema="cdm", results_schema="results")
    result = run_screen(cdm, progress=False)
    assert rows(result) == rows(duck)
    write_cohort(cdm, result)
    write_cohort(cdm, result)  # replaced, not appended
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        got = conn.execute(sa.text("SELECT subject_id, cohort_definition_id FROM results.cohort")).fetchall()
    engine.dispose()
    ids = {"osteopetrosis": 1501, "cno": 1502, "osteopetrosis_intermediate": 1503, "osteopetrosis_review": 1511,
           "cno_review": 1512, "osteopetrosis_intermediate_review": 1513}  # families.yaml
    assert sorted(got) == sorted(zip(result.flagged.person_id.astype(int), [ids[f] for f in result.flagged.family]))


def test_postgresql_missing_schema_is_one_line(pg_server):
    from rarebone.errors import InputError
    from rarebone.screening import run_screen

    import pgserver

    url = pgserver.new_database(pg_server)
    with pytest.raises(InputError, match="required OMOP table missing") as info:
        run_screen(url, schema="public", progress=False)
    assert "person" in str(info.value) and "\n" not in str(info.value)


@pytest.mark.spark
def test_spark_gives_the_same_rows(frames, duck, tmp_path):
    pytest.importorskip("pyspark", reason="pyspark not installed (pip install 'rarebone[spark]')")
    if shutil.which("java") is None:
        pytest.skip("Java 17 not found (Spark needs it)")
    import ibis
    from pyspark.sql import SparkSession

    from rarebone.screening import run_screen
    from rarebone.screening.cdm import Cdm

    session = (SparkSession.builder.master("local[2]").appName("rarebone-test")
               .config("spark.driver.memory", "3g")  # as test_engine_equality's sessions (one JVM per process)
               .config("spark.sql.warehouse.dir", str(tmp_path / "warehouse"))
               .config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", "4").getOrCreate())
    try:
        import pandas as pd
        from pyspark.sql import types as T

        for name, df in frames.items():
            fields, data = [], {}
            for c in df.columns:
                kind = str(df[c].dtype)
                if c.endswith("_date") or kind.startswith("date32"):
                    fields.append(T.StructField(c, T.DateType()))
                    data[c] = [None if pd.isna(v) else v for v in df[c].astype("object")]
                elif c == "birth_datetime":
                    fields.append(T.StructField(c, T.TimestampType()))
                    data[c] = [v.to_pydatetime() for v in df[c]]
                elif kind.startswith("int"):
                    fields.append(T.StructField(c, T.LongType()))
                    data[c] = [int(v) for v in df[c]]
                elif kind.startswith("float"):
                    fields.append(T.StructField(c, T.DoubleType()))
                    data[c] = [None if v != v else float(v) for v in df[c]]
                else:
                    fields.append(T.StructField(c, T.StringType()))
                    data[c] = [None if pd.isna(v) else str(v) for v in df[c]]
            records = list(zip(*[data[c] for c in df.columns])) if len(df) else []
            session.createDataFrame(records, schema=T.StructType(fields)).createOrReplaceTempView(name)
        con = ibis.pyspark.connect(session)
        result = run_screen(Cdm(con=con, backend="pyspark", label="spark local[2]"), progress=False)
        assert rows(result) == rows(duck)
    finally:
        session.stop()

"""OMOP CDM v5.4 column names and types for the tables the demo writes and the loader reads.

Column order and names follow the CDM v5.4 DDL (checked against the vendored Synthea27Nj v5.4 CSV headers by
tests/screening_demo/test_schema.py). Types: i = integer (int64; person and event ids may exceed 2**31 at a
large site), f = float, s = varchar, d = date, t = datetime.
"""

from __future__ import annotations

from pathlib import Path

from rarebone.errors import InputError


def _cols(spec: str) -> tuple[tuple[str, str], ...]:
    return tuple((item.split(":")[0], item.split(":")[1]) for item in spec.split())


CDM_TABLES: dict[str, tuple[tuple[str, str], ...]] = {
    "person": _cols(
        "person_id:i gender_concept_id:i year_of_birth:i month_of_birth:i day_of_birth:i birth_datetime:t "
        "race_concept_id:i ethnicity_concept_id:i location_id:i provider_id:i care_site_id:i "
        "person_source_value:s gender_source_value:s gender_source_concept_id:i race_source_value:s "
        "race_source_concept_id:i ethnicity_source_value:s ethnicity_source_concept_id:i"),
    "observation_period": _cols(
        "observation_period_id:i person_id:i observation_period_start_date:d observation_period_end_date:d "
        "period_type_concept_id:i"),
    "visit_occurrence": _cols(
        "visit_occurrence_id:i person_id:i visit_concept_id:i visit_start_date:d visit_start_datetime:t "
        "visit_end_date:d visit_end_datetime:t visit_type_concept_id:i provider_id:i care_site_id:i "
        "visit_source_value:s visit_source_concept_id:i admitted_from_concept_id:i admitted_from_source_value:s "
        "discharged_to_concept_id:i discharged_to_source_value:s preceding_visit_occurrence_id:i"),
    "condition_occurrence": _cols(
        "condition_occurrence_id:i person_id:i condition_concept_id:i condition_start_date:d "
        "condition_start_datetime:t condition_end_date:d condition_end_datetime:t condition_type_concept_id:i "
        "condition_status_concept_id:i stop_reason:s provider_id:i visit_occurrence_id:i visit_detail_id:i "
        "condition_source_value:s condition_source_concept_id:i condition_status_source_value:s"),
    "measurement": _cols(
        "measurement_id:i person_id:i measurement_concept_id:i measurement_date:d measurement_datetime:t "
        "measurement_time:s measurement_type_concept_id:i operator_concept_id:i value_as_number:f "
        "value_as_concept_id:i unit_concept_id:i range_low:f range_high:f provider_id:i visit_occurrence_id:i "
        "visit_detail_id:i measurement_source_value:s measurement_source_concept_id:i unit_source_value:s "
        "unit_source_concept_id:i value_source_value:s measurement_event_id:i meas_event_field_concept_id:i"),
    "observation": _cols(
        "observation_id:i person_id:i observation_concept_id:i observation_date:d observation_datetime:t "
        "observation_type_concept_id:i value_as_number:f value_as_string:s value_as_concept_id:i "
        "qualifier_concept_id:i unit_concept_id:i provider_id:i visit_occurrence_id:i visit_detail_id:i "
        "observation_source_value:s observation_source_concept_id:i unit_source_value:s "
        "qualifier_source_value:s value_source_value:s observation_event_id:i obs_event_field_concept_id:i"),
    "procedure_occurrence": _cols(
        "procedure_occurrence_id:i person_id:i procedure_concept_id:i procedure_date:d procedure_datetime:t "
        "procedure_end_date:d procedure_end_datetime:t procedure_type_concept_id:i modifier_concept_id:i "
        "quantity:i provider_id:i visit_occurrence_id:i visit_detail_id:i procedure_source_value:s "
        "procedure_source_concept_id:i modifier_source_value:s"),
    "drug_exposure": _cols(
        "drug_exposure_id:i person_id:i drug_concept_id:i drug_exposure_start_date:d "
        "drug_exposure_start_datetime:t drug_exposure_end_date:d drug_exposure_end_datetime:t "
        "verbatim_end_date:d drug_type_concept_id:i stop_reason:s refills:i quantity:f days_supply:i sig:s "
        "route_concept_id:i lot_number:s provider_id:i visit_occurrence_id:i visit_detail_id:i "
        "drug_source_value:s drug_source_concept_id:i route_source_value:s dose_unit_source_value:s"),
    "note": _cols(
        "note_id:i person_id:i note_date:d note_datetime:t note_type_concept_id:i note_class_concept_id:i "
        "note_title:s note_text:s encoding_concept_id:i language_concept_id:i provider_id:i "
        "visit_occurrence_id:i visit_detail_id:i note_source_value:s note_event_id:i "
        "note_event_field_concept_id:i"),
    "note_nlp": _cols(
        "note_nlp_id:i note_id:i section_concept_id:i snippet:s offset:s lexical_variant:s note_nlp_concept_id:i "
        "note_nlp_source_concept_id:i nlp_system:s nlp_date:d nlp_datetime:t term_exists:s term_temporal:s "
        "term_modifiers:s"),
    "death": _cols(
        "person_id:i death_date:d death_datetime:t death_type_concept_id:i cause_concept_id:i "
        "cause_source_value:s cause_source_concept_id:i"),
    "concept": _cols(
        "concept_id:i concept_name:s domain_id:s vocabulary_id:s concept_class_id:s standard_concept:s "
        "concept_code:s valid_start_date:d valid_end_date:d invalid_reason:s"),
    "concept_ancestor": _cols(
        "ancestor_concept_id:i descendant_concept_id:i min_levels_of_separation:i max_levels_of_separation:i"),
    "concept_relationship": _cols(
        "concept_id_1:i concept_id_2:i relationship_id:s valid_start_date:d valid_end_date:d invalid_reason:s"),
}

# the tables a screening needs (issue 15; ecosystem notes §4); the loader reads the others it finds too
REQUIRED = ("person", "observation_period", "visit_occurrence", "condition_occurrence", "measurement",
            "concept", "concept_ancestor")

DUCKDB_TYPES = {"i": "BIGINT", "f": "DOUBLE", "s": "VARCHAR", "d": "DATE", "t": "TIMESTAMP"}
POSTGRES_TYPES = {"i": "BIGINT", "f": "DOUBLE PRECISION", "s": "TEXT", "d": "DATE", "t": "TIMESTAMP"}


def arrow_schema(table: str):
    import pyarrow as pa

    types = {"i": pa.int64(), "f": pa.float64(), "s": pa.string(), "d": pa.date32(), "t": pa.timestamp("us")}
    return pa.schema([(name, types[kind]) for name, kind in CDM_TABLES[table]])


def conform(table: str, columns: dict):
    """A pyarrow Table in the CDM column order from a dict of arrays; absent columns become nulls."""
    import pyarrow as pa

    schema = arrow_schema(table)
    length = len(next(iter(columns.values())))
    unknown = set(columns) - set(schema.names)
    if unknown:
        raise ValueError(f"{table}: not CDM v5.4 columns: {sorted(unknown)}")  # a generator bug, not input
    arrays = [pa.array(columns[f.name], type=f.type, from_pandas=True) if f.name in columns else pa.nulls(length, f.type)
              for f in schema]
    return pa.Table.from_arrays(arrays, schema=schema)


def read_csv_table(path: Path, table: str):
    """One CDM CSV as a pyarrow Table with the v5.4 types (used for the shipped vocabulary)."""
    import pyarrow.csv as pcsv

    schema = arrow_schema(table)
    try:
        return pcsv.read_csv(path, convert_options=pcsv.ConvertOptions(
            column_types=schema, include_columns=schema.names, strings_can_be_null=True))
    except Exception as exc:  # pyarrow's messages are multi-line; one line naming the file
        raise InputError(str(exc).splitlines()[0], source=str(path)) from None

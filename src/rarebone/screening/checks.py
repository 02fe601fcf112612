"""Is this an OMOP CDM the screen can read? One line naming the table and column when it is not."""

from __future__ import annotations

from rarebone.errors import InputError

# kind: int = integer (or a decimal without scale), num = any number, date = date or timestamp, str = text
REQUIRED = {
    "person": {"person_id": "int", "year_of_birth": "int", "month_of_birth": "int", "day_of_birth": "int"},
    "visit_occurrence": {"visit_occurrence_id": "int", "person_id": "int", "visit_start_date": "date"},
    "condition_occurrence": {"person_id": "int", "condition_concept_id": "int", "condition_start_date": "date"},
    "measurement": {"person_id": "int", "measurement_concept_id": "int", "measurement_date": "date",
                    "value_as_number": "num", "unit_concept_id": "int", "range_low": "num", "range_high": "num"},
    "concept": {"concept_id": "int", "concept_code": "str", "vocabulary_id": "str", "standard_concept": "str"},
    "concept_ancestor": {"ancestor_concept_id": "int", "descendant_concept_id": "int"},
}
# Read when present; a CDM without them screens with fewer sources (said in the report).
OPTIONAL = {
    "observation": {"person_id": "int", "observation_concept_id": "int", "observation_date": "date"},
    "procedure_occurrence": {"person_id": "int", "procedure_concept_id": "int", "procedure_date": "date"},
    "drug_exposure": {"person_id": "int", "drug_concept_id": "int", "drug_exposure_start_date": "date"},
    "concept_relationship": {"concept_id_1": "int", "concept_id_2": "int", "relationship_id": "str"},
    # NLP output (rarebone.screening.notes): NOTE gives the person and the date of each extracted term
    "note": {"note_id": "int", "person_id": "int", "note_date": "date"},
    "note_nlp": {"note_id": "int", "note_nlp_concept_id": "int", "lexical_variant": "str"},
}
# Columns read when the table has them (optional in CDM v5.4); a wrong type is an error like any other.
IF_PRESENT = {
    "note_nlp": {"note_nlp_source_concept_id": "int", "term_exists": "str", "term_temporal": "str",
                 "term_modifiers": "str"},
}


def _fits(dtype, kind: str) -> bool:
    if dtype.is_null() or dtype.is_unknown():
        return True  # an all-empty column (CSV, an empty frame): nothing to read, nothing wrong
    if kind == "int":
        return dtype.is_integer() or (dtype.is_decimal() and (dtype.scale or 0) == 0)
    if kind == "num":
        return dtype.is_numeric()
    if kind == "date":
        return dtype.is_date() or dtype.is_timestamp()
    return dtype.is_string()


def check_schema(cdm) -> list[str]:
    """Raise InputError for a missing required table/column or a wrong type; return the optional tables missing."""
    missing_optional = []
    for group, required in ((REQUIRED, True), (OPTIONAL, False)):
        for table, columns in group.items():
            if not cdm.has(table):
                if required:
                    raise InputError("required OMOP table missing", source=cdm.label, path=table)
                missing_optional.append(table)
                continue
            schema = cdm.table(table).schema()
            for column, kind in columns.items():
                if column not in schema:
                    raise InputError("required column missing", source=cdm.label, path=f"{table}.{column}")
                if not _fits(schema[column], kind):
                    raise InputError(f"wrong column type: expected {kind}", source=cdm.label,
                                     path=f"{table}.{column}", value=str(schema[column]))
            for column, kind in IF_PRESENT.get(table, {}).items():
                if column in schema and not _fits(schema[column], kind):
                    raise InputError(f"wrong column type: expected {kind}", source=cdm.label,
                                     path=f"{table}.{column}", value=str(schema[column]))
    return missing_optional

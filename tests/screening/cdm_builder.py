"""Small hand-built OMOP CDMs for the screening tests (pandas frames -> DuckDB / PostgreSQL / Parquet / Spark).

The vocabulary is made here from the concept-set codes themselves (vocabulary_id + concept_code), with local
concept ids >= 2,000,000,000 so no test depends on a real OMOP id; one SNOMED descendant and one ICD10CM 'Maps to'
row exercise the expansion.
"""

from __future__ import annotations

import datetime as dt
import itertools

import pandas as pd

from rarebone.screening.rules import load_rules

LOCAL = 2_000_000_000
UNITS = {"mg/L": LOCAL + 900_001, "mg/dL": LOCAL + 900_002, "g/dL": LOCAL + 900_003, "10*9/L": LOCAL + 900_004,
         "mmol/L": LOCAL + 900_005}
GENDERS = {"M": LOCAL + 700_001, "F": LOCAL + 700_002}  # local ids, resolved by vocabulary Gender + code
DESCENDANT = ("SNOMED", "999000001")  # a made-up child of Anemia (271737000)


class Cdm:
    """Builder: add persons and rows, then ``frames()`` for the tables."""

    def __init__(self):
        rules = load_rules()
        codes = {}
        for s in rules.sets.values():
            for c in s.codes:
                codes.setdefault((c.vocabulary, c.code), c.label)
        for lab in rules.labs:
            for code in lab.loinc:
                codes.setdefault(("LOINC", code), lab.id)
        self.ids = {key: LOCAL + i for i, key in enumerate(sorted(codes))}
        self.ids[DESCENDANT] = LOCAL + 800_000
        concept = [{"concept_id": cid, "concept_name": codes.get(key, "child of anemia"), "domain_id": "Condition",
                    "vocabulary_id": key[0], "concept_class_id": "Clinical Finding",
                    "standard_concept": None if key[0] == "ICD10CM" else "S", "concept_code": key[1],
                    "invalid_reason": None} for key, cid in self.ids.items()]
        concept += [{"concept_id": cid, "concept_name": code, "domain_id": "Unit", "vocabulary_id": "UCUM",
                     "concept_class_id": "Unit", "standard_concept": "S", "concept_code": code, "invalid_reason": None}
                    for code, cid in UNITS.items()]
        concept += [{"concept_id": cid, "concept_name": code, "domain_id": "Gender", "vocabulary_id": "Gender",
                     "concept_class_id": "Gender", "standard_concept": "S", "concept_code": code, "invalid_reason": None}
                    for code, cid in GENDERS.items()]
        self.concept = pd.DataFrame(concept).astype({"standard_concept": "string", "invalid_reason": "string"})
        self.ancestor = pd.DataFrame([
            {"ancestor_concept_id": self.ids[("SNOMED", "271737000")], "descendant_concept_id": self.ids[DESCENDANT],
             "min_levels_of_separation": 1, "max_levels_of_separation": 1}])
        self.relationship = pd.DataFrame([
            {"concept_id_1": self.ids[("ICD10CM", "Q78.2")], "concept_id_2": self.ids[("SNOMED", "1926006")],
             "relationship_id": "Maps to", "valid_start_date": dt.date(1970, 1, 1),
             "valid_end_date": dt.date(2099, 12, 31), "invalid_reason": None},
            {"concept_id_1": self.ids[("ICD10CM", "M86.3")], "concept_id_2": self.ids[("SNOMED", "240151005")],
             "relationship_id": "Maps to", "valid_start_date": dt.date(1970, 1, 1),
             "valid_end_date": dt.date(2099, 12, 31), "invalid_reason": None}]).astype({"invalid_reason": "string"})
        self.rows = {name: [] for name in ("person", "visit", "condition", "observation", "measurement",
                                           "procedure", "drug", "note", "note_nlp")}
        self._n = itertools.count(1)

    def cid(self, vocabulary: str, code: str) -> int:
        return self.ids[(vocabulary, code)]

    def add_person(self, person_id: int, birth: dt.date, gender: int = 8507):
        self.rows["person"].append({"person_id": person_id, "gender_concept_id": gender, "year_of_birth": birth.year,
                            "month_of_birth": birth.month, "day_of_birth": birth.day,
                            "birth_datetime": dt.datetime(birth.year, birth.month, birth.day)})
        return birth

    def visit(self, person_id: int, day: dt.date):
        vid = next(self._n)
        self.rows["visit"].append({"visit_occurrence_id": vid, "person_id": person_id, "visit_concept_id": 9202,
                           "visit_start_date": day, "visit_end_date": day, "visit_type_concept_id": 32817})
        return vid

    def condition(self, person_id: int, day: dt.date, code: str, vocabulary: str = "SNOMED"):
        self.rows["condition"].append({"condition_occurrence_id": next(self._n), "person_id": person_id,
                               "condition_concept_id": self.cid(vocabulary, code), "condition_start_date": day,
                               "condition_type_concept_id": 32817})

    def observe(self, person_id: int, day: dt.date, code: str, vocabulary: str = "SNOMED"):
        self.rows["observation"].append({"observation_id": next(self._n), "person_id": person_id,
                                 "observation_concept_id": self.cid(vocabulary, code), "observation_date": day,
                                 "observation_type_concept_id": 32817})

    def lab(self, person_id: int, day: dt.date, loinc: str, value: float, low: float | None, high: float | None,
            unit: str | None = None):
        self.rows["measurement"].append({"measurement_id": next(self._n), "person_id": person_id,
                                 "measurement_concept_id": self.cid("LOINC", loinc), "measurement_date": day,
                                 "measurement_type_concept_id": 32817, "value_as_number": value,
                                 "unit_concept_id": UNITS.get(unit, 0) if unit else 0, "range_low": low,
                                 "range_high": high})

    def procedure(self, person_id: int, day: dt.date, code: str):
        self.rows["procedure"].append({"procedure_occurrence_id": next(self._n), "person_id": person_id,
                               "procedure_concept_id": self.cid("SNOMED", code), "procedure_date": day,
                               "procedure_type_concept_id": 32817})

    def drug(self, person_id: int, day: dt.date, rxcui: str):
        self.rows["drug"].append({"drug_exposure_id": next(self._n), "person_id": person_id,
                          "drug_concept_id": self.cid("RxNorm", rxcui), "drug_exposure_start_date": day,
                          "drug_exposure_end_date": day, "drug_type_concept_id": 32817})

    def note(self, person_id: int, day: dt.date, terms: list[dict]) -> int:
        """A NOTE and its NOTE_NLP terms: dicts with text (lexical_variant), code (SNOMED; None = unmapped, 0),
        exists/temporal/modifiers (term_exists, term_temporal, term_modifiers), source_only (the code only in
        note_nlp_source_concept_id, note_nlp_concept_id 0)."""
        nid = next(self._n)
        self.rows["note"].append({"note_id": nid, "person_id": person_id, "note_date": day,
                                  "note_type_concept_id": 32817, "note_class_concept_id": 0,
                                  "note_text": "report", "encoding_concept_id": 0, "language_concept_id": 0})
        for t in terms:
            cid = self.cid("SNOMED", t["code"]) if t.get("code") else 0
            self.rows["note_nlp"].append({
                "note_nlp_id": next(self._n), "note_id": nid, "lexical_variant": t["text"],
                "note_nlp_concept_id": 0 if t.get("source_only") else cid, "note_nlp_source_concept_id": cid,
                "nlp_date": day, "term_exists": t.get("exists", "Y"), "term_temporal": t.get("temporal", "present"),
                "term_modifiers": t.get("modifiers")})
        return nid

    def frames(self) -> dict[str, pd.DataFrame]:
        def frame(rows, columns):
            df = pd.DataFrame(rows, columns=columns)
            for c in df.columns:
                if c.endswith("_date"):
                    df[c] = pd.to_datetime(df[c]).dt.date.astype("date32[pyarrow]")
                elif c.endswith("_id") or c in ("year_of_birth", "month_of_birth", "day_of_birth"):
                    df[c] = df[c].astype("int64")
                elif c in ("value_as_number", "range_low", "range_high"):
                    df[c] = df[c].astype("float64")
            return df

        return {
            "person": frame(self.rows["person"], ["person_id", "gender_concept_id", "year_of_birth", "month_of_birth",
                                          "day_of_birth", "birth_datetime"]),
            "visit_occurrence": frame(self.rows["visit"], ["visit_occurrence_id", "person_id", "visit_concept_id",
                                                   "visit_start_date", "visit_end_date", "visit_type_concept_id"]),
            "condition_occurrence": frame(self.rows["condition"], ["condition_occurrence_id", "person_id",
                                                           "condition_concept_id", "condition_start_date",
                                                           "condition_type_concept_id"]),
            "observation": frame(self.rows["observation"], ["observation_id", "person_id", "observation_concept_id",
                                                    "observation_date", "observation_type_concept_id"]),
            "measurement": frame(self.rows["measurement"], ["measurement_id", "person_id", "measurement_concept_id",
                                                    "measurement_date", "measurement_type_concept_id",
                                                    "value_as_number", "unit_concept_id", "range_low", "range_high"]),
            "procedure_occurrence": frame(self.rows["procedure"], ["procedure_occurrence_id", "person_id",
                                                           "procedure_concept_id", "procedure_date",
                                                           "procedure_type_concept_id"]),
            "drug_exposure": frame(self.rows["drug"], ["drug_exposure_id", "person_id", "drug_concept_id",
                                               "drug_exposure_start_date", "drug_exposure_end_date",
                                               "drug_type_concept_id"]),
            "note": frame(self.rows["note"], ["note_id", "person_id", "note_date", "note_type_concept_id",
                                              "note_class_concept_id", "note_text", "encoding_concept_id",
                                              "language_concept_id"]).astype({"note_text": "string"}),
            "note_nlp": frame(self.rows["note_nlp"], ["note_nlp_id", "note_id", "lexical_variant", "note_nlp_concept_id",
                                                      "note_nlp_source_concept_id", "nlp_date", "term_exists",
                                                      "term_temporal", "term_modifiers"]).astype(
                {"lexical_variant": "string", "term_exists": "string", "term_temporal": "string",
                 "term_modifiers": "string"}),
            "concept": self.concept.copy(),
            "concept_ancestor": self.ancestor.copy(),
            "concept_relationship": self.relationship.copy(),
        }


def to_duckdb(frames: dict, path) -> str:
    import duckdb

    con = duckdb.connect(str(path))
    for name, df in frames.items():
        con.register("frame", df)
        con.execute(f"CREATE TABLE {name} AS SELECT * FROM frame")
        con.unregister("frame")
    con.close()
    return f"duckdb://{path}"

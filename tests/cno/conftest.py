import copy
import json
from pathlib import Path

from rarebone.intake import read_phenopacket_dict

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "cno"


# kb and onto: the session fixtures of tests/conftest.py


def example(name: str) -> dict:
    return json.loads((EXAMPLES / name).read_text())


def patient_from(doc: dict):
    return read_phenopacket_dict(copy.deepcopy(doc), source="test.json").patient


def minimal(features=(), measurements=(), cno=None) -> dict:
    doc = {"id": "t", "subject": {"id": "t"}, "metaData": example("leukaemia-pointer.json")["metaData"],
           "phenotypicFeatures": [{"type": {"id": i, "label": label}, **({"excluded": True} if ex else {})} for i, label, ex in features],
           "measurements": list(measurements)}
    if cno is not None:
        doc["rareboneExtensions"] = {"cno": cno}
    return doc


def crp(value_mg_per_l: float) -> dict:
    return {"assay": {"id": "LOINC:1988-5", "label": "CRP"}, "value": {"quantity": {"unit": {"id": "UCUM:mg/L", "label": "mg/L"}, "value": value_mg_per_l}},
            "timeObserved": {"timestamp": "2026-01-01T00:00:00Z"}}

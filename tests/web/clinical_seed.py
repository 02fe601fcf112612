"""Registry records for the transplant/CNO/cohort page tests (synthetic children, written by these tests)."""

from __future__ import annotations

import datetime as dt

TODAY = dt.date.today()
TX_DATE = TODAY - dt.timedelta(days=40)


def transplant_child(key: str = "WEB-TX-1", *, weight: float | None = 8.0, height: float = 70.0,
                     birth: dt.date | None = None, notes: str | None = None) -> dict:
    birth = birth or TODAY - dt.timedelta(days=300)
    measurements = [{"assay_id": "LOINC:8302-2", "analyte": "height", "value": height, "unit": "cm", "age_days": None,
                     "measured_on": TODAY - dt.timedelta(days=50)}]
    if weight is not None:
        measurements.append({"assay_id": "LOINC:29463-7", "analyte": "weight", "value": weight, "unit": "kg",
                             "age_days": None, "measured_on": TODAY - dt.timedelta(days=50)})
    patient = {"patient_key": key, "synthetic": True, "sex": "female", "birth_date": birth, "diagnosis": "MIOP",
               "gene": "TCIRG1", "genotype": "homozygous", "vital_status": "alive", "last_contact_date": TODAY}
    if notes:
        patient["notes"] = notes
    return {"patient": patient,
            "phenotypes": [{"hpo_id": "HP:0011001", "label": "Increased bone mineral density"}],
            "measurements": measurements,
            "transplants": [{"number": 1, "transplant_date": TX_DATE, "donor_relation": "father",
                             "donor_type": "haploidentical", "hla_matched": 5, "hla_total": 10}]}


def cno_child(key: str = "WEB-CNO-1", weight: float | None = 30.0) -> dict:
    birth = TODAY - dt.timedelta(days=10 * 365)
    ms = []
    if weight is not None:
        ms.append({"assay_id": "LOINC:29463-7", "analyte": "weight", "value": weight, "unit": "kg", "age_days": None,
                   "measured_on": TODAY - dt.timedelta(days=10)})
    return {"patient": {"patient_key": key, "synthetic": True, "sex": "male", "birth_date": birth, "diagnosis": "CNO",
                        "vital_status": "alive", "last_contact_date": TODAY},
            "phenotypes": [{"hpo_id": "HP:0002754", "label": "Osteomyelitis"}], "measurements": ms}


def seed(app_or_engine, *records) -> None:
    from sqlalchemy.orm import Session

    from rarebone.registry.store import upsert

    engine = getattr(getattr(getattr(app_or_engine, "state", None), "workbench", None), "engine", app_or_engine)
    with Session(engine) as db, db.begin():
        for r in records:
            upsert(db, r, source="test seed", who="test@seed")

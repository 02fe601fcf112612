"""The cohort as one pandas DataFrame (one row per patient, first transplant), for the analytics.

Column names are the data-dictionary names (``sex``, ``transplant.donor_relation``), plus
``complication.<kind>`` (day of first occurrence, NaN if never). Nothing here is clinical judgement.
"""

from __future__ import annotations


def cohort_frame(engine):
    import pandas as pd
    from sqlalchemy import select

    from rarebone.registry import dictionary as dd
    from rarebone.registry import models as m

    p, t = m.PatientRow.__table__, m.TransplantRow.__table__
    patient_cols = [p.c[name].label(name) for name in dd.PATIENT_FIELDS if name != "notes"]
    transplant_cols = [t.c[name].label(f"transplant.{name}") for name in dd.TRANSPLANT_FIELDS]
    stmt = (select(p.c.id.label("_id"), *patient_cols, *transplant_cols)
            .select_from(p.outerjoin(t, (t.c.patient_id == p.c.id) & (t.c.number == 1)))
            .order_by(p.c.id))
    c = m.ComplicationRow.__table__
    from rarebone.registry.db import reader

    with reader(engine).connect() as connection:
        frame = pd.read_sql(stmt, connection)
        comp = pd.read_sql(select(c.c.patient_id, c.c.kind, c.c.day), connection)
    if len(comp):
        first = comp.groupby(["patient_id", "kind"])["day"].min().unstack()
        first.columns = [f"complication.{k}" for k in first.columns]
        # A complication recorded without a day still counts as present (day unknown -> -1 marker avoided: NaN + flag)
        present = comp.groupby(["patient_id", "kind"]).size().unstack().notna()
        present.columns = [f"has.{k}" for k in present.columns]
        frame = frame.join(first, on="_id").join(present, on="_id")
        for col in present.columns:
            frame[col] = frame[col].eq(True)
    frame = frame.drop(columns=["_id"])
    for col in ("synthetic", "transplant.abo_matched"):
        if col in frame:
            frame[col] = frame[col].map(lambda v: None if v is None or v != v else bool(v))
    return frame

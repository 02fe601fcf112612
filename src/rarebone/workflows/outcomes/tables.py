"""Table 1 (patient characteristics) and Table 2 (transplant, engraftment, GVHD, outcome) in the paper's style."""

from __future__ import annotations

from rarebone.workflows.outcomes.contract import Table, TableRow


# display names of the registry's complication kinds (words only; no clinical numbers)
COMPLICATION_NAMES = {"aiha": "autoimmune haemolytic anaemia", "vod": "VOD/SOS", "cmv": "CMV infection or reactivation",
                      "ebv": "EBV infection or reactivation", "bacterial": "bacterial infection",
                      "haemorrhagic_cystitis": "haemorrhagic cystitis", "hypercalcaemia": "hypercalcaemia"}


def _numeric(tables, frame, column, label, by, spread):
    shown = "median (range)" if spread == "range" else "median (IQR)"
    return tables.numeric(frame, column, f"{label}, {shown}", by, spread=spread)


def table1(frame, by, tables, spread="range") -> Table:
    rows = []
    rows += tables.categorical(frame, "sex", "Sex", by)
    rows += tables.categorical(frame, "diagnosis", "Diagnosis", by)
    rows += tables.categorical(frame, "gene", "Gene", by)
    rows.append(_numeric(tables, frame, "age_at_onset_months", "Age at onset, months", by, spread))
    rows.append(_numeric(tables, frame, "age_at_transplant_months", "Age at transplant, months", by, spread))
    return _table("table1", "Table 1. Patient characteristics", by, frame, rows)


def table2(frame, by, tables, spread="range") -> Table:
    tx = frame[frame["transplant.followup_days"].notna() | frame["transplant.donor_relation"].notna()]
    rows = []
    rows += tables.categorical(tx, "transplant.donor_relation", "Donor", by)
    rows += tables.categorical(tx, "transplant.hla", "HLA match", by)
    rows += tables.categorical(tx, "transplant.abo_matched", "ABO matched", by)
    rows += tables.categorical(tx, "transplant.conditioning", "Conditioning", by)
    rows.append(_numeric(tables, tx, "transplant.mnc_10e8_per_kg", "MNC x10^8/kg", by, spread))
    rows.append(_numeric(tables, tx, "transplant.cd34_10e6_per_kg", "CD34+ x10^6/kg", by, spread))
    rows.append(_numeric(tables, tx, "transplant.neutrophil_engraftment_day", "Neutrophil engraftment, day", by, spread))
    rows.append(_numeric(tables, tx, "transplant.platelet_engraftment_day", "Platelet engraftment, day", by, spread))
    rows += tables.categorical(tx, "transplant.graft_failure", "Graft failure", by)
    rows += tables.categorical(tx, "transplant.agvhd_grade", "Acute GVHD grade (MAGIC)", by)
    rows += tables.categorical(tx, "transplant.cgvhd", "Chronic GVHD", by)
    for col in sorted(c for c in tx.columns if c.startswith("has.")):
        kind = col.removeprefix("has.")
        label = f"Complication: {COMPLICATION_NAMES.get(kind, kind.replace('_', ' '))}"
        rows += [r for r in tables.categorical(tx, col, label, by, levels=["yes", "no"]) if r.level in (None, "yes")]
    rows += tables.categorical(tx, "vital_status", "Vital status", by)
    rows += tables.categorical(tx[tx["vital_status"] == "dead"], "cause_of_death", "Cause of death (of deaths)", by)
    return _table("table2", "Table 2. Transplant, engraftment, GVHD and outcome", by, tx, rows)


def _table(name, title, by, frame, rows) -> Table:
    groups = sorted({g for r in rows for g in r.groups})
    return Table(name=name, title=title, by=by, groups=groups, rows=[
        TableRow(label=r.label, level=r.level, overall=r.overall, groups=r.groups, p_value=r.p_value, test=r.test)
        for r in rows])

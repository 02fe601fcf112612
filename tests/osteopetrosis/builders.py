"""Small builders for rule tests: a Patient from HPO ids and variants, no file needed."""

from __future__ import annotations

from rarebone.patient import AllelicState, Donor, Feature, Patient, TimePoint, Variant


def child(present=(), excluded=(), variants=(), donors=(), age_days=90.0, neonatal=()):
    features = [Feature(hpo_id=t, label=t) for t in present]
    features += [Feature(hpo_id=t, label=t, excluded=True) for t in excluded]
    features += [Feature(hpo_id=t, label=t, onset=TimePoint(onset_term="HP:0003623")) for t in neonatal]
    return Patient(patient_id="test", source="test", age_days=age_days, features=tuple(features),
                   variants=tuple(variants), donors=tuple(donors))


def variant(gene, state="homozygous", ident="v1"):
    return Variant(gene_symbol=gene, hgnc_id=None, allelic_state=AllelicState(state), interpretation_status="causative",
                   variant_id=ident)


def donor(ident, relation, hla=None, **kw):
    matched, total = (int(x) for x in hla.split("/")) if hla else (None, None)
    return Donor(donor_id=ident, relation=relation, hla_matched=matched, hla_total=total, **kw)

"""Concept sets -> the site's concept ids, resolved where the vocabulary lives.

By vocabulary_id + concept_code in CONCEPT; a non-standard code follows CONCEPT_RELATIONSHIP 'Maps to'; a code
marked ``descendants`` adds every descendant in CONCEPT_ANCESTOR. The result is small (thousands of rows) and
comes back as a pandas frame, with a per-code report of what the site's vocabulary lacks.
"""

from __future__ import annotations

from dataclasses import dataclass

from rarebone.errors import InputError


@dataclass
class Resolution:
    set_concepts: object  # pandas: set_id, concept_id
    lab_concepts: object  # pandas: rule_id, set_id, concept_id
    unit_factors: object  # pandas: rule_id, unit_concept_id, factor
    code_report: object  # pandas: set_id, vocabulary_id, concept_code, certainty, found, standard_ids, concepts
    # pandas: rule_id, set_id, concept_id, unit_concept_id, factor, direction, band, age_from, age_to, sex, limit:
    # one row per published limit band a range-less row of a range-read rule is compared with (fallback_bands)
    fallback: object = None
    genders: object = None  # pandas: gender_concept_id, sex ("male"/"female"), from the Gender vocabulary


def _code_rows(rules) -> list[dict]:
    rows = []
    for s in rules.sets.values():
        for c in s.codes:
            rows.append({"set_id": s.id, "rule_id": "", "vocabulary_id": c.vocabulary, "concept_code": c.code,
                         "descendants": c.descendants, "certainty": c.certainty})
    for lab in rules.labs:
        for code in lab.loinc:
            rows.append({"set_id": lab.set_id, "rule_id": lab.id, "vocabulary_id": "LOINC", "concept_code": code,
                         "descendants": False, "certainty": "verified"})
    return rows


def resolve(cdm, rules) -> Resolution:
    import ibis
    import pandas as pd

    codes = pd.DataFrame(_code_rows(rules))
    concept = cdm.table("concept")
    wanted = ibis.memtable(codes[["vocabulary_id", "concept_code"]].drop_duplicates())
    found = (concept.select("concept_id", "vocabulary_id", "concept_code", standard_concept=concept.standard_concept.cast("string"))
             .semi_join(wanted, ["vocabulary_id", "concept_code"])).to_pandas()
    found["concept_id"] = found["concept_id"].astype("int64")
    mapped = pd.DataFrame({"concept_id": pd.Series(dtype="int64"), "standard_id": pd.Series(dtype="int64")})
    nonstandard = found[found.standard_concept.fillna("") != "S"].concept_id.tolist()
    if nonstandard and cdm.has("concept_relationship"):
        rel = cdm.table("concept_relationship")
        cond = rel.concept_id_1.isin(nonstandard) & (rel.relationship_id == "Maps to")
        if "invalid_reason" in rel.columns:
            reason = rel.invalid_reason.cast("string")
            cond &= reason.isnull() | (reason == "")
        mapped = rel.filter(cond).select(concept_id="concept_id_1", standard_id="concept_id_2").to_pandas()
    # A standard code stands for itself; a non-standard one for its 'Maps to' targets (and itself, for sites
    # that store source codes in the *_concept_id columns).
    pairs = pd.concat([found[["concept_id"]].assign(standard_id=found.concept_id), mapped]).astype("int64").drop_duplicates()
    roots = codes.merge(found[["vocabulary_id", "concept_code", "concept_id"]], on=["vocabulary_id", "concept_code"])
    roots = roots.merge(pairs, on="concept_id")
    expand_ids = roots[roots.descendants].standard_id.drop_duplicates().tolist()
    desc = pd.DataFrame({"standard_id": pd.Series(dtype="int64"), "member_id": pd.Series(dtype="int64")})
    if expand_ids:
        anc = cdm.table("concept_ancestor")
        desc = (anc.filter(anc.ancestor_concept_id.isin(expand_ids))
                .select(standard_id="ancestor_concept_id", member_id="descendant_concept_id").to_pandas().astype("int64"))
    members = pd.concat([
        roots.assign(member_id=roots.standard_id),
        roots[roots.concept_id != roots.standard_id].assign(member_id=roots.concept_id),
        roots[roots.descendants].merge(desc, on="standard_id"),
    ])[["set_id", "rule_id", "vocabulary_id", "concept_code", "member_id"]]
    set_concepts = (members[members.rule_id == ""][["set_id", "member_id"]].drop_duplicates()
                    .rename(columns={"member_id": "concept_id"}).sort_values(["set_id", "concept_id"]))
    lab_concepts = (members[members.rule_id != ""][["rule_id", "set_id", "member_id"]].drop_duplicates()
                    .rename(columns={"member_id": "concept_id"}).sort_values(["rule_id", "concept_id"]))
    per_code = members.groupby(["set_id", "rule_id", "vocabulary_id", "concept_code"]).member_id.nunique().rename("concepts")
    report = codes.merge(per_code.reset_index(), how="left", on=["set_id", "rule_id", "vocabulary_id", "concept_code"])
    report["concepts"] = report.concepts.fillna(0).astype("int64")
    report["found"] = report.concepts > 0
    lab_concepts = lab_concepts.reset_index(drop=True)
    unit_factors = _unit_factors(cdm, rules)
    return Resolution(set_concepts=set_concepts.reset_index(drop=True), lab_concepts=lab_concepts,
                      unit_factors=unit_factors, code_report=report,
                      fallback=fallback_bands(rules, lab_concepts, unit_factors), genders=gender_concepts(cdm))


def _unit_factors(cdm, rules):
    import pandas as pd

    # threshold rules, and range-read rules with published fallback limits: both compare a number in the
    # canonical unit
    threshold_rules = [lab for lab in rules.labs if lab.threshold is not None or lab.fallback]
    empty = pd.DataFrame({"rule_id": pd.Series(dtype="str"), "unit_concept_id": pd.Series(dtype="int64"),
                          "factor": pd.Series(dtype="float64")})
    if not threshold_rules:
        return empty
    concept = cdm.table("concept")
    units = concept.filter(concept.vocabulary_id == "UCUM").select("concept_id", "concept_code").to_pandas()
    rows = []
    for lab in threshold_rules:
        for cid, code in zip(units.concept_id, units.concept_code):
            ucum = rules.unit_aliases.get(str(code), str(code))
            factor = 1.0 if ucum == lab.canonical_unit else lab.to_canonical.get(ucum)
            if factor is not None:
                rows.append({"rule_id": lab.id, "unit_concept_id": int(cid), "factor": float(factor)})
    return pd.DataFrame(rows).astype({"unit_concept_id": "int64"}) if rows else empty


def require_families(resolution, rules, label: str) -> list[str]:
    """Error when a family has no scored finding the vocabulary knows; warnings for sets it lacks."""
    resolved = set(resolution.set_concepts.set_id) | set(resolution.lab_concepts.set_id)
    warnings = []
    for family in rules.families:
        scored = [s for item in family.scored for s in item.sets]
        if not any(s in resolved for s in scored):
            example = next((c for s in scored for c in rules.sets[s].codes), None)
            hint = f" (e.g. {example.vocabulary} {example.code})" if example else ""
            raise InputError(f"vocabulary has none of the codes the {family.family} screen needs{hint}",
                             source=label, path="concept.concept_code")
        for s in dict.fromkeys(scored + list(family.diagnosis_sets)):
            if s not in resolved:
                warnings.append(f"{family.family}: {s} has no concept in this vocabulary (not screened)")
    return warnings


GENDER_CODES = {"M": "male", "F": "female"}  # OMOP Gender vocabulary concept_code -> the limits' sex
_NO_UPPER_AGE = 1e12  # days; a finite stand-in for "no upper bound" that every engine's float type holds


def gender_concepts(cdm):
    """person.gender_concept_id -> "male"/"female", resolved from the site's Gender vocabulary (codes M and F),
    for the sex-specific published laboratory limits; other genders match only the limits for any sex."""
    import pandas as pd

    concept = cdm.table("concept")
    rows = (concept.filter((concept.vocabulary_id == "Gender") & concept.concept_code.isin(list(GENDER_CODES)))
            .select("concept_id", "concept_code").to_pandas())
    return pd.DataFrame({"gender_concept_id": rows.concept_id.astype("int64"),
                         "sex": rows.concept_code.map(GENDER_CODES).astype("str")})


def fallback_bands(rules, lab_concepts, unit_factors):
    """One row per (rule, concept, convertible unit, published limit band) for the range-read rules that have
    published fallback limits: the rows the engine and the pandas reference compare a range-less value with."""
    import pandas as pd

    bands = [{"rule_id": r.id, "direction": r.direction, "band": b.id, "age_from": float(b.age_from_days),
              "age_to": float(b.age_to_days) if b.age_to_days is not None else _NO_UPPER_AGE, "sex": b.sex,
              "limit": float(b.limit)} for r in rules.labs if r.threshold is None for b in r.fallback]
    columns = ["rule_id", "set_id", "concept_id", "unit_concept_id", "factor", "direction", "band", "age_from",
               "age_to", "sex", "limit"]
    if not bands:
        return pd.DataFrame(columns=columns)
    out = lab_concepts.merge(pd.DataFrame(bands), on="rule_id").merge(unit_factors, on="rule_id")
    return out[columns].astype({"concept_id": "int64", "unit_concept_id": "int64"}).reset_index(drop=True)

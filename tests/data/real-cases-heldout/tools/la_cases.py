# Held-out look-alike cases (transcribed by hand; see build_heldout.py).  Only what the cited text states.
ALL = ("MONDO:0004967", "acute lymphoblastic leukemia")
LCH = ("ORPHA:389", "Langerhans cell histiocytosis")
EWING = ("OMIM:612219", "Ewing sarcoma")
NBL = ("ORPHA:635", "Neuroblastoma")
SCURVY = ("MONDO:0009412", "scurvy")
HPP_CHILD = ("OMIM:241510", "Hypophosphatasia, childhood")
HPP_INF = ("OMIM:241500", "Hypophosphatasia, infantile")
PYCNO = ("OMIM:265800", "Pycnodysostosis")
CED = ("OMIM:131300", "Camurati-Engelmann disease")
SCLEROSTEOSIS = ("OMIM:269500", "Sclerosteosis 1")
VANBUCHEM = ("OMIM:239100", "Van Buchem disease")
CAFFEY = ("OMIM:114000", "Caffey disease")
DYSOSTEO = ("ORPHA:1782", "Dysosteosclerosis")
NO_ID = ("", "")

case(category="lookalike", id="la-cripe2016-p1", subject="12-year-old boy", sex="MALE", age="P12Y",
     subgroup="bacterial-osteomyelitis", disease=NO_ID,
     ref=doi("10.1155/2016/8252318", "A Rare Case of Clavicle Osteomyelitis in a Child and Literature Review"),
     cite="[authors not captured in the text read]. A Rare Case of Clavicle Osteomyelitis in a Child and Literature Review. Case Rep Pediatr 2016;2016:8252318",
     who="the single case (12-year-old boy)",
     unfilled="abstract read; authors not captured; no laboratory values; no verified ontology id for acute bacterial osteomyelitis available offline, so disease_id and `diseases` are empty (subgroup names it)",
     features=[
         f("HP:0002653", "Bone pain", note="acute pain in the right clavicle"),
         f("HP:0001945", "Fever", note="high fever for 4 days"),
         f("HP:0002754", "Osteomyelitis", note="acute clavicle osteomyelitis; MRI abnormal signal in the right clavicle"),
         f("HP:6000588", "Periosteal elevation", note="MRI: periosteal reaction"),
         f("HP:0031864", "Bacteremia", note="Staphylococcus aureus isolated from blood"),
     ])

case(category="lookalike", id="la-liuzzoscorpo2021-p1", subject="3-year-old girl", sex="FEMALE", age="P3Y",
     subgroup="scurvy", disease=SCURVY,
     ref=doi("10.12659/AJCR.930583", "Scurvy as an Alarm Bell of Autistic Spectrum Disorder in the First World: A Case Report of a 3-Year-Old Girl"),
     cite="Liuzzo Scorpo M, Corsello G, Maggio MC. Scurvy as an Alarm Bell of Autistic Spectrum Disorder in the First World: A Case Report of a 3-Year-Old Girl. Am J Case Rep 2021;22:e930583",
     who="the single case (3-year-old girl)",
     unfilled="abstract read; no laboratory values; radiographic findings not described in the abstract; MONDO id for scurvy as used by the development set",
     features=[
         f("HP:0002540", "Inability to walk", note="refused to walk and to stand"),
         f("HP:0000967", "Petechiae"),
         f("HP:0007502", "Follicular hyperkeratosis", note="on the limbs"),
         f("HP:0000225", "Gingival bleeding", note="bleeding gums"),
         f("HP:0000729", "Autistic behavior", note="suspected autism spectrum disorder (absent eye contact, solitary play, stereotypies)"),
     ])

case(category="lookalike", id="la-lim2018-p1", subject="9-year-old boy", sex="MALE", age="P9Y",
     subgroup="scurvy", disease=SCURVY,
     ref=doi("10.14740/ijcp321", "Scurvy: A Case Report on a Child With Autism"),
     cite="Lim PP, Juanna B. Scurvy: A Case Report on a Child With Autism. Int J Clin Pediatr 2018;7(4):59-62",
     who="the single case (9-year-old boy with autism)",
     unfilled="abstract read; no PMID captured; no laboratory or radiographic values; 'suspicion of a hematological malignancy' not mapped",
     features=[
         f("HP:0000729", "Autistic behavior", note="underlying autism"),
         f("HP:0000212", "Gingival overgrowth", note="gingival swelling"),
         f("HP:0001945", "Fever"),
         f("HP:0002540", "Inability to walk", note="refusal to walk"),
     ])

HPP_ODONTO = ("OMIM:146300", "Hypophosphatasia, adult")
case(category="lookalike", id="la-mao2019-p1", subject="Patient 1", sex="MALE", age="P3M",
     subgroup="hypophosphatasia", disease=HPP_INF,
     gene={"symbol": "ALPL", "variants": [("c.359G>C p.G120A", "hom")]},
     ref=pmid(31760938, "Two novel mutations in the ALPL gene of unrelated Chinese children with Hypophosphatasia: case reports and literature review"),
     also=["DOI:10.1186/s12887-019-1800-4"],
     cite="Mao X, Liu S, Lin Y, Chen Z, Shao Y, Yu Q, Liu H, Lu Z, Sheng H, Lu X, Huang Y, Liu L, Zeng C. Two novel mutations in the ALPL gene of unrelated Chinese children with Hypophosphatasia: case reports and literature review. BMC Pediatr 2019;19:456",
     who="patient 1 (lethal infantile form; died at 3 months)",
     unfilled="abstract read; numeric ALP not given ('nearly negligible'); age at last encounter = age at death",
     features=[
         f("HP:0002098", "Respiratory distress", onset="P1D", note="respiratory distress and pneumonia at first day of life"),
         f("HP:0002090", "Pneumonia", onset="P1D"),
         f("HP:0003282", "Decreased circulating alkaline phosphatase activity", note="nearly negligible serum ALP activity"),
         f("HP:0004349", "Reduced bone mineral density", note="overall skeletal hypomineralization"),
     ])

case(category="lookalike", id="la-mao2019-p2", subject="Patient 2",
     subgroup="hypophosphatasia", disease=HPP_CHILD,
     ref=pmid(31760938, "Two novel mutations in the ALPL gene of unrelated Chinese children with Hypophosphatasia: case reports and literature review"),
     also=["DOI:10.1186/s12887-019-1800-4"],
     cite="Mao X, Liu S, Lin Y, et al. BMC Pediatr 2019;19:456 (see la-mao2019-p1)",
     who="patient 2 (childhood form)",
     unfilled="abstract read; sex and age not captured; compound heterozygous ALPL genotype stated but the two variants of patient 2 not named in the abstract, so no interpretation; no numeric values",
     features=[
         f("HP:0006323", "Premature loss of primary teeth", note="premature loss of deciduous teeth"),
         f("HP:0001324", "Muscle weakness"),
         f("HP:0002653", "Bone pain"),
         f("HP:0003282", "Decreased circulating alkaline phosphatase activity", note="decreased serum ALP activity"),
     ])

case(category="lookalike", id="la-babb2008-p1", subject="4-year-old girl", sex="FEMALE", age="P4Y",
     subgroup="camurati-engelmann", disease=CED,
     ref=pmid(18566872, "Orthopaedic Radiology Pathology Conference: Bilateral Leg Pain in a 4-year-old Girl"),
     also=["DOI:10.1007/s11999-008-0350-0"],
     cite="Babb A, Carlson WO. Orthopaedic Radiology Pathology Conference: Bilateral Leg Pain in a 4-year-old Girl. Clin Orthop Relat Res 2009;467(1):317-321",
     who="the single case (4-year-old girl)",
     unfilled="history, examination and imaging sections read; final diagnosis (Camurati-Engelmann disease) is the conference's answer, not read in the stored excerpt; no genotype; no numeric laboratory values (all stated normal)",
     features=[
         f("HP:0003202", "Skeletal muscle atrophy", note="progressive muscle wasting"),
         f("HP:0012514", "Lower limb pain", mods=[BILATERAL], note="bilateral pain of the lower extremities over one year"),
         f("HP:0002515", "Waddling gait"),
         f("HP:0012378", "Fatigue", note="tendency to fatigue easily"),
         f("HP:0002857", "Genu valgum", mods=[BILATERAL], note="valgus deformity of both knees"),
         f("HP:0003565", "Elevated erythrocyte sedimentation rate", excluded=True, note="ESR within normal limits"),
         f("HP:0003155", "Elevated circulating alkaline phosphatase concentration", excluded=True, note="alkaline phosphatase within normal limits"),
         f("HP:0006440", "Increased density of long bone diaphyses", note="widening and increased density of the shafts of the femurs, tibias and fibulas"),
     ])

case(category="lookalike", id="la-jpob2003-p1", subject="3-year-old boy", sex="MALE", age="P3Y",
     subgroup="leukaemia", disease=ALL,
     ref=pmid(12821849, "An unusual orthopaedic presentation of acute lymphoblastic leukemia"),
     also=["DOI:10.1097/01.bpb.0000049580.53117.2c"],
     cite="[authors not captured in the text read]. An unusual orthopaedic presentation of acute lymphoblastic leukemia. J Pediatr Orthop B 2003;12(4):292-294",
     who="the single case (3-year-old boy of Romanian origin)",
     unfilled="PubMed abstract read; authors not captured; no numeric blood values ('normal leukocyte count')",
     features=[
         f("HP:0002540", "Inability to walk", note="inability to weight bear"),
         f("HP:0001945", "Fever", note="pyrexia, spiking temperature"),
         f("HP:0033037", "Migratory arthritis", note="fleeting joint arthritis"),
         f("HP:0004979", "Metaphyseal sclerosis", mods=[BILATERAL], note="symmetrical metaphyseal sclerosis in the long bones (femur, fibula, humerus)"),
         f("HP:0011893", "Abnormal leukocyte count", excluded=True, note="normal leukocyte count, but blast cells on the smear"),
     ])

SLC_DOS = ("OMIM:224300", "Dysosteosclerosis")
case(category="lookalike", id="la-alkaya2021-p1", subject="three-year-old girl", sex="FEMALE", age="P5Y6M",
     subgroup="dysosteosclerosis", disease=SLC_DOS,
     gene={"symbol": "SLC29A3", "variants": [("c.303_320dupCTACTTTGAGAGCTACCT", "hom")]},
     ref=doi("10.1002/ajmg.a.62198", "Resolution of sclerotic lesions of dysosteosclerosis due to biallelic SLC29A3 variant in a Turkish girl"),
     cite="Alkaya DU, Akpinar E, Bilguvar K, Tuysuz B. Resolution of sclerotic lesions of dysosteosclerosis due to biallelic SLC29A3 variant in a Turkish girl. Am J Med Genet A 2021",
     who="the single case (three-year-old girl, followed 2.5 years)",
     unfilled="abstract read; 'biallelic' taken as homozygous (one variant named); age at last encounter computed as 3 years + 2.5-year follow-up; PMID not captured",
     features=[
         f("HP:0000260", "Wide anterior fontanel", note="large anterior fontanelle"),
         f("HP:0002757", "Recurrent fractures", note="fracture history"),
         f("HP:0004322", "Short stature"),
         f("HP:0012385", "Camptodactyly"),
         f("HP:0002987", "Elbow flexion contracture", note="elbow contracture"),
         f("HP:0000995", "Melanocytic nevus"),
         f("HP:0000926", "Platyspondyly"),
         f("HP:0004618", "Sandwich appearance of vertebral bodies", note="dense vertebral endplates; resolved over 2.5 years"),
         f("HP:0004979", "Metaphyseal sclerosis", note="sclerosis of metaphysis and diaphysis of the long bones"),
         f("HP:0003016", "Metaphyseal widening"),
         f("HP:0005791", "Cortical thickening of long bone diaphyses", note="diaphyseal cortical thickening"),
         f("HP:0002694", "Sclerosis of skull base", note="mild sclerosis"),
     ])

case(category="lookalike", id="la-jnscaselessons2023-p1", subject="3-year-old boy", sex="MALE", age="P3Y",
     subgroup="LCH", disease=LCH,
     ref=pmid(37728298, "Spontaneous remission of skull Langerhans cell histiocytosis that had developed by repeated head injury: illustrative case"),
     also=["DOI:10.3171/CASE2327"],
     cite="[authors not captured in the text read]. Spontaneous remission of skull Langerhans cell histiocytosis that had developed by repeated head injury: illustrative case. J Neurosurg Case Lessons 2023;6(8):CASE2327",
     who="the single case (3-year-old boy)",
     unfilled="PubMed abstract read; no laboratory values; skull radiography initially normal (not mapped as excluded because the lesion appeared later)",
     features=[
         f("HP:0001362", "Calvarial skull defect", mods=[RIGHT], note="frontal bony tumorous lesion on MRI, after repeated head injury"),
         f("HP:0001482", "Subcutaneous nodule", note="multiple subcutaneous cystic mass lesions; right frontal swelling enlarging over days"),
     ])

case(category="lookalike", id="la-actamedacad2022-p1", subject="3-year-old girl", sex="FEMALE", age="P3Y",
     subgroup="LCH", disease=LCH,
     ref=doi("10.5644/ama2006-124.351", "Langerhans Cell Histiocytosis in a Three-Year-Old Girl in Bosnia and Herzegovina"),
     cite="[authors not captured in the text read]. Langerhans Cell Histiocytosis in a Three-Year-Old Girl in Bosnia and Herzegovina. Acta Med Acad (ama.ba)",
     who="the single case (3-year-old girl)",
     unfilled="journal abstract read; year and authors not captured (the '2022' in the id is not checked); PMID not captured; no laboratory values",
     features=[
         f("HP:0001959", "Polydipsia", note="drinking a large amount of water for ten days"),
         f("HP:0000103", "Polyuria", note="frequent urination"),
         f("HP:0001051", "Seborrheic dermatitis", note="scalp dermatitis treated for a year without success"),
         f("HP:0040186", "Maculopapular exanthema", note="scalp, neck and both ear shells"),
         f("HP:0000520", "Proptosis", mods=[RIGHT], note="exophthalmos of the right eye"),
         f("HP:0100539", "Periorbital edema"),
         f("HP:0002797", "Osteolysis", note="extensive lesions of the skull bones and similar lesions in other bones"),
     ])

case(category="lookalike", id="la-archpediatr2011-p1", subject="patient",
     subgroup="ewing", disease=EWING,
     ref=doi("10.1001/archpediatrics.2011.50-b", "Picture of the Month-Diagnosis: Ewing Sarcoma"),
     cite="[authors not captured in the text read]. Picture of the Month—Diagnosis (Denouement and Discussion: Ewing Sarcoma). Arch Pediatr Adolesc Med 2011;165(5):465-466",
     who="the single case of the Picture of the Month (paediatric patient)",
     unfilled="only the 'Denouement and Discussion' part read: age, sex and presenting complaint were in the Presentation part, not read; PMID not captured; bone scan uptake mapped as elevated scintigraphy uptake",
     features=[
         f("HP:6000588", "Periosteal elevation", note="irregular periosteal reaction of the right iliac bone"),
         f("HP:0002797", "Osteolysis", note="destructive lesions of the right iliac bone extending into the sacroiliac joint and sacrum"),
         f("HP:6001022", "Elevated bone scintigraphy uptake", note="active osteoblastic process isolated to the right iliac bone and sacroiliac joint"),
         f("HP:0100721", "Mediastinal lymphadenopathy"),
         f("HP:0033608", "Pulmonary nodule", note="multiple pulmonary nodules"),
     ])

case(category="lookalike", id="la-yang2019-p1", subject="3-year-old girl", sex="FEMALE", age="P3Y",
     subgroup="neuroblastoma", disease=NBL,
     ref=pmid(31490393, "Orbital neuroblastoma metastasis: A case report and literature review"),
     also=["DOI:10.1097/MD.0000000000017038"],
     cite="Yang WJ, Zhou YY, Zhao F, Mei ZM, Li S, Xiang Y. Orbital neuroblastoma metastasis: A case report and literature review. Medicine (Baltimore) 2019;98(36):e17038",
     who="the single case (3-year-old girl)",
     unfilled="PubMed abstract read; no laboratory values; the adrenal mass (primary tumour) not mapped to a phenotype term",
     features=[
         f("HP:0031364", "Ecchymosis", note="periorbital ecchymoses (raccoon eyes) for 40 days"),
         f("HP:0000520", "Proptosis"),
         f("HP:0002797", "Osteolysis", note="multiple soft tissue masses in the skull and both orbits with erosion of the adjacent bones"),
     ])

case(category="lookalike", id="la-cureus2024caffey-p1", subject="two-month-old boy", sex="MALE", age="P2M",
     subgroup="caffey", disease=CAFFEY,
     ref=pmid(38304659, "Monostotic Scapular Caffey Disease: A Case Report With MRI Correlate"),
     also=["DOI:10.7759/cureus.51533"],
     cite="[authors not captured in the text read]. Monostotic Scapular Caffey Disease: A Case Report With MRI Correlate. Cureus 2024;16(1):e51533",
     who="the single case (two-month-old boy)",
     unfilled="PubMed abstract read; presenting symptoms and laboratory values not in the abstract",
     features=[
         f("HP:0100774", "Hyperostosis", note="monostotic scapular hyperostosis and expansion"),
         f("HP:0000782", "Abnormal scapula morphology", note="scapular hyperostosis"),
     ])

case(category="lookalike", id="la-alkaissi2009-p1", subject="3-months-old baby girl", sex="FEMALE", age="P3M",
     subgroup="caffey", disease=CAFFEY,
     ref=doi("10.1186/1757-1626-2-133", "Professional awareness is needed to distinguish between child physical abuse from other disorders that can mimic signs of abuse (Skull base sclerosis in infant manifesting features of infantile cortical hyperostosis): a case report and review of the literature"),
     cite="Al Kaissi A, Petje G, De Brauwer V, Grill F, Klaushofer K. Professional awareness is needed to distinguish between child physical abuse from other disorders that can mimic signs of abuse (Skull base sclerosis in infant manifesting features of infantile cortical hyperostosis): a case report and review of the literature. Cases J 2009;2:133",
     who="the single case (3-month-old girl of non-consanguineous parents)",
     unfilled="abstract read; no laboratory values; 'multiple long bone swellings' has no HPO term, mapped to subperiosteal bone formation only where radiographs are described as consistent with infantile cortical hyperostosis",
     features=[
         f("HP:0031485", "Subperiosteal bone formation", note="multiple long bone swellings; radiographs consistent with infantile cortical hyperostosis"),
         f("HP:0002694", "Sclerosis of skull base", note="skull base sclerosis with excessive thickening"),
     ])

case(category="lookalike", id="la-eurorad2001-p1", subject="thirteen-year-old girl", sex="FEMALE", age="P13Y",
     subgroup="pycnodysostosis", disease=PYCNO,
     ref=doi("10.1594/EURORAD/CASE.837", "Pycnodysostosis"),
     cite="Peter VK, Harrison J, Bruce C, Owen R, Thapa V. Pycnodysostosis. Eurorad case 837, 2001",
     who="the single case (13-year-old girl)",
     unfilled="Eurorad teaching case (no PMID; DOI written in the Eurorad 10.1594/EURORAD/CASE.<n> pattern as the development set did, not checked against a resolver); no genotype; no laboratory values",
     features=[
         f("HP:0004322", "Short stature"),
         f("HP:0001508", "Failure to thrive"),
         f("HP:0002979", "Bowing of the legs", note="both tibias bowed with old fracture lines"),
         f("HP:0004492", "Widely patent fontanelles and sutures"),
         f("HP:0000274", "Small face", note="small facial bones"),
         f("HP:0002689", "Absent paranasal sinuses"),
         f("HP:0005446", "Obtuse angle of mandible"),
         f("HP:0000889", "Abnormal clavicle morphology", mods=[BILATERAL], note="outer third of the clavicle absent bilaterally"),
         f("HP:0009835", "Aplasia/Hypoplasia of the distal phalanges of the hand", note="loss of terminal tufts; entire terminal phalanx absent in some fingers"),
         f("HP:0011001", "Increased bone mineral density", note="uniformly increased density, medullary canal still visible"),
     ])

case(category="lookalike", id="la-clindysmorphol2012-p1", subject="12-year-old boy", sex="MALE", age="P12Y",
     subgroup="pycnodysostosis", disease=PYCNO,
     ref=pmid(21968522, "Pycnodysostosis with craniosynostosis: case report of the craniofacial and oral features"),
     also=["DOI:10.1097/MCD.0b013e32834c7da7"],
     cite="[authors not captured in the text read]. Pycnodysostosis with craniosynostosis: case report of the craniofacial and oral features. Clin Dysmorphol 2012;21(1):19-21",
     who="the single case (12-year-old boy)",
     unfilled="PubMed abstract read: it describes the syndrome in general and names only craniosynostosis for this patient; no genotype",
     features=[f("HP:0001363", "Craniosynostosis")])

case(category="lookalike", id="la-murray2004-p1", subject="7 year old boy", sex="MALE", age="P7Y",
     subgroup="leukaemia", disease=ALL,
     ref=doi("10.1136/bmj.329.7472.959", "Childhood leukaemia masquerading as juvenile idiopathic arthritis"),
     cite="Murray MJ, Tang T, Ryder C, Mabin D, Nicholson JC. Childhood leukaemia masquerading as juvenile idiopathic arthritis. BMJ 2004;329:959",
     who="the single case (previously fit 7-year-old boy)",
     unfilled="introduction and first paragraph of the case report read (presentation only; ALL became apparent six months later); PMID not captured; laboratory values cut off in the text read",
     features=[
         f("HP:0100749", "Chest pain", note="one month history of upper chest pain"),
         f("HP:0030834", "Shoulder pain", mods=[BILATERAL], note="reduced range of movements in his shoulder joints, restricted by pain"),
         f("HP:0033834", "Malaise"),
         f("HP:0001254", "Lethargy"),
         f("HP:0004396", "Poor appetite"),
         f("HP:0030166", "Night sweats", excluded=True, note="no history of night sweats"),
         f("HP:0000980", "Pallor"),
         f("HP:0011134", "Low-grade fever", note="37.8 °C"),
     ])

case(category="lookalike", id="la-nedtijdschr2002-p1", subject="3-year-old girl", sex="FEMALE", age="P3Y",
     subgroup="leukaemia", disease=ALL,
     ref=pmid(12233152, "[Children with fever peaks and bone and joint pain: systemic juvenile idiopathic arthritis or acute lymphoblastic leukemia after all?]"),
     cite="[authors not captured in the text read]. [Children with fever peaks and bone and joint pain: systemic juvenile idiopathic arthritis or acute lymphoblastic leukemia after all?] Ned Tijdschr Geneeskd 2002;146(35):1613-1616 (in Dutch)",
     who="the girl of the two 3-year-old children (the boy is not included)",
     unfilled="English PubMed abstract read; findings are stated for both children together; blood counts not given (the abstract stresses that a normal blood count is possible)",
     features=[
         f("HP:0001954", "Recurrent fever", note="daily fever peaks"),
         f("HP:0001369", "Arthritis", note="signs of polyarthritis"),
         f("HP:0002829", "Arthralgia", note="bone and joint pain"),
         f("HP:0033834", "Malaise", note="general malaise"),
     ])

case(category="lookalike", id="la-jbsr2017-p1", subject="two-year-old boy", sex="MALE", age="P2Y",
     subgroup="bacterial-osteomyelitis", disease=NO_ID,
     ref=doi("10.5334/jbr-btr.1220", "Chronic suppurative osteomyelitis of the mandible in a two-year-old boy (case report)"),
     cite="[authors, title and year not captured in the text read]. Case report: chronic suppurative osteomyelitis of the mandible in a two-year-old boy. J Belg Soc Radiol",
     who="the single case (two-year-old boy)",
     unfilled="case-report section read; authors, exact title and year not captured (year in the id not checked); PMID not captured; no verified ontology id for bacterial osteomyelitis available offline, so disease_id and `diseases` are empty (subgroup names it)",
     features=[
         f("HP:0030793", "Jaw swelling", mods=[LEFT], note="painless, hard, fixed thickening of the left posterolateral mandible over two months"),
         f("HP:0001891", "Iron deficiency anemia"),
         f("HP:0004472", "Mandibular hyperostosis", note="CT: sclerotic thickening of the left mandibular ramus"),
         f("HP:0031485", "Subperiosteal bone formation", note="periosteal new bone formation in a parallel pattern"),
         f("HP:0002797", "Osteolysis", note="cortical destruction of the left mandibular head"),
         f("HP:0007626", "Mandibular osteomyelitis", note="purulent exudate at biopsy; Prevotella oris and Veillonella atypica"),
         f("HP:0002716", "Lymphadenopathy", excluded=True, note="no regional lymphadenopathy"),
     ])

case(category="lookalike", id="la-bmcpediatr2019jia-p1", subject="patient (age 14 years 10 months)", age="P14Y10M",
     subgroup="JIA", disease=NO_ID,
     ref=doi("10.1186/s12887-019-1770-6", "Successful treatment in a child with enthesitis-related arthritis involving the sternoclavicular joint: a case report"),
     cite="[authors not captured in the text read]. Successful treatment in a child with enthesitis-related arthritis involving the sternoclavicular joint: a case report. BMC Pediatr 2019;19:373",
     who="the single case (adolescent aged 14 years 10 months)",
     unfilled="abstract read; sex not captured; no verified ontology id for enthesitis-related JIA available offline, so disease_id and `diseases` are empty (subgroup JIA names it); ESR value not given",
     features=[
         f("HP:0001386", "Joint swelling", mods=[LEFT], note="insidious atraumatic swelling of the left sternoclavicular joint (mass)"),
         f("HP:0030838", "Hip pain", mods=[RIGHT], note="right hip tenderness"),
         f("HP:0030840", "Ankle pain", mods=[BILATERAL], note="bilateral ankle tenderness"),
         f("HP:0100769", "Synovitis", note="thickened synovial lining of the left sternoclavicular joint on CT"),
         f("HP:0002797", "Osteolysis", note="mild bone erosion"),
         f("HP:0003565", "Elevated erythrocyte sedimentation rate", note="ESR decreased after etanercept (elevated before)"),
     ])

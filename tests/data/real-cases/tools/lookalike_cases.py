# --- leukaemia (ALL) -------------------------------------------------------
case(id="la-leukres2012-p1", subject="11-year-old boy", sex="MALE", age="P11Y", subgroup="leukaemia", disease=ALL,
     ref=doi("10.1016/j.leukres.2012.01.001", "Differential diagnosis of paediatric bone pain: Acute lymphoblastic leukemia"),
     cite="Leukemia Research 2012;36(4):521-523, Case of the Month: \"Differential diagnosis of paediatric bone pain: Acute lymphoblastic leukemia\"",
     who="the single case report (11-year-old boy)",
     unfilled="authors not in the stored page; PMID not looked up; MRI and marrow findings cut off in the available text",
     features=[
         f("HP:0030839", "Knee pain", mods=[LEFT]),
         f("HP:0031955", "Antalgic gait"),  # "limp" (HPO synonym of this term)
         f("HP:0002315", "Headache"),
         f("HP:0030166", "Night sweats"),
         f("HP:0001824", "Weight loss"),
         f("HP:0000980", "Pallor", excluded=True),
         f("HP:0002716", "Lymphadenopathy", excluded=True),
         f("HP:0002240", "Hepatomegaly", excluded=True),  # "no organomegaly"
         f("HP:0001744", "Splenomegaly", excluded=True),
         f("HP:0000988", "Skin rash", excluded=True),
         f("HP:6001022", "Elevated bone scintigraphy uptake"),  # multifocal increased uptake
         f("HP:0001903", "Anemia", excluded=True),  # "normal FBC"
         f("HP:0001873", "Thrombocytopenia", excluded=True),
         f("HP:0011893", "Abnormal leukocyte count", excluded=True),
     ])

case(id="la-mcmahon2008-p1", subject="3 year old girl", sex="FEMALE", subgroup="leukaemia", disease=ALL,
     ref=doi("10.1186/1546-0096-6-S1-P190", "Poster presentation: CRMO-like presentation of acute lymphoblastic leukaemia"),
     cite="McMahon A, Pilkington C. Poster P190, Pediatric Rheumatology 2008;6(Suppl 1):P190",
     who="the single case (3-year-old girl; presumptive CRMO, later common ALL)",
     unfilled="poster title not in the stored page (description is ours); age at last encounter not stated (about 6 months after presentation); no PMID (conference supplement)",
     features=[
         f("HP:0031955", "Antalgic gait", onset="P3Y"),  # "limp"
         f("HP:0001785", "Ankle swelling", onset="P3Y"),  # hot, swollen ankle; later the left ankle too
         f("HP:0002754", "Osteomyelitis", onset="P3Y"),  # "X-Ray showed active osteomyelitis"
         f("HP:0003565", "Elevated erythrocyte sedimentation rate", onset="P3Y"),  # > 60 mm/hr
         f("HP:0001894", "Thrombocytosis", onset="P3Y"),  # 808 x 10^9/L
         f("HP:6001022", "Elevated bone scintigraphy uptake", onset="P3Y"),  # femoral neck, knees, ankles, scapula
         f("HP:0003419", "Low back pain"),  # episodic lower back pain day and night
         f("HP:0001824", "Weight loss"),
         f("HP:0000980", "Pallor"),
         f("HP:0002808", "Kyphosis"),
         f("HP:0002650", "Scoliosis"),
         f("HP:0002953", "Vertebral compression fracture"),  # multiple crush fractures
         f("HP:0000938", "Osteopenia"),
         f("HP:0001903", "Anemia"),  # Hb 7.0 g/dl
     ],
     measurements=[m(HB, 11.3, "g/dL"), m(WBC, 7.9, "10*9/L"), m(PLT, 808, "10*9/L"),
                   m(HB, 7.0, "g/dL"), m(WBC, 17, "10*9/L"), m(PLT, 200, "10*9/L")])

case(id="la-ochsnerj2019-p1", subject="2-year-old male", sex="MALE", age="P2Y", subgroup="leukaemia", disease=ALL,
     ref=pmid(31528139, "Fever and Leg Pain: Consider ALL the Diagnoses"),
     cite="Ochsner J 2019 Fall;19(3):260-263, \"Fever and Leg Pain: Consider ALL the Diagnoses\", doi:10.31486/toj.18.0122",
     who="the single case report (2-year-old male)",
     unfilled="only the abstract was available: blood counts and imaging not given as findings (keywords anemia/thrombocytopenia/leukopenia not transcribed); first author not in the stored page",
     features=[
         f("HP:0012514", "Lower limb pain"),
         f("HP:0001945", "Fever"),
     ])

# --- JMML ------------------------------------------------------------------
case(id="la-sethi2012-p1", subject="9-month-old female child", sex="FEMALE", age="P9M", subgroup="JMML", disease=JMML,
     ref=doi("10.1007/s12288-012-0164-9", "Juvenile Myelomonocytic Leukemia"),
     cite="Sethi N, Kushwaha S, Dhingra B, Pujani M, Chandra J, Shukla S. Juvenile myelomonocytic leukemia. Indian J Hematol Blood Transfus (online 2012), PubMed 24426365",
     who="the single case report (9-month-old girl)",
     unfilled="year in the id is the DOI's online year (issue year not seen); PMID 24426365 read from a PubMed mirror; no numeric blood values in the abstract",
     features=[
         f("HP:0003270", "Abdominal distention"),
         f("HP:0000737", "Irritability"),
         f("HP:0001433", "Hepatosplenomegaly"),
         f("HP:0001974", "Increased total leukocyte count"),
         f("HP:0012311", "Increased total monocyte count"),  # absolute monocytosis
         f("HP:0004840", "Hypochromic microcytic anemia"),
         f("HP:0001873", "Thrombocytopenia"),
         f("HP:0031020", "Bone marrow hypercellularity"),  # "myeloid hyperplasia" (HPO synonym)
         f("HP:0011904", "Persistence of hemoglobin F", excluded=True),  # HbF normal (1.3 %)
         f("HP:0032366", "Positive direct antiglobulin test"),  # DCT positivity
     ])

# --- bacterial osteomyelitis -------------------------------------------------
case(id="la-chiappini2016-p1", subject="18-month-old boy", sex="MALE", age="P1Y6M", subgroup="bacterial-osteomyelitis", disease=NO_ID,
     ref=doi("10.3390/ijerph13060539", "A Case of Acute Osteomyelitis: An Update on Diagnosis and Treatment"),
     cite="Chiappini E, Mastrangelo G, Lazzeri S. A Case of Acute Osteomyelitis: An Update on Diagnosis and Treatment. Int J Environ Res Public Health 2016;13(6):539",
     who="the case presentation (18-month-old boy, proximal femur)",
     unfilled="PMID not looked up; organism not in the available text (blood cultures negative)",
     features=[
         f("HP:0030838", "Hip pain", mods=[LEFT]),
         f("HP:0031955", "Antalgic gait"),  # limp
         f("HP:0001945", "Fever"),  # three days of fever reported by the mother
         f("HP:0008800", "Limited hip movement"),  # limited and painful range of motion of the left hip
         f("HP:0001974", "Increased total leukocyte count"),
         f("HP:0011227", "Elevated circulating C-reactive protein concentration"),
         f("HP:0003565", "Elevated erythrocyte sedimentation rate"),
         f("HP:0002797", "Osteolysis"),  # lytic lesion of the proximal femoral metaphysis
         f("HP:0002754", "Osteomyelitis"),  # gadolinium MRI confirmed
     ],
     measurements=[m(WBC, 23, "10*9/L"), m(CRP, 7.2, "mg/dL"), m(ESR, 52, "mm/h")])

# --- Brodie abscess ------------------------------------------------------------
case(id="la-gabbott2018-p1", subject="14-year-old boy", sex="MALE", age="P14Y", subgroup="brodie-abscess", disease=NO_ID,
     ref=doi("10.1093/jscr/rjx263", "A Brodie's abscess with soft tissue collection-complicating an already difficult diagnosis"),
     cite="Gabbott B, Faria G, Lawson G, Daly K. A Brodie's abscess with soft tissue collection—complicating an already difficult diagnosis. J Surg Case Rep 2018;2018(1):rjx263",
     who="the single case report (14-year-old boy, distal femur)",
     unfilled="radiograph and MRI description cut off in the available text; PMID not looked up",
     features=[
         f("HP:0030839", "Knee pain"),
         f("HP:0012514", "Lower limb pain"),  # lower thigh pain
         f("HP:6000840", "Localized soft-tissue swelling on extremity", mods=[RIGHT]),  # markedly swollen tender right distal thigh
         f("HP:0002540", "Inability to walk"),  # unable to weight bear
         f("HP:0001376", "Limitation of joint mobility"),  # reduced range of movement of the knee
         f("HP:0001945", "Fever", excluded=True),  # afebrile
         f("HP:0011227", "Elevated circulating C-reactive protein concentration"),
         f("HP:0003565", "Elevated erythrocyte sedimentation rate"),
         f("HP:0001974", "Increased total leukocyte count", excluded=True),  # normal WBC 9.8
     ],
     measurements=[m(CRP, 44, "mg/L"), m(ESR, 55, "mm/h"), m(WBC, 9.8, "10*9/L")])

# --- LCH -------------------------------------------------------------------
case(id="la-lam2015-case1", subject="Case 1", sex="FEMALE", age="P1Y11M", subgroup="LCH", disease=LCH,
     ref=doi("10.4103/2152-7806.166761", "Eosinophilic granuloma/Langerhans cell histiocytosis: Pediatric neurosurgery update"),
     cite="Lam S, Reddy GD, Mayer R, Lin Y, Jea A. Eosinophilic granuloma/Langerhans cell histiocytosis: Pediatric neurosurgery update. Surg Neurol Int 2015;6",
     who="illustrative case 1 (23-month-old girl, C2)",
     unfilled="PMID not looked up; no laboratory values",
     features=[
         f("HP:6000174", "Lateral neck mass"),  # progressively enlarging neck mass (side not stated: closest term)
         f("HP:0010783", "Erythema"),  # redness
         f("HP:0002797", "Osteolysis"),  # osteolytic lesion of the C2 posterior elements
     ])

# --- neuroblastoma --------------------------------------------------------------
case(id="la-nishiwaki2016-case1", subject="Case 1", sex="FEMALE", age="P4Y", subgroup="neuroblastoma", disease=NBL,
     ref=doi("10.1016/j.jos.2016.09.004", "Neuroblastoma metastasis to bone requiring differentiation from septic arthritis of the hip. Report of 2 cases"),
     cite="Nishiwaki T, Uchikawa S, Kusakabe H, Seki A, Eguchi Y, Takayama S, Toyama Y, Nakamura M, Matsumoto M, Kanaji A. Neuroblastoma metastasis to bone requiring differentiation from septic arthritis of the hip. Report of 2 cases. J Orthop Sci 2016",
     who="case 1 (4-year-old girl)",
     unfilled="only the opening of case 1 was available (laboratory and imaging cut off); PMID not looked up",
     features=[
         f("HP:0030838", "Hip pain", mods=[RIGHT]),
         f("HP:0001945", "Fever"),  # 38 °C
     ])

case(id="la-alvesdasilva2018-p1", subject="four-year-old girl", sex="FEMALE", age="P4Y", subgroup="neuroblastoma", disease=NBL,
     ref=doi("10.1155/2018/7428350", "Irritable Hip as the Inaugural Symptom for Neuroblastoma"),
     cite="Alves da Silva S, et al. Irritable Hip as the Inaugural Symptom for Neuroblastoma. Case Rep Orthop 2018;2018:7428350",
     who="the single case report (4-year-old girl)",
     unfilled="co-authors and PMID not in the stored page; no numeric values",
     features=[
         f("HP:0001945", "Fever"),
         f("HP:0031955", "Antalgic gait"),  # painful limp
         f("HP:0030838", "Hip pain", mods=[LEFT]),
         f("HP:0001903", "Anemia"),
         f("HP:0034880", "Adrenal mass"),  # CT: adrenal neuroblastoma
     ])

case(id="la-ijp2023-p1", subject="3 years-old girl", sex="FEMALE", age="P3Y", subgroup="neuroblastoma", disease=NBL,
     ref=doi("10.1186/s13052-023-01534-4", "Neck stiffness and bone osteolytic lesion in a 3-years old child: a case report"),
     cite="\"Neck stiffness and bone osteolytic lesion in a 3-years old child: a case report\". Ital J Pediatr 2023",
     who="the single case report (3-year-old girl)",
     unfilled="authors and PMID not in the stored page; no numeric values",
     features=[
         f("HP:0001945", "Fever"),
         f("HP:0031179", "Nuchal rigidity"),  # neck stiffness
         f("HP:0000473", "Torticollis"),
         f("HP:0001903", "Anemia"),  # mild anaemia
         f("HP:0034880", "Adrenal mass"),
         f("HP:0010512", "Adrenal calcification"),  # eccentric calcification of the mass
         f("HP:0002797", "Osteolysis"),  # bone osteolytic lesion (title)
         f("HP:4000189", "Elevated circulating neuron-specific enolase concentration"),
         f("HP:0011976", "Elevated urinary catecholamine level"),
     ])

# --- scurvy ----------------------------------------------------------------
case(id="la-bmcpediatr2019-p1", subject="3-year-old girl", sex="FEMALE", age="P3Y", subgroup="scurvy", disease=SCURVY,
     ref=doi("10.1186/s12887-019-1605-5", "Scurvy presenting with limp and weakness: a case report"),
     cite="\"Scurvy presenting with limp and weakness: a case report\". BMC Pediatrics 2019",
     who="the single case report (3-year-old girl)",
     unfilled="authors and PMID not in the stored page; laboratory values other than vitamin C not in the available text",
     features=[
         f("HP:0031955", "Antalgic gait"),  # persistent limp of 3 weeks
         f("HP:0030839", "Knee pain", mods=[RIGHT]),  # exacerbated by walking and stairs
         f("HP:0001945", "Fever", excluded=True),
         f("HP:0000988", "Skin rash", excluded=True),
         f("HP:0007340", "Lower limb muscle weakness"),  # lower extremity weakness
         f("HP:0100510", "Decreased circulating vitamin C concentration"),  # undetectable
     ])

case(id="la-gallizzi2020-p1", subject="3-year-old white boy", sex="MALE", age="P3Y", subgroup="scurvy", disease=SCURVY,
     ref=doi("10.1186/s13256-020-2341-z", "Scurvy may occur even in children with no underlying risk factors: a case report"),
     cite="Gallizzi R, Valenzise M, Passanisi S, Pajno GB, De Luca F, Zirilli G. Scurvy may occur even in children with no underlying risk factors: a case report. J Med Case Rep 2020;14:18",
     who="the single case report (3-year-old boy)",
     unfilled="PMID not looked up; refusal to walk has no HPO term (Inability to walk is the nearest); no numeric values in the abstract",
     features=[
         f("HP:0025406", "Asthenia"),
         f("HP:0002540", "Inability to walk"),  # refusal to walk
         f("HP:0001903", "Anemia"),  # severe anaemia during admission
         f("HP:0002573", "Hematochezia"),
     ])

case(id="la-pediatrics2019-p1", subject="4-year-old boy", sex="MALE", age="P4Y", subgroup="scurvy", disease=SCURVY,
     ref=doi("10.1542/peds.2018-2824", "Scurvy in a developmentally appropriate 4-year-old boy with a self-restricted diet"),
     cite="Pediatrics 2019;144(3):e20182824 (case of scurvy in a developmentally appropriate 4-year-old boy)",
     who="the single case report (4-year-old boy)",
     unfilled="title and authors not in the stored page (description is ours); PMID not looked up",
     features=[
         f("HP:0031955", "Antalgic gait"),  # limp
         f("HP:0000988", "Skin rash"),
         f("HP:0001903", "Anemia"),
         f("HP:0000790", "Hematuria"),
         f("HP:0100510", "Decreased circulating vitamin C concentration"),  # undetectable
     ])

case(id="la-crior2012-p1", subject="4.5 year old boy", sex="MALE", age="P4Y6M", subgroup="scurvy", disease=SCURVY,
     ref=doi("10.1155/2012/624628", "Scurvy in a child of Pakistani origin brought up in Dubai"),
     cite="Case Reports in Orthopedics 2012;2012:624628 (skeletal scurvy in a 4.5-year-old boy on an exclusive meat diet)",
     who="the single case report (4.5-year-old boy)",
     unfilled="title and authors not in the stored page (description is ours); PMID not looked up; no numeric values",
     features=[
         f("HP:0002829", "Arthralgia"),  # pain of multiple joints for three months
         f("HP:0001386", "Joint swelling"),  # wrist, knee and ankle
         f("HP:0002540", "Inability to walk"),
         f("HP:0004322", "Short stature"),  # height below the 5th percentile
         f("HP:0000980", "Pallor"),
         f("HP:0001649", "Tachycardia"),
         f("HP:0001376", "Limitation of joint mobility"),  # painful restriction of motion
         f("HP:0001903", "Anemia"),
         f("HP:0002750", "Delayed skeletal maturation"),  # delayed bone age
         f("HP:0000938", "Osteopenia"),  # severe osteopenia of the long bones
     ])

case(id="la-thiemann2022-p1", subject="five-year-old boy", sex="MALE", age="P5Y", subgroup="scurvy", disease=SCURVY,
     ref=doi("10.3389/fendo.2022.968015", "Case Report: Uncommon cause of limp in the 21st century"),
     cite="Thiemann S, Cimorelli V, Bajwa NM. Case Report: Uncommon cause of limp in the 21st century. Front Endocrinol 2022",
     who="the single case report (5-year-old boy)",
     unfilled="PMID not looked up; only the abstract was available (no laboratory values)",
     features=[
         f("HP:0002829", "Arthralgia"),
         f("HP:0002857", "Genu valgum"),
     ])

# --- hypophosphatasia ----------------------------------------------------------
case(id="la-duffus2018-p1", subject="infant boy", sex="MALE", subgroup="hypophosphatasia", disease=HPP_INF,
     ref=pmid(29808151, "Brief Clinical Report: Hypophosphatasia-Diagnostic Considerations and Treatment Outcomes in an Infant"),
     cite="Duffus S, Thrasher B, Calikoglu AS. Brief Clinical Report: Hypophosphatasia—Diagnostic Considerations and Treatment Outcomes in an Infant. Case Rep Pediatr 2018;2018:5719761",
     who="the single case report (boy diagnosed before 6 months)",
     unfilled="exact ages not in the abstract (diagnosed before 6 months, treated from 7 months); alkaline phosphatase value and ALPL genotype not in the available text; disease id: infantile form chosen because diagnosed before 6 months (the authors discuss the classification)",
     features=[
         f("HP:0001510", "Growth delay"),  # poor linear growth
         f("HP:0006487", "Bowing of the long bones"),  # mild limb bowing
         f("HP:0002748", "Rickets"),  # radiographic rickets
     ])

# --- pycnodysostosis ---------------------------------------------------------------
case(id="la-berenguer2012-p1", subject="9-year-old girl", sex="FEMALE", age="P9Y", subgroup="pycnodysostosis", disease=PYCNO,
     ref=pmid(23175007, "A child with bone fractures and dysmorphic features: remember of pycnodysostosis and craniosynostosis"),
     cite="Berenguer A, Freitas AP, Ferreira G, Nunes JL. A child with bone fractures and dysmorphic features: remember of pycnodysostosis and craniosynostosis. BMJ Case Rep 2012;2012:bcr2012006930",
     who="the single case report (9-year-old girl)",
     unfilled="only the abstract was available: the dysmorphic features and the CTSK result are not itemised there, so no interpretation",
     features=[
         f("HP:0002757", "Recurrent fractures"),  # long history of multiple bone fractures
         f("HP:0001363", "Craniosynostosis"),
     ])

# --- LRP5 high bone mass -----------------------------------------------------------
case(id="la-demattia2023-p1", subject="44-year-old Caucasian woman", sex="FEMALE", age="P44Y", subgroup="LRP5-HBM", disease=WORTH,
     ref=doi("10.1007/s11657-023-01319-6", "LRP5 high bone mass (Worth-type autosomal dominant endosteal hyperostosis): case report and historical review of the literature"),
     cite="De Mattia G, Maffi M, Mosca M, Mazzantini M. LRP5 high bone mass (Worth-type autosomal dominant endosteal hyperostosis): case report and historical review of the literature. Arch Osteoporos 2023;18(1):112",
     who="the case described (44-year-old woman)",
     unfilled="PMID not looked up; variant published as protein change A242T only (no transcript); no BMD numbers in the abstract",
     gene={"symbol": "LRP5", "hgnc": "HGNC:6697", "variants": [("p.Ala242Thr", "GENO:0000135")]},
     features=[
         f("HP:0100789", "Torus palatinus"),
         f("HP:0002315", "Headache"),
         f("HP:0004409", "Hyposmia"),  # hypo-/anosmia
         f("HP:0000410", "Mixed hearing impairment"),  # complete mixed deafness
         f("HP:0011001", "Increased bone mineral density"),  # DEXA: elevated bone mass
     ])

# --- osteopathia striata with cranial sclerosis -------------------------------------
case(id="la-ijp2022-p1", subject="female newborn", sex="FEMALE", subgroup="osteopathia-striata", disease=OSCS,
     ref=doi("10.1186/s13052-022-01403-6", "Osteopathia striata with cranial sclerosis in a female newborn with a de novo AMER1 variant"),
     cite="Ital J Pediatr 2022 (case report: female newborn with osteopathia striata with cranial sclerosis and a de novo heterozygous AMER1 mutation)",
     who="the single case report (female newborn)",
     unfilled="title and authors not in the stored page (description is ours); HGVS of the AMER1 variant not in the available text; HGNC id of AMER1 (26837) written from memory, not checked offline; PMID not looked up",
     gene={"symbol": "AMER1", "hgnc": "HGNC:26837", "variants": [("", "GENO:0000135")]},
     features=[
         f("HP:0000175", "Cleft palate"),
         f("HP:0000365", "Hearing impairment"),
         f("HP:0012106", "Rhizomelic leg shortening"),  # rhizomelic shortening of lower limbs
         f("HP:0005214", "Intestinal obstruction"),  # signs of bowel obstruction
         f("HP:0002566", "Intestinal malrotation"),
         f("HP:0001561", "Polyhydramnios"),
         f("HP:0002007", "Frontal bossing"),
     ])


# --- second batch ----------------------------------------------------------------
case(id="la-onubogu2013-p1", subject="eight year old boy", sex="MALE", age="P8Y", subgroup="leukaemia", disease=ALL,
     ref=doi("10.4314/njp.v40i4.18", "Acute Lymphoblastic Leukaemia presenting as Juvenile Idiopathic Arthritis in a Nigerian boy"),
     cite="Onubogu UC, Okoh BAN, Eke G, Joboy-okei EA. Acute Lymphoblastic Leukaemia presenting as Juvenile Idiopathic Arthritis in a Nigerian boy. Niger J Paed 2013;40(4):431-433",
     who="the single case report (8-year-old boy)",
     unfilled="DOI printed as 'njp.v40i4,18' on the article (comma read as the usual dot); PMID not looked up; no numeric values in the abstract; X-ray findings only described as suggestive of JIA (not transcribed)",
     features=[
         f("HP:0002829", "Arthralgia"),  # multiple joint pains of two months
         f("HP:0001386", "Joint swelling"),
         f("HP:0002923", "Rheumatoid factor positive"),  # elevated rheumatoid factor
     ])

case(id="la-pmid22510777-p1", subject="16-year-old man", sex="MALE", age="P16Y", subgroup="JMML", disease=JMML,
     ref=pmid(22510777, "Juvenile myelomonocytic leukemia in a 16-year-old with Noonan syndrome: case report"),
     cite="\"Juvenile myelomonocytic leukemia in a 16-year-old with Noonan syndrome: case report\" (PubMed 22510777)",
     who="the single case report (16-year-old with Noonan syndrome)",
     unfilled="authors and journal not in the stored page; KRAS mutation reported without HGVS or zygosity, so no interpretation; numbers other than the leukocyte count (>100 x 10^9/L, a lower bound) not in the abstract",
     features=[
         f("HP:0001744", "Splenomegaly"),
         f("HP:0001541", "Ascites"),
         f("HP:0012311", "Increased total monocyte count"),  # intermittently elevated absolute monocyte counts
         f("HP:0001510", "Growth delay"),  # growth retardation
         f("HP:0001627", "Abnormal heart morphology"),  # a cardiac defect
         f("HP:0001928", "Abnormality of coagulation"),  # history of a coagulopathy
         f("HP:0001974", "Increased total leukocyte count"),  # after splenectomy >100 x 10^9/L with monocytosis
     ])

case(id="la-verbeek2012-p1", subject="3-year old girl", sex="FEMALE", age="P3Y", subgroup="bacterial-osteomyelitis", disease=NO_ID,
     ref=pmid(22929754, "[Osteomyelitis of the talus in a limping child]"),
     cite="Verbeek PA, et al. [Osteomyelitis of the talus in a limping child]. Ned Tijdschr Geneeskd 2012;155(35):A5103 (in Dutch)",
     who="the single case report (3-year-old girl)",
     unfilled="only the English abstract was available; laboratory values and imaging details not given; organism not stated (treated with flucloxacillin)",
     features=[
         f("HP:0012514", "Lower limb pain", mods=[RIGHT]),
         f("HP:0031955", "Antalgic gait"),  # limping
         f("HP:0002754", "Osteomyelitis"),  # haematogenous osteomyelitis of the talus on laboratory, radiographs and scintigraphy
     ])

case(id="la-excli2016-p1", subject="2-year-old child", age="P2Y", subgroup="LCH", disease=LCH,
     ref=pmid(27065773, "Localized Langerhans cell histiocytosis masquerading as Brodie's abscess in a 2-year-old child: a case report"),
     cite="\"Localized Langerhans cell histiocytosis masquerading as Brodie's abscess in a 2-year-old child: a case report\". EXCLI J 2016;15:33-7, doi:10.17179/excli2015-713",
     who="the single case report (2-year-old child)",
     unfilled="sex not stated; authors not in the stored page; symptoms and laboratory findings not itemised in the abstract (knee pain appears only as a keyword and is not transcribed)",
     features=[
         f("HP:0002797", "Osteolysis"),  # osteolytic lesion with a penumbra sign on MRI
     ])

case(id="la-tos2023-p1", subject="case", subgroup="ewing", disease=EWING,
     ref=pmid(36742124, "Ewing sarcoma in calcenous presented as chronic osteomyelitis: a case report and literature review"),
     cite="Tos SM, Al-Karaja L, Giacaman N, Ibdah MG, Hussein A, Ass'ad OM, Nour IR, Mansour MMH. Ewing sarcoma in calcenous presented as chronic osteomyelitis: a case report and literature review. Ann Med Surg (Lond) 2023;85(1):28-31, doi:10.1097/MS9.0000000000000044",
     who="the single case report (calcaneal Ewing sarcoma first treated as chronic bacterial osteomyelitis)",
     unfilled="age and sex not in the available text (abstract and figure 1 legend only); no laboratory values",
     features=[
         f("HP:0031051", "Tarsal sclerosis", mods=[LEFT]),  # expansile sclerotic lesion of the left heel on radiographs
     ])

case(id="la-minkowitz2024-p1", subject="7-year-old male", sex="MALE", age="P7Y", subgroup="brodie-abscess", disease=NO_ID,
     ref=pmid(38681905, "Pediatric Hip Pain with Bone Lesion, Sepsis, and Occam's Razor = Brodie's Abscess Case Report"),
     cite="Minkowitz B, et al. Pediatric Hip Pain with Bone Lesion, Sepsis, and Occam's Razor = Brodie's Abscess Case Report. J Orthop Case Rep 2024;14(4):29-34, doi:10.13107/jocr.2024.v14.i04.4348",
     who="the single case report (7-year-old boy, proximal femur)",
     unfilled="only the abstract was available: laboratory values and the radiograph description not given (the cortical lucency is mentioned only in general terms)",
     features=[
         f("HP:0030838", "Hip pain"),
         f("HP:0002540", "Inability to walk"),  # inability to bear weight
         f("HP:0100806", "Sepsis"),  # sepsis (title)
     ])

case(id="la-haliloglu2013-p1", subject="4-year-and-8-month-old girl", sex="FEMALE", age="P4Y8M", subgroup="hypophosphatasia", disease=HPP_CHILD,
     ref=doi("10.1007/s00431-012-1868-4", "Infantile loss of teeth: odontohypophosphatasia or childhood hypophosphatasia"),
     cite="Haliloğlu B, Güran T, Atay Z, Abalı S, Mornet E, Bereket A, Turan S. Infantile loss of teeth: odontohypophosphatasia or childhood hypophosphatasia. Eur J Pediatr 2013;172(6):851-853",
     who="the single case report (girl aged 4 years 8 months)",
     unfilled="PMID not looked up; alkaline phosphatase printed as 27 'IU/ml' (unit ambiguous, so not entered as a measurement); HGVS given without transcript; HGNC id of ALPL written from memory",
     gene={"symbol": "ALPL", "hgnc": "HGNC:438", "variants": [("c.382G>A", "GENO:0000136")]},
     features=[
         f("HP:0006323", "Premature loss of primary teeth"),  # premature exfoliation of anterior incisors and canines
         f("HP:0003282", "Decreased circulating alkaline phosphatase activity"),  # very low ALP
         f("HP:0003239", "Phosphoethanolaminuria"),  # urine phosphoethanolamine/Cr 84 umol/mmol (ref < 25)
     ])

case(id="la-jmedcaserep2011-p1", subject="14-year-old Moroccan boy", sex="MALE", age="P14Y", subgroup="ewing", disease=EWING,
     ref=doi("10.1186/1752-1947-5-451", "Ewing's sarcoma of the calcaneus with skip metastases of the talus: a case report"),
     cite="J Med Case Rep 2011;5:451 (Ewing's sarcoma of the calcaneus in a 14-year-old boy, skip metastases of the talus)",
     who="the single case report (14-year-old boy)",
     unfilled="title and authors not in the stored page (description is ours); PMID not looked up; hemogram only stated as normal (no numbers)",
     features=[
         f("HP:0025238", "Foot pain", mods=[RIGHT]),  # painful swelling of the right foot for 12 months
         f("HP:0001785", "Ankle swelling", mods=[RIGHT]),  # diffuse swelling of the right ankle joint and foot
         f("HP:0001376", "Limitation of joint mobility"),  # mobility at the joint restricted
         f("HP:0031051", "Tarsal sclerosis", mods=[RIGHT]),  # condensed / sclerotic lesion of the entire calcaneus
         f("HP:0031485", "Subperiosteal bone formation"),  # aggressive spiculated periosteal reaction
         f("HP:0001903", "Anemia", excluded=True),  # normal hemogram
         f("HP:0001873", "Thrombocytopenia", excluded=True),
         f("HP:0011893", "Abnormal leukocyte count", excluded=True),
     ])

case(id="la-kumar2021-p1", subject="male child of 11 years", sex="MALE", age="P11Y", subgroup="pycnodysostosis", disease=PYCNO,
     ref=doi("10.4103/JASI.JASI_54_20", "Osteosclerotic bone disorder - Pyknodysostosis"),
     cite="Kumar NV, et al. Osteosclerotic bone disorder - Pyknodysostosis. J Anat Soc India 2021;70(4):258-261",
     who="the single case report (11-year-old boy)",
     unfilled="co-authors and PMID not in the stored page; no CTSK testing reported (genetic mapping recommended), so no interpretation; spool-shaped vertebral bodies and scalloped acetabulum not transcribed (no close HPO term); acro-osteolysis site (hands/feet) not stated, HPO term chosen by its synonym 'Acro-osteolysis of distal phalanges'",
     features=[
         f("HP:0004322", "Short stature"),  # stunted growth, less height for age
         f("HP:0000347", "Micrognathia"),  # retarded mandibular growth
         f("HP:0009381", "Short finger"),  # proportionately short fingers
         f("HP:0005789", "Generalized osteosclerosis"),
         f("HP:0006784", "Paranasal sinus hypoplasia"),
         f("HP:0009839", "Osteolytic defects of the distal phalanges of the hand"),  # acro-osteolysis of terminal phalanges
         f("HP:0011001", "Increased bone mineral density"),  # increased bone density
     ])

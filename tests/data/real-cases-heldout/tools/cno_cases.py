# Held-out CNO/CRMO cases (transcribed by hand; see build_heldout.py).  Only what the cited text states.
CRMO = ("OMIM:259680", "Chronic recurrent multifocal osteomyelitis")
CNO = ("ORPHA:324964", "Chronic nonbacterial osteomyelitis/Chronic recurrent multifocal osteomyelitis")
MAJEED = ("OMIM:609628", "Majeed syndrome")
DIRA = ("OMIM:612852", "Interleukin 1 receptor antagonist deficiency")
SAPHO = ("ORPHA:793", "SAPHO syndrome")

case(category="cno", id="cno-ulusoy2015-p1", subject="12-year-old girl", sex="FEMALE", age="P12Y",
     subgroup="DIRA", disease=DIRA,
     ref=doi("10.1186/s13256-015-0618-4", "Interleukin-1 receptor antagonist deficiency with a novel mutation; late onset and successful treatment with canakinumab: a case report"),
     cite="Ulusoy E, Karaca NE, El-Shanti H, et al. Interleukin-1 receptor antagonist deficiency with a novel mutation; late onset and successful treatment with canakinumab: a case report. J Med Case Rep 2015;9",
     who="the single case (12-year-old girl, first presented at 1 year)",
     unfilled="introduction of the paper and the group's later summary (Case Rep Immunol 2019) read, not the case presentation; IL1RN variant and zygosity not captured, so no interpretation; no laboratory values; title and author list from the reference list of a review",
     features=[
         f("HP:0033605", "Pustular rash", onset="P1Y", note="late-onset pustular dermatosis"),
         f("HP:0001369", "Arthritis", note="inflammatory arthritis"),
     ])

case(category="cno", id="cno-wong2017-p1", subject="girl aged 15 years", sex="FEMALE", age="P15Y",
     subgroup="CRMO", disease=CRMO,
     ref=doi("10.1136/bcr-2016-218957", "Paediatric chronic recurrent multifocal osteomyelitis"),
     cite="Wong DR, Wong GR, Moussa B, et al. Paediatric chronic recurrent multifocal osteomyelitis. BMJ Case Rep 2017",
     who="the single case (girl aged 15 years)",
     unfilled="BMJ Case Reports image challenge read; PMID not captured; CRP unit mg/L as printed",
     features=[
         f("HP:0003419", "Low back pain", note="3-month history of low back pain with nocturnal back discomfort"),
         f("HP:0001254", "Lethargy"),
         f("HP:0005197", "Generalized morning stiffness", note="morning stiffness"),
         f("HP:0012515", "Hip flexor weakness", mods=[LEFT], note="isolated weakness in left hip flexion"),
         f("HP:0001824", "Weight loss", excluded=True, note="no significant history of weight loss"),
         f("HP:0001945", "Fever", excluded=True, note="normal temperature"),
         f("HP:0003565", "Elevated erythrocyte sedimentation rate"),
         f("HP:0011227", "Elevated circulating C-reactive protein concentration", note="slightly elevated"),
         f("HP:0002797", "Osteolysis", note="CT: diffuse sclerosis of the L3 spinous process with areas of lytic destruction"),
         f("HP:6001022", "Elevated bone scintigraphy uptake", note="L3 spinous process, left sacral ala, left ilium, right proximal tibia"),
     ],
     measurements=[m(WBC, 6.6, "10*9/L"), m(ESR, 38, "mm/h"), m(CRP, 11, "mg/L")])

case(category="cno", id="cno-bmcoralhealth2016-p1", subject="14-year old female caucasian patient", sex="FEMALE", age="P14Y",
     subgroup="CRMO", disease=CRMO,
     ref=doi("10.1186/s12903-016-0275-z", "Chronic recurrent multifocal osteomyelitis of the mandible in association with pyoderma gangrenosum (case report)"),
     cite="[authors not captured in the text read]. Case report of CRMO of the mandible in association with pyoderma gangraenosum in a 14-year-old girl. BMC Oral Health 2016",
     who="the single case (14-year-old girl)",
     unfilled="background and first part of the case presentation read; authors and exact title not captured; pyoderma gangrenosum named in the background as the association (skin lesions of both lower legs); no laboratory values in the part read",
     features=[
         f("HP:0030833", "Neck pain", onset="P10Y", note="recurring quarterly for 4 years"),
         f("HP:0030793", "Jaw swelling", mods=[LEFT], note="progressive swelling at her left cheek"),
         f("HP:0000211", "Trismus", note="ongoing trismus"),
         f("HP:0007626", "Mandibular osteomyelitis", note="CRMO of the mandible"),
         f("HP:0025452", "Pyoderma gangrenosum", mods=[BILATERAL], note="skin lesions on both lower legs for 3 years"),
     ])

case(category="cno", id="cno-bmjcr2025-p1", subject="adolescent male", sex="MALE",
     subgroup="CRMO", disease=CNO,
     ref=doi("10.1136/bcr-2025-269450", "When fever comes first: an unusual presentation of chronic non-bacterial osteomyelitis"),
     cite="[authors not captured; Department of Pediatrics, George Washington University]. When fever comes first: an unusual presentation of chronic non-bacterial osteomyelitis. BMJ Case Rep 2025;18(12)",
     who="the single case (adolescent male)",
     unfilled="institutional-repository abstract read; exact age, lesion sites and laboratory values not given; PMID not captured; 'bone pain intermittently affecting multiple joints' mapped to bone pain and arthralgia",
     features=[
         f("HP:0001945", "Fever", note="two weeks of daily fevers (presenting complaint)"),
         f("HP:0025145", "Rigors"),
         f("HP:0030166", "Night sweats"),
         f("HP:0002315", "Headache"),
         f("HP:0001824", "Weight loss"),
         f("HP:0002653", "Bone pain", note="appeared later, intermittent, multiple sites"),
         f("HP:0002829", "Arthralgia", note="pain intermittently affecting multiple joints"),
     ])

case(category="cno", id="cno-metabolites2023-p1", subject="nine-year-old female", sex="FEMALE", age="P9Y",
     subgroup="CRMO", disease=CRMO,
     ref=doi("10.3390/metabo13030344", "A Successful Bisphosphonates Monotherapy in Spinal Form of Paediatric Chronic Recurrent Multifocal Osteomyelitis (CRMO)-Case Report"),
     cite="[authors not captured; Medical University of Silesia, Katowice]. A Successful Bisphosphonates Monotherapy in Spinal Form of Paediatric Chronic Recurrent Multifocal Osteomyelitis (CRMO)-Case Report. Metabolites 2023;13(3):344",
     who="the single case (nine-year-old female)",
     unfilled="title and first line of the abstract read; the spinal lesions, symptoms and laboratory values were not in the text read (only 'spinal form' of CRMO), so the record is very thin",
     features=[f("HP:0000925", "Abnormality of the vertebral column", note="spinal form of CRMO (title)")])

case(category="cno", id="cno-bmcresnotes2014-p1", subject="German girl", sex="FEMALE",
     subgroup="CNO-unifocal", disease=CNO,
     ref=doi("10.1186/1756-0500-7-786", "Chronic recurrent multifocal osteomyelitis of the clavicle (case report)"),
     cite="[authors and title not captured in the text read]. Case report of CRMO of the clavicle in a German girl diagnosed quickly with targeted diagnostics. BMC Res Notes 2014;7:786",
     who="the single case (German girl)",
     unfilled="background and first lines of the case presentation read; age, imaging and laboratory values not captured; only the clavicle named in the part read, so subgroup CNO-unifocal is provisional; authors and title not captured",
     features=[
         f("HP:6001178", "Clavicular edema", mods=[RIGHT], note="swelling in the right clavicle for two months"),
         f("HP:0002653", "Bone pain", note="pain attributed by the patient to carrying a backpack"),
     ])

case(category="cno", id="cno-bmcrheumatol2021-p1", subject="pediatric patient",
     subgroup="CRMO", disease=CRMO,
     ref=doi("10.1186/s41927-021-00186-3", "Chronic recurrent multifocal osteomyelitis and primary sclerosing cholangitis with type 1 autoimmune hepatitis in a child with ulcerative colitis: a case report"),
     cite="[authors not captured in the text read]. Chronic recurrent multifocal osteomyelitis and primary sclerosing cholangitis with type 1 autoimmune hepatitis in a child with ulcerative colitis: a case report. BMC Rheumatol 2021",
     who="the single case (child; CRMO first, later AIH/PSC overlap, then IBD)",
     unfilled="abstract read; age, sex, lesion sites and laboratory values not captured; autoimmune hepatitis mapped to HP:0012115 Hepatitis (no HPO term for autoimmune hepatitis found)",
     features=[
         f("HP:0030991", "Sclerosing cholangitis", note="primary sclerosing cholangitis, after the CRMO diagnosis"),
         f("HP:0012115", "Hepatitis", note="type 1 autoimmune hepatitis"),
         f("HP:0100279", "Ulcerative colitis", note="eventually diagnosed"),
     ])

DIRA_BR = "homozygous for a novel 15-bp in-frame deletion in IL1RN"
for n, (who, extra) in enumerate([("the patient with chronic lung disease", f("HP:0006528", "Chronic lung disease")),
                                  ("the patient with jugular venous thrombosis", f("HP:0004936", "Venous thrombosis", note="jugular venous thrombosis"))], 1):
    case(category="cno", id=f"cno-arthritisrheum2011-p{n}", subject=who,
         subgroup="DIRA", disease=DIRA,
         gene={"symbol": "IL1RN", "variants": [("15-bp in-frame deletion", "hom")]},
         ref=pmid(22127713, "A novel mutation of IL1RN in the deficiency of interleukin-1 receptor antagonist syndrome: description of two unrelated cases from Brazil"),
         also=["DOI:10.1002/art.30588"],
         cite="[first author not captured in the text read]. A novel mutation of IL1RN in the deficiency of interleukin-1 receptor antagonist syndrome: description of two unrelated cases from Brazil. Arthritis Rheum 2011;63(12):4007-4017",
         who=f"{who} (one of the two unrelated Brazilian patients; the abstract does not number them)",
         unfilled="PubMed abstract read; sex and ages not captured; the deletion's HGVS not given in the abstract (" + DIRA_BR + "); first author not captured, so the id uses the journal",
         features=[
             f("HP:0003765", "Psoriasiform dermatitis", note="pustular dermatitis resembling generalized pustular psoriasis"),
             f("HP:0033605", "Pustular rash"),
             f("HP:0002754", "Osteomyelitis", note="recurrent multifocal aseptic osteomyelitis"),
             f("HP:0033331", "Acute phase response", note="elevation in the levels of acute-phase reactants"),
             extra,
         ])

case(category="cno", id="cno-pediatruro2023-p1", subject="boy", sex="MALE",
     subgroup="CNO-unifocal", disease=CNO,
     ref=doi("10.26416/Pedi.69.1.2023.7985", "Rare associations in juvenile idiopathic arthritis - chronic nonbacterial osteomyelitis"),
     cite="[authors not captured in the text read]. Rare associations in juvenile idiopathic arthritis – chronic nonbacterial osteomyelitis. Pediatru.ro 2023;69(1)",
     who="the single case (a boy with JIA of the enthesitis-related arthritis subtype)",
     unfilled="abstract read; age, laboratory values and imaging not captured; PMID not captured; CNO is recurrent but confined to the right clavicle in the text read, hence CNO-unifocal",
     features=[
         f("HP:0001369", "Arthritis", note="juvenile idiopathic arthritis, enthesitis-related arthritis subtype"),
         f("HP:0100686", "Enthesitis"),
         f("HP:0002754", "Osteomyelitis", mods=[RIGHT], note="recurrent chronic nonbacterial osteomyelitis of the right clavicle"),
     ])

case(category="cno", id="cno-khattab2010-p1", subject="Palestinian patient",
     subgroup="DIRA", disease=DIRA,
     gene={"symbol": "IL1RN", "variants": [("c.160C>T p.Q54X", "hom")]},
     ref=doi("10.5339/qfarf.2010.BMP20", "Mutations in IL1RN in bone and skin inflammation"),
     cite="Khattab N, Al Dosari S, Osman M, Al Dosari A, Al Alami J, El Shanti H. Mutations in IL1RN in bone and skin inflammation. QFARF Proceedings 2010:BMP20",
     who="the Palestinian patient (the third of three patients; the two Brazilian patients are not included here)",
     unfilled="conference abstract read; sex and age not captured; HGVS written from the abstract's '.160C>T; .Q54X' with the c./p. prefixes restored; findings stated for the three patients together ('skin and bone inflammation since birth')",
     features=[
         f("HP:0033605", "Pustular rash", onset="P0D", note="pustulosis since birth"),
         f("HP:0002754", "Osteomyelitis", onset="P0D", note="chronic recurrent multifocal osteomyelitis since birth"),
     ])

case(category="cno", id="cno-queiroz2017-p1", subject="female patient aged 2 years and 5 months", sex="FEMALE", age="P2Y5M",
     subgroup="CRMO", disease=CRMO,
     ref=doi("10.1590/1806-9282.63.04.303", "Chronic recurrent multifocal osteomyelitis exhibiting predominance of periosteal reaction"),
     cite="Queiroz RM, Rocha PHP, Lauar LZ, Costa MJB, Laguna CB, Oliveira RGG. Chronic recurrent multifocal osteomyelitis exhibiting predominance of periosteal reaction. Rev Assoc Med Bras 2017;63(4):303-306",
     who="the single patient (girl aged 2 years 5 months)",
     unfilled="summary (image-in-medicine article) read; presenting symptoms, laboratory values and biopsy result not captured; PMID not captured, DOI used; the three sites are coded as one Osteomyelitis term plus the jaw term",
     features=[
         f("HP:0002754", "Osteomyelitis", note="involvement of the left ulna, right jaw and left tibia"),
         f("HP:0007626", "Mandibular osteomyelitis", mods=[RIGHT], note="right jaw"),
         f("HP:0030314", "Periostosis", note="predominance of periosteal reaction as main finding"),
     ])

case(category="cno", id="cno-jhandsurg2022-p1", subject="9-year-old girl", sex="FEMALE", age="P9Y",
     subgroup="CRMO", disease=CRMO,
     ref=pmid(35965376, "Chronic Recurrent Multifocal Osteomyelitis in a Child's Hand: Case Report and Review"),
     also=["DOI:10.1142/S2424835522720407"],
     cite="[authors not captured in the text read]. Chronic Recurrent Multifocal Osteomyelitis in a Child's Hand: Case Report and Review. J Hand Surg Asian Pac Vol 2022;27(4):751-754",
     who="the single patient (9-year-old girl)",
     unfilled="PubMed abstract read; authors not captured; laboratory values not given; lesions confined to one hand/wrist region (several bones) but the authors' diagnosis CRMO is kept as subgroup",
     features=[
         f("HP:0030836", "Wrist pain", mods=[LEFT], note="persistent pain of the left wrist"),
         f("HP:0001225", "Wrist swelling", mods=[LEFT]),
         f("HP:0002754", "Osteomyelitis", note="phalangeal and metacarpal bases and distal carpal bones on the ulnar side of the wrist (X-ray, MRI, biopsy)"),
     ])

case(category="cno", id="cno-monsour2010-p1", subject="8-year-old girl", sex="FEMALE", age="P8Y",
     subgroup="CRMO", disease=CRMO,
     ref=doi("10.1259/dmfr/23060413", "Chronic recurrent multifocal osteomyelitis involving the mandible: case reports and review of the literature"),
     cite="Monsour PAJ, Dalton JB. Chronic recurrent multifocal osteomyelitis involving the mandible: case reports and review of the literature. Dentomaxillofac Radiol 2010;39:184-190",
     who="the 8-year-old girl whose clinical presentation, radiographs and histology are documented (the other three cases are radiographic only and not used)",
     unfilled="abstract and introduction read; clinical findings, other sites and laboratory values of the case not captured; PMID not captured, DOI used",
     features=[
         f("HP:0007626", "Mandibular osteomyelitis", note="CRMO involving the mandible"),
     ])

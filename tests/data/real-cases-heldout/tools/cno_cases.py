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

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

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

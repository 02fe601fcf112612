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

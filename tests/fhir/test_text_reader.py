"""The FHIR intake's free-text recogniser (intake/fhir/text.py, data/text.yaml): phrases, normalisation, and every
negation / uncertainty / relative cue on both sides of the finding (NegEx, Chapman 2001; ConText, Harkema 2009)."""

from __future__ import annotations

import pytest
import yaml

from rarebone.intake.fhir.text import DATA, normalise, quote, recogniser

OSTEOSCLEROSIS = "HP:0005789"  # Generalized osteosclerosis (hp.obo 2025-01-16 label)
CUES = yaml.safe_load((DATA / "text.yaml").read_text(encoding="utf-8"))["cues"]


def _read(text: str) -> list[tuple[str, str]]:
    return [(m.hpo_id, m.status) for m in recogniser().read(text)]


def _status_of(text: str, hpo_id: str = OSTEOSCLEROSIS) -> str | None:
    return next((s for h, s in _read(text) if h == hpo_id), None)


# -- phrases -------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("text, hpo_id", [
    ("Generalized osteosclerosis", "HP:0005789"),                 # HPO label
    ("Diffuse, symmetrical osteosclerosis", "HP:0005789"),        # HPO EXACT synonym
    ("Sclerotic skull base", "HP:0002694"),                       # EXACT synonym of Sclerosis of skull base
    ("Increased density of long bones", "HP:0006392"),            # a descendant of a knowledge term
    ("Periostosis", "HP:0030314"),
    ("Pustular rash", "HP:0033605"),
    ("Bone marrow oedema", "HP:6000917"),
    ("Sandwich vertebrae", "HP:0004618"),                         # cited radiology phrase (S0, Kirkland 2015)
    ("bone-within-bone appearance", "HP:0003955"),                # cited, UNVERIFIED site choice
    ("Erlenmeyer flask deformity", "HP:0004975"),
])
def test_a_phrase_of_a_knowledge_term_is_found(text, hpo_id):
    assert _read(text) == [(hpo_id, "present")]


def test_a_related_synonym_is_not_used():
    # "Pustulosis" is only a RELATED synonym of Pustular rash in hp.obo: it says something else, not read
    assert _read("Pustulosis") == []


def test_a_modifier_is_not_a_finding():
    # Left, Severe, Excluded are HPO clinical modifiers, not findings of the child (the table has none)
    assert _read("left severe") == []


def test_the_longest_phrase_wins():
    assert _read("Erlenmeyer flask deformity of the femurs") == [("HP:0004975", "present")]
    assert _read("Generalized osteosclerosis") == [("HP:0005789", "present")]  # not Osteosclerosis HP:0011001


# -- normalisation ----------------------------------------------------------------------------------------------
@pytest.mark.parametrize("a, b", [
    ("GENERALIZED OSTEOSCLEROSIS", "generalized osteosclerosis"),   # case
    ("bone-within-bone", "bone within bone"),                       # hyphens
    ("bone in a bone", "bone in bone"),                             # articles
    ("generalised", "generalized"), ("oedema", "edema"), ("anaemia", "anemia"), ("haemoglobin", "hemoglobin"),
    ("paediatric", "pediatric"), ("tumour", "tumor"), ("leukaemia", "leukemia"),  # British/American
    ("vertebrae", "vertebra"), ("bodies", "body"), ("metaphyses", "metaphysis"), ("femora", "femur"),
    ("ribs", "rib"), ("abscesses", "abscess"),                      # plurals
])
def test_normalisation_folds_spelling_variants(a, b):
    assert normalise(a) == normalise(b)


@pytest.mark.parametrize("a, b", [("osteopenia", "osteopetrosis"), ("sclerosis", "stenosis"), ("pubis", "pubi"),
                                  ("process", "proces")])
def test_normalisation_keeps_different_words_apart(a, b):
    assert normalise(a) != normalise(b)


# -- negation, uncertainty, relatives: every cue of the data file, on both sides ------------------------------------
_PRE = [(w, g) for g in ("negation_before", "uncertain_before") for ws in CUES[g].values() for w in ws]
_POST = [(w, g) for g in ("negation_after", "uncertain_after") for ws in CUES[g].values() for w in ws]
_EXPECT = {"negation_before": "excluded", "negation_after": "excluded", "uncertain_before": "uncertain",
           "uncertain_after": "uncertain"}
# A negation cue whose normalised words are also an uncertainty cue is read as uncertain (never as absent):
# NegEx's "rules out" normalises to its possibility phrase "rule out".
_UNCERTAIN_WORDS = {normalise(w) for g in ("uncertain_before", "uncertain_after") for ws in CUES[g].values() for w in ws}


def _expected(cue: str, group: str) -> str:
    return "uncertain" if normalise(cue) in _UNCERTAIN_WORDS else _EXPECT[group]


@pytest.mark.parametrize("cue, group", _PRE)
def test_each_cue_before_the_finding_and_not_beyond_its_sentence(cue, group):
    assert _status_of(f"{cue} generalized osteosclerosis") == _expected(cue, group)
    # the other side: the same cue after a sentence end does not reach back, nor into the next sentence
    assert _status_of(f"Generalized osteosclerosis. {cue} fever") == "present"


@pytest.mark.parametrize("cue, group", _POST)
def test_each_cue_after_the_finding_and_not_before_it(cue, group):
    assert _status_of(f"generalized osteosclerosis {cue}") == _expected(cue, group)
    assert _status_of(f"{cue}. Generalized osteosclerosis") == "present"


@pytest.mark.parametrize("cue", [w for ws in CUES["pseudo"].values() for w in ws])
def test_a_pseudo_negation_does_not_negate(cue):
    # NegEx pseudo-negations ("no interval change in the generalized osteosclerosis": present)
    assert _status_of(f"{cue} in generalized osteosclerosis") == "present"


@pytest.mark.parametrize("cue", [w for ws in CUES["termination"].values() for w in ws])
def test_a_termination_term_ends_the_negation(cue):
    found = dict(_read(f"no fever {cue} generalized osteosclerosis"))
    assert found == {"HP:0001945": "excluded", OSTEOSCLEROSIS: "present"}


@pytest.mark.parametrize("cue", [w for ws in CUES["family"].values() for w in ws])
def test_a_relative_s_finding_is_not_the_child_s(cue):
    assert _status_of(f"{cue} has generalized osteosclerosis") == "family"
    assert _status_of(f"{cue} well. Generalized osteosclerosis") == "present"


@pytest.mark.parametrize("cue", [w for ws in CUES["test_after"].values() for w in ws])
def test_a_finding_named_as_a_test_is_not_asserted(cue):
    assert _status_of(f"generalized osteosclerosis {cue} sent") == "uncertain"
    assert _status_of(f"generalized osteosclerosis, {cue} sent") == "present"  # not directly after: no effect


def test_negation_window_against_chapman2001_five_words():
    # NegEx (Chapman 2001; NegExAlgorithmDescription.md) historically limited a cue's reach to five words:
    # within five words the finding is read as absent; further away it is only "mentioned, uncertain".
    filler = ["large", "old", "white", "long", "thin", "round"]  # neither cues nor phrases
    assert _status_of("no " + " ".join(filler[:5]) + " generalized osteosclerosis") == "excluded"
    assert _status_of("no " + " ".join(filler[:6]) + " generalized osteosclerosis") == "uncertain"
    assert _status_of("generalized osteosclerosis " + " ".join(filler[:6])) == "present"


def test_a_comma_makes_a_negated_list_ambiguous():
    assert dict(_read("No fever, rash or bone pain")) == {"HP:0001945": "excluded", "HP:0002653": "uncertain"}
    assert dict(_read("No fever or bone pain")) == {"HP:0001945": "excluded", "HP:0002653": "excluded"}


def test_a_negation_after_reaches_only_the_finding_right_before_it():
    assert dict(_read("Osteomyelitis and fever excluded")) == {"HP:0002754": "uncertain", "HP:0001945": "excluded"}
    assert _status_of("Increased bone density is not seen", "HP:0011001") == "excluded"  # copula skipped
    assert _status_of("periosteal reaction, pain free", "HP:0031485") == "uncertain"


def test_cannot_be_excluded_is_uncertain_not_a_negation():
    assert dict(_read("Osteomyelitis cannot be excluded.")) == {"HP:0002754": "uncertain"}


def test_quote_escapes_terminal_and_markup():
    shown = quote('a\x1b[31m<b>"x"\u202e')
    assert "\x1b" not in shown and "<" not in shown and "[" not in shown and "\u202e" not in shown
    assert shown.startswith('"') and '\\"x\\"' in shown

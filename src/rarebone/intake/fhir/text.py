"""Free text an EHR sends instead of a code -> HPO findings, conservatively (docs/ehr-integration.md "Text").

Why: 131 of 308 HPO terms of the real cases have no SNOMED CT code, so an EHR sends them as text only
(Condition.code.text, Observation.code.text/valueString, a radiology report's conclusion). This module finds,
in such text, only the phrases of the HPO terms rarebone's knowledge base uses (the HPO release's label and EXACT
synonyms, data/text-hpo-phrases.json.gz; a few cited radiology phrases, data/text.yaml), and decides for each
whether the text asserts it, denies it, is unsure of it, or speaks of a relative - NegEx-style (Chapman 2001;
cue lists and the rules in data/text.yaml). When in doubt it asserts nothing: an uncertain or ambiguous mention
is listed as "mentioned", never used as a finding, and a negation is read as absence only when unambiguous.

Normalisation (the same for the text and the phrases): Unicode NFKC, lower case, words split at anything that is
not a letter or digit (hyphens included), British spellings folded to American (oedema -> edema, haem -> hem,
-ise -> -ize), simple plurals folded (vertebrae -> vertebra, bodies -> body, metaphyses -> metaphysis,
femora -> femur, ribs -> rib), the articles a/an/the dropped.
"""

from __future__ import annotations

import gzip
import json
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

DATA = Path(__file__).parent / "data"
_WORD = re.compile(r"[^\W_]+|\?", re.UNICODE)
# Sentence ends: a full stop not inside a number, semicolon, exclamation mark, line break, bullet.
_SENTENCE = re.compile(r"(?<!\d)\.(?!\d)|[;!\n\r\u2022]")
_ARTICLES = frozenset({"a", "an", "the"})
_COPULAS = frozenset({"is", "was", "are", "were", "has", "have", "been", "be"})
# British -> American, applied inside each word in order (both the text and the phrases go through it).
_SPELLING = (("oedem", "edem"), ("oesophag", "esophag"), ("haem", "hem"), ("aemi", "emi"), ("paed", "ped"),
             ("foet", "fet"), ("aetiolog", "etiolog"), ("aesthe", "esthe"), ("tumour", "tumor"),
             ("behaviour", "behavior"), ("colour", "color"), ("oestr", "estr"))
_ISE = re.compile(r"is(e|ed|es|ing|ation|ations)$")
_IRREGULAR = {"femora": "femur", "teeth": "tooth", "feet": "foot", "children": "child", "metastases": "metastasis",
              "phalanges": "phalanx", "calvaria": "calvarium", "ossa": "os", "bursae": "bursa"}


def _word(token: str) -> str:
    for uk, us in _SPELLING:
        if uk in token:
            token = token.replace(uk, us)
    if len(token) > 6:
        token = _ISE.sub(lambda m: "iz" + m.group(1), token)
    if token in _IRREGULAR:
        return _IRREGULAR[token]
    if len(token) > 4 and token.endswith("ies"):
        return token[:-3] + "y"
    if len(token) > 4 and token.endswith("yses"):
        return token[:-4] + "ysis"
    if len(token) > 4 and token.endswith("sses"):
        return token[:-2]
    if len(token) > 4 and token.endswith("ae"):
        return token[:-1]
    if len(token) > 3 and token.endswith("s") and not token.endswith(("ss", "us", "is")):
        return token[:-1]
    return token


def _tokens(text: str) -> list[tuple[str, int, int]]:
    """(normalised word, start, end) for each word of ``text``; articles dropped."""
    out = []
    for m in _WORD.finditer(text):
        word = _word(m.group().lower())
        if word not in _ARTICLES:
            out.append((word, m.start(), m.end()))
    return out


def normalise(text: str) -> str:
    """The key a phrase is looked up by: its normalised words joined by single spaces."""
    return " ".join(w for w, _, _ in _tokens(unicodedata.normalize("NFKC", text)))


@dataclass(frozen=True)
class Mention:
    """One phrase found in the text, and how the text speaks of it.

    ``status``: present | excluded | uncertain | family. ``cue``: the words that decided it (None for present).
    ``excerpt``: the source sentence (as written, at most ~160 characters)."""

    hpo_id: str
    phrase: str  # the phrase as written in its source (HPO label/synonym or the cited radiology phrase)
    source: str  # "HPO <release> label/synonym" or "rarebone text table (<sources>, <certainty>)"
    status: str
    cue: str | None
    excerpt: str
    matched: str  # the words of the text that matched, as written


@dataclass(frozen=True)
class _Cue:
    start: int
    end: int  # token indices, end exclusive
    roles: frozenset  # {"pseudo", "neg_before", "unc_before", "neg_after", "unc_after", "test_after", "family", "stop"}
    words: str


_ROLE = {"pseudo": "pseudo", "negation_before": "neg_before", "uncertain_before": "unc_before",
         "negation_after": "neg_after", "uncertain_after": "unc_after", "test_after": "test_after",
         "family": "family", "termination": "stop"}


class Recogniser:
    def __init__(self) -> None:
        import yaml

        with gzip.open(DATA / "text-hpo-phrases.json.gz", "rt", encoding="utf-8") as handle:
            table = json.load(handle)
        self.hpo_release = table["hpo_release"]
        self.terms = frozenset(table["terms"])
        self.config = yaml.safe_load((DATA / "text.yaml").read_text(encoding="utf-8"))
        self.version = self.config["version"]
        self.window = int(self.config["window"])
        self.phrases: dict[tuple[str, ...], tuple[str, str, str]] = {}
        for key, (hpo_id, written) in table["phrases"].items():
            self.phrases[tuple(key.split())] = (hpo_id, written, f"HPO {self.hpo_release}")
        for row in self.config["phrases"]:
            mark = "UNVERIFIED" if row["certainty"] == "unverified" else row["certainty"]
            key = tuple(normalise(row["phrase"]).split())
            self.phrases[key] = (row["hpo"], row["phrase"], f"rarebone text table ({', '.join(row['sources'])}, {mark})")
        self.cues: dict[tuple[str, ...], set[str]] = {}
        for group, lists in self.config["cues"].items():
            for words in (w for ws in lists.values() for w in ws):
                self.cues.setdefault(tuple(normalise(words).split()), set()).add(_ROLE[group])
        self._lexicon = {**self.phrases, **self.cues}
        self._longest = max(map(len, self._lexicon))

    # -- matching ------------------------------------------------------------------------------------------
    def _spans(self, words: list[str]) -> list[tuple[int, int, tuple]]:
        """Greedy longest match of phrases and cues, left to right."""
        out, i = [], 0
        while i < len(words):
            for n in range(min(self._longest, len(words) - i), 0, -1):
                key = tuple(words[i:i + n])
                if key in self._lexicon:
                    out.append((i, i + n, key))
                    i += n
                    break
            else:
                i += 1
        return out

    def read(self, text: str, unread: list[str] | None = None) -> list[Mention]:
        """Every knowledge-base phrase in ``text`` with its status, in reading order. Sentences in which no phrase
        was found are appended to ``unread`` (so that the caller can list them: nothing is dropped silently)."""
        text = unicodedata.normalize("NFKC", text or "")
        out: list[Mention] = []
        start = 0
        for end in [m.start() for m in _SENTENCE.finditer(text)] + [len(text)]:
            sentence = text[start:end]
            found = self._sentence(sentence)
            out.extend(found)
            if not found and unread is not None and _WORD.search(sentence):
                unread.append(_excerpt(sentence))
            start = end + 1
        return out

    def _sentence(self, sentence: str) -> list[Mention]:
        toks = _tokens(sentence)
        if not toks:
            return []
        words = [w for w, _, _ in toks]
        # One greedy pass over phrases and cues together, longest first: "cannot be excluded" is a cue, not the
        # word "excluded"; "absent speech" is a phrase, not the cue "absent" (a key that is both is a cue).
        found, cues = [], []
        for s, e, key in self._spans(words):
            if key in self.cues:
                cues.append(_Cue(s, e, frozenset(self.cues[key]), " ".join(key)))
            else:
                found.append((s, e, key))
        if not found:
            return []
        family = next((c for c in cues if "family" in c.roles), None)
        excerpt = _excerpt(sentence)
        mentions = []
        for k, (s, e, key) in enumerate(found):
            hpo_id, written, source = self.phrases[key]
            matched = sentence[toks[s][1]:toks[e - 1][2]]
            if family is not None:
                status, cue = "family", family.words
            else:
                status, cue = self._status(s, e, k, found, cues, toks, sentence)
            mentions.append(Mention(hpo_id, written, source, status, cue, excerpt, matched))
        return mentions

    def _status(self, s: int, e: int, k: int, found: list, cues: list[_Cue], toks: list, sentence: str) -> tuple[str, str | None]:
        # the nearest cue before the phrase (NegEx: a cue's scope ends at the next cue or a termination term)
        before = next((c for c in reversed(cues) if c.end <= s), None)
        if before is not None and "stop" in before.roles:
            before = None
        if before is not None and "pseudo" in before.roles:
            before = None
        after = next((c for c in cues if c.start >= e), None)
        if after is not None and not after.roles & {"neg_after", "unc_after", "test_after"}:
            after = None
        if after is not None:
            gap = after.start - e
            if "test_after" in after.roles and gap == 0 and "," not in sentence[toks[e - 1][2]:toks[after.start][1]]:
                return "uncertain", after.words
            if not after.roles & {"neg_after", "unc_after"} or gap > self.window:
                after = None
            elif any(c.roles & {"stop"} for c in cues if e <= c.start < after.start):
                after = None
        if before is not None and not before.roles & {"neg_before", "unc_before"}:
            before = None
        if before is None and after is None:
            return "present", None
        if before is not None and "unc_before" in before.roles:
            return "uncertain", before.words
        if after is not None and "unc_after" in after.roles:
            return "uncertain", after.words
        if before is not None and after is not None:
            return "uncertain", f"{before.words} ... {after.words}"  # two negations: not read
        if before is not None:
            gap = s - before.end
            comma = "," in sentence[toks[before.end - 1][2]:toks[s][1]]
            if gap <= self.window and not comma:
                return "excluded", before.words
            return "uncertain", f"{before.words} (negation {'after a comma' if comma else 'far from the finding'})"
        # a negation after the phrase: unambiguous only right after it ("fracture ruled out", "osteomyelitis was
        # excluded"; copulas skipped) with no comma or other finding between ("periosteal reaction, pain free")
        gap_words = [w for w, _, _ in toks[e:after.start] if w not in _COPULAS]
        comma = "," in sentence[toks[e - 1][2]:toks[after.start][1]]
        if gap_words or comma or any(f[0] < after.start for f in found[k + 1:]):
            return "uncertain", f"{after.words} (negation not directly after the finding)"
        return "excluded", after.words


def _excerpt(sentence: str, limit: int = 160) -> str:
    text = " ".join(sentence.split())
    return text if len(text) <= limit else text[:limit - 1] + "\u2026"


def quote(text: str) -> str:
    """The source text as it may be shown: in double quotes, control characters (terminal escapes) and markup
    brackets written as escapes, so the text can neither drive a terminal nor be taken for rich/HTML markup."""
    out = []
    for ch in text:
        if ch in '"\\':
            out.append("\\" + ch)
        elif unicodedata.category(ch)[0] == "C":
            out.append(f"\\x{ord(ch):02x}" if ord(ch) < 0x100 else f"\\u{ord(ch):04x}")
        elif ch in "[]<>&":
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


@lru_cache(maxsize=1)
def recogniser() -> Recogniser:
    return Recogniser()

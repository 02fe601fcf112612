"""The Human Phenotype Ontology through hpo3 (Rust core, ~0.5 s to load), loaded once per process on first use.

hpo3 installs under the import name ``pyhpo``; the pure-Python ``pyhpo`` package must not be installed beside
it (it takes ~15 s to load and silently shadows hpo3). hpo3 exposes names but not synonyms, so a label index
built from HPO 2025-01-16 (see scripts/build_hpo_label_index.py) supplies synonyms, former names and alt ids.
"""

from __future__ import annotations

import gzip
import json
import re
import threading
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from rarebone.errors import TermError

_INDEX_FILE = Path(__file__).parent / "data" / "hpo-label-index.json.gz"
_HPO_ID = re.compile(r"^HP:\d{7}$")


def normalise_label(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", " ", text.lower()).strip()


@dataclass(frozen=True, slots=True)
class ResolvedTerm:
    """The outcome of checking an (id, label) pair from a file."""

    hpo_id: str  # current id (after alt-id/obsolete replacement)
    name: str  # current name
    warning: str | None = None  # e.g. obsolete id replaced, or label in older wording
    usable: bool = True  # False for an obsolete term with no replacement


@dataclass(frozen=True, slots=True)
class FeatureSummary:
    present_ids: frozenset[str]
    present_ancestors: frozenset[str]  # union of the present features' ancestor-or-self sets
    excluded_ids: frozenset[str]


class HpoOntology:
    """Thin, fast wrapper over hpo3 with caches for the subsumption questions the rules ask."""

    def __init__(self) -> None:
        from pyhpo import Ontology  # hpo3

        Ontology()
        self._ontology = Ontology
        self.version = Ontology.version() if hasattr(Ontology, "version") else "unknown"
        with gzip.open(_INDEX_FILE, "rt", encoding="utf-8") as handle:
            index = json.load(handle)
        self._labels: dict[str, list[str]] = index["labels"]
        self._alt_ids: dict[str, str] = index["alt_ids"]
        self._ancestors: dict[str, frozenset[str]] = {}
        self._last_features: tuple = ()
        self._last_ancestors: tuple = ()
        self._any_ancestors: dict[tuple[str, ...], frozenset[str]] = {}
        # (features, summary) as one tuple, replaced in one assignment so threads never see a mixed pair
        self._summary: tuple = ((), FeatureSummary(frozenset(), frozenset(), frozenset()))

    def _term(self, hpo_id: str):
        try:
            return self._ontology.get_hpo_object(hpo_id)
        except (RuntimeError, KeyError, ValueError, TypeError):
            return None

    def name(self, hpo_id: str) -> str:
        term = self._term(hpo_id)
        return term.name if term is not None else hpo_id

    def exists(self, hpo_id: str) -> bool:
        return self._term(hpo_id) is not None

    def resolve(self, hpo_id: str, label: str | None) -> ResolvedTerm:
        """Check an id and its label. TermError if the id is unknown or the label names a different term."""
        if not isinstance(hpo_id, str) or not _HPO_ID.match(hpo_id):
            raise TermError("not an HPO id of the form HP:0000000", value=hpo_id)
        warning = None
        term = self._term(hpo_id)
        if term is None and hpo_id in self._alt_ids:
            replacement = self._alt_ids[hpo_id]
            term = self._term(replacement)
            warning = f"{hpo_id} is an alternative id of {replacement}; using {replacement}"
        if term is None:
            raise TermError("unknown HPO id (not in HPO release %s)" % self.version, value=hpo_id)
        original_id = hpo_id
        if term.is_obsolete:
            replacement = term.replaced_by
            if not replacement or self._term(replacement) is None:
                return ResolvedTerm(hpo_id, term.name, f"{hpo_id} is obsolete with no replacement; not used", False)
            old_name = term.name
            term = self._term(replacement)
            warning = f"{hpo_id} ({old_name}) is obsolete; replaced by {term.id} ({term.name})"
        if label:
            key = normalise_label(label)
            candidates = set(self._labels.get(key, ()))
            for name_key in (normalise_label(term.name),):
                if name_key == key:
                    candidates.add(term.id)
            if term.id not in candidates and original_id not in candidates:
                others = sorted(c for c in candidates if c not in (term.id, original_id))
                if others:
                    raise TermError(
                        f"label {label!r} names {others[0]} ({self.name(others[0])}), not {original_id} ({term.name})",
                        value=original_id,
                    )
                if warning is None:
                    warning = f"label {label!r} is not the current HPO wording for {term.id} ({term.name})"
        return ResolvedTerm(term.id, term.name, warning)

    def labels(self) -> dict[str, list[str]]:
        """Normalised label, synonym or former name -> HPO ids (the workbench's term autocomplete searches it)."""
        return self._labels

    def ancestors_or_self(self, hpo_id: str) -> frozenset[str]:
        cached = self._ancestors.get(hpo_id)
        if cached is None:
            term = self._term(hpo_id)
            if term is None:
                cached = frozenset({hpo_id})
            else:
                cached = frozenset({hpo_id, *(p.id for p in term.all_parents)})
            self._ancestors[hpo_id] = cached
        return cached

    def feature_ancestors(self, features: tuple) -> tuple[frozenset[str], ...]:
        """Ancestor sets of a record's features, in order. The rules ask about the same record dozens of times
        in a row, so the last record's answer is kept (a reference to its tuple, so the id cannot be reused)."""
        if features is not self._last_features:
            self._last_ancestors = tuple(self.ancestors_or_self(f.hpo_id) for f in features)
            self._last_features = features
        return self._last_ancestors

    def feature_summary(self, features: tuple) -> "FeatureSummary":
        """One record's present ids, the union of their ancestor sets, and its excluded ids. About sixty rules ask
        "is any present finding under these terms?" and most answer no: one set test against the union answers
        that without a loop over the features (same last-record cache as feature_ancestors)."""
        cached_features, summary = self._summary
        if features is not cached_features:
            union: set[str] = set()
            for f in features:
                if not f.excluded:
                    union |= self.ancestors_or_self(f.hpo_id)
            summary = FeatureSummary(
                frozenset(f.hpo_id for f in features if not f.excluded), frozenset(union),
                frozenset(f.hpo_id for f in features if f.excluded))
            self._summary = (features, summary)
        return summary

    def ancestors_of_any(self, terms: tuple[str, ...]) -> frozenset[str]:
        """Every term that is one of ``terms`` or an ancestor of one. A recorded excluded term rules the rule's
        terms out when it is in this set (the rules' term lists are few and fixed, so each is computed once)."""
        cached = self._any_ancestors.get(terms)
        if cached is None:
            cached = frozenset().union(*(self.ancestors_or_self(t) for t in terms))
            self._any_ancestors[terms] = cached
        return cached

    def is_a(self, child_id: str, ancestor_id: str) -> bool:
        """True when child_id is ancestor_id or one of its descendants ("bilateral optic atrophy" is an "optic atrophy")."""
        return ancestor_id in self.ancestors_or_self(child_id)


_lock = threading.Lock()


@lru_cache(maxsize=1)
def _load() -> HpoOntology:
    return HpoOntology()


def ontology() -> HpoOntology:
    """The process-wide ontology, loaded on first use (thread-safe)."""
    with _lock:
        return _load()

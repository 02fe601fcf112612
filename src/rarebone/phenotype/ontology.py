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
from functools import cached_property, lru_cache
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
    """Thin, fast wrapper over hpo3 with caches for the subsumption questions the rules ask.

    Loading hpo3 costs ~0.9 s CPU, most of a cold ``rarebone assess``. The questions asked here (name, obsolete and
    replacement, ancestors of a well-formed id) are answered from a term table derived from hpo3 once and kept in
    the user's cache (``_terms``, ~30 ms to read); hpo3 itself is loaded only for a query the table cannot answer
    (an id in another spelling, a term name) or when no cache can be kept. The label index is read only when a
    label differs from the term's current name."""

    def __init__(self) -> None:
        self._table = _TermTable.cached()
        self.version = self._table.version if self._table is not None else _hpo3_version()
        self._index_lock = threading.Lock()
        self._ancestors: dict[str, frozenset[str]] = {}
        self._last_features: tuple = ()
        self._last_ancestors: tuple = ()
        self._any_ancestors: dict[tuple[str, ...], frozenset[str]] = {}
        # (features, summary) as one tuple, replaced in one assignment so threads never see a mixed pair
        self._summary: tuple = ((), FeatureSummary(frozenset(), frozenset(), frozenset()))

    @property
    def _ontology(self):
        return hpo3()

    @cached_property
    def _index(self) -> tuple[dict[str, list[str]], dict[str, str]]:
        with self._index_lock, gzip.open(_INDEX_FILE, "rt", encoding="utf-8") as handle:
            index = json.load(handle)
        return index["labels"], index["alt_ids"]

    @property
    def _labels(self) -> dict[str, list[str]]:
        return self._index[0]

    @property
    def _alt_ids(self) -> dict[str, str]:
        return self._index[1]

    def _term(self, hpo_id):
        """hpo3's own term object (children, diseases...), or None: loads hpo3."""
        return self._hpo3_term(hpo_id)

    def _lookup(self, hpo_id: str):
        """The term (its id, name, obsolete mark and replacement) from the table, or from hpo3 for a query the
        table cannot answer; None when hpo3 knows no such term."""
        table = self._table
        if table is not None and isinstance(hpo_id, str):
            row = table.row.get(hpo_id)
            if row is not None:
                return table.term(row)
            if _is_canonical(hpo_id):
                return None  # hpo3 knows no other HP:nnnnnnn id (every one it knows is in the table)
        return self._hpo3_term(hpo_id)

    def _hpo3_term(self, hpo_id):
        try:
            return hpo3().get_hpo_object(hpo_id)
        except (RuntimeError, KeyError, ValueError, TypeError):
            return None

    def name(self, hpo_id: str) -> str:
        table = self._table
        if table is not None and isinstance(hpo_id, str):
            row = table.row.get(hpo_id)
            if row is not None:
                return table.names[row]  # what _lookup's term would say, without building the term
        term = self._lookup(hpo_id)
        return term.name if term is not None else hpo_id

    def exists(self, hpo_id: str) -> bool:
        return self._lookup(hpo_id) is not None

    def resolve(self, hpo_id: str, label: str | None) -> ResolvedTerm:
        """Check an id and its label. TermError if the id is unknown or the label names a different term."""
        if not isinstance(hpo_id, str) or not _HPO_ID.match(hpo_id):
            raise TermError("not an HPO id of the form HP:0000000", value=hpo_id)
        warning = None
        term = self._lookup(hpo_id)
        if term is None and hpo_id in self._alt_ids:
            replacement = self._alt_ids[hpo_id]
            term = self._lookup(replacement)
            warning = f"{hpo_id} is an alternative id of {replacement}; using {replacement}"
        if term is None:
            # A well-formed id this release lacks is either a term of a newer HPO release (records are annotated
            # against whatever release their curator had) or a mistyped id. A label that names a term of this
            # release says "mistyped": that stays an error, since which term was meant cannot be guessed. Otherwise
            # the term is left out with a warning and the rest of the child is assessed: refusing the whole record
            # would hide every other finding from the clinician.
            known = set(self._labels.get(normalise_label(label), ())) if label else set()
            if known:
                raise TermError("unknown HPO id (not in HPO release %s); the term named %r is %s"
                                % (self.version, label, ", ".join(sorted(known))), value=hpo_id)
            if label is not None and not isinstance(label, str):
                raise TermError("unknown HPO id (not in HPO release %s)" % self.version, value=hpo_id)
            shown = f"{hpo_id} ({label})" if label else hpo_id
            return ResolvedTerm(hpo_id, label or hpo_id,
                                f"{shown} is not in HPO release {self.version} (a newer release's term, or a "
                                f"mistyped id); not used: check it", False)
        original_id = hpo_id
        if term.is_obsolete:
            replacement = term.replaced_by
            if not replacement or self._lookup(replacement) is None:
                return ResolvedTerm(hpo_id, term.name, f"{hpo_id} is obsolete with no replacement; not used", False)
            old_name = term.name
            term = self._lookup(replacement)
            warning = f"{hpo_id} ({old_name}) is obsolete; replaced by {term.id} ({term.name})"
        if label:
            key = normalise_label(label)
            if normalise_label(term.name) == key:
                return ResolvedTerm(term.id, term.name, warning)  # the current name: the label index cannot object
            candidates = set(self._labels.get(key, ()))
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
            term = self._lookup(hpo_id)
            if term is None:
                cached = frozenset({hpo_id})
            elif isinstance(term, _Term):
                cached = frozenset({hpo_id, *self._table.parent_ids(term.row)})
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


def _is_canonical(text: str) -> bool:
    return len(text) == 10 and text.startswith("HP:") and text[3:].isascii() and text[3:].isdigit()


@lru_cache(maxsize=1)
def _hpo3_loaded():
    from pyhpo import Ontology  # hpo3

    Ontology()  # a second call makes hpo3 print a notice on standard output (it would corrupt JSON output)
    return Ontology


def hpo3():
    """hpo3's Ontology, loaded once per process (thread-safe). For what the term table does not hold: diseases,
    genes, similarity, the differential's index build."""
    with _hpo3_lock:
        return _hpo3_loaded()


def _hpo3_version() -> str:
    ontology_ = hpo3()
    return ontology_.version() if hasattr(ontology_, "version") else "unknown"


_hpo3_lock = threading.Lock()
_TABLE_FORMAT = 1
_TABLE_FILE = "hpo-terms.json"


@dataclass(frozen=True, slots=True)
class _Term:
    """What the rules read of an hpo3 term (same attribute names), with its row in the table."""

    id: str
    name: str
    is_obsolete: bool
    replaced_by: str | None
    row: int


class _TermTable:
    """Every term hpo3 holds (obsolete ones included): id, name, obsolete mark and replacement, and the ids of all
    its ancestors exactly as hpo3's ``all_parents`` lists them. Derived from the installed hpo3 and cached."""

    def __init__(self, payload: dict) -> None:
        from array import array
        from binascii import a2b_base64

        self.version: str = payload["version"]
        self.ids: list[str] = payload["ids"]
        self.names: list[str] = payload["names"]
        self.obsolete: dict[int, str | None] = {row: replaced for row, replaced in payload["obsolete"]}
        self.ptr = array("i", a2b_base64(payload["ptr"]))
        self.flat = array("i", a2b_base64(payload["flat"]))
        if len(self.ptr) != len(self.ids) + 1 or len(self.names) != len(self.ids) or self.ptr[-1] != len(self.flat):
            raise ValueError("inconsistent HPO term table")
        self.row = {hpo_id: i for i, hpo_id in enumerate(self.ids)}

    def term(self, row: int) -> _Term:
        obsolete = row in self.obsolete
        return _Term(self.ids[row], self.names[row], obsolete, self.obsolete[row] if obsolete else None, row)

    def parent_ids(self, row: int):
        ids = self.ids
        return (ids[k] for k in self.flat[self.ptr[row]:self.ptr[row + 1]])

    @staticmethod
    def key() -> str | None:
        """A digest of the installed hpo3 (its files' names, sizes and times) and the table format; None when
        hpo3 is not installed (then loading hpo3 raises the usual error)."""
        import hashlib
        import sys

        from rarebone.core.disk_cache import installed

        stamp = installed("pyhpo")  # hpo3's import name; its data is inside its compiled module
        if stamp is None:
            return None
        return hashlib.sha256(f"format {_TABLE_FORMAT}\n{sys.byteorder}\n{stamp}".encode()).hexdigest()

    @classmethod
    def cached(cls) -> "_TermTable | None":
        """The table from the cache, or derived from hpo3 and cached; None when it cannot be cached (hpo3 is
        then used directly, as deriving a table that cannot be kept would only add to every start)."""
        from rarebone.core import disk_cache

        key = cls.key()
        if key is None:
            return None
        payload = disk_cache.read(_TABLE_FILE, key)
        if payload is not None:
            try:
                return cls(json.loads(payload))
            except (ValueError, KeyError, TypeError):
                pass  # not a table this code wrote: derive it again
        reserved = disk_cache.reserve(_TABLE_FILE)
        if reserved is None:
            return None
        try:
            data = cls.derive()
            table = cls(json.loads(data))
        except BaseException:
            disk_cache.discard(reserved)
            raise
        disk_cache.commit(reserved, key, data)
        return table

    @staticmethod
    def derive() -> bytes:
        from array import array
        from binascii import b2a_base64

        ontology_ = hpo3()
        ids, names, obsolete, ptr, flat = [], [], [], array("i", [0]), array("i")
        terms = sorted(ontology_, key=lambda t: int(t.id.split(":")[1]))
        row_of = {t.id: i for i, t in enumerate(terms)}
        for i, term in enumerate(terms):
            ids.append(term.id)
            names.append(term.name)
            if term.is_obsolete:
                obsolete.append([i, term.replaced_by])
            flat.extend(row_of[p.id] for p in term.all_parents)
            ptr.append(len(flat))
        payload = {"version": _hpo3_version(), "ids": ids, "names": names, "obsolete": obsolete,
                   "ptr": b2a_base64(ptr.tobytes(), newline=False).decode(),
                   "flat": b2a_base64(flat.tobytes(), newline=False).decode()}
        return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()

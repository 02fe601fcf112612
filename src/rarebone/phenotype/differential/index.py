"""The precomputed disease index of the differential: built once per HPO release, cached on disk.

What is precomputed (all from hpo3's bundled ontology and annotations, plus the qualifier table of
``phenotype/data/hpo-annotation-qualifiers.json.gz``):
- every HPO term's ancestors (itself included), as one CSR array;
- for every term, the diseases it annotates directly or through a descendant, with the implied frequency
  (the highest frequency among the disease's annotations at or below the term), as one CSR array;
- each term's background frequency (share of diseases it annotates) and information content;
- per disease: id, name, genes, onset classes, sex limitation; and its frequent features for the "look for
  next" hints.

The cache file's name carries the HPO release, the qualifier table's digest and the model parameters' digest,
so a new release or a recalibration rebuilds it by itself. A cache that cannot be read is rebuilt, never trusted.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import tempfile
import threading
import zipfile
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import numpy as np

from rarebone.phenotype.differential.equivalence import INHERITANCE_CLASSES, groups_and_members

INDEX_FORMAT = 10  # bump when the arrays below change shape or meaning
_QUALIFIERS = Path(__file__).resolve().parents[1] / "data" / "hpo-annotation-qualifiers.json.gz"
# Orphanet's own OMIM cross-references with their relation codes (scripts/build_orphanet_omim_mapping.py)
_ORPHANET = Path(__file__).resolve().parents[1] / "data" / "orphanet-omim-mapping.tsv.gz"
ROOT_TERM = "HP:0000118"  # Phenotypic abnormality: only its subtree is matched as a feature
ONSET_ROOT = "HP:0003674"
INHERITANCE_ROOT = "HP:0000005"
MALE_LIMITED = "HP:0001475"
FEMALE_LIMITED = "HP:0034344"


class _Ragged:
    """A read-only list of lists over flat arrays, made row by row on demand (loading 12,000 Python lists at
    start-up would cost more than the rest of the load)."""

    def __init__(self, ptr: np.ndarray, *columns: np.ndarray) -> None:
        self._ptr, self._columns = ptr, columns

    def __len__(self) -> int:
        return len(self._ptr) - 1

    def __getitem__(self, i: int) -> list:
        start, end = int(self._ptr[i]), int(self._ptr[i + 1])
        if len(self._columns) == 1:
            return self._columns[0][start:end].tolist()
        return list(zip(*(column[start:end].tolist() for column in self._columns)))

    def __iter__(self):
        return (self[i] for i in range(len(self)))


# shown frequency of a feature the knowledge base adds (DDX-CURATED-*): alternative wordings of one finding, so
# neither a "look for next" hint nor a feature whose absence counts against the disease
CURATED = -2.0


def _hp(value: int) -> str:
    return f"HP:{value:07d}"


@dataclass(frozen=True, eq=False)
class DiseaseIndex:
    hpo_release: str
    annotation_release: str
    term_ids: np.ndarray  # int32, HPO integer ids, sorted
    anc_ptr: np.ndarray
    anc_idx: np.ndarray  # term rows of ancestors-or-self, most specific (highest IC) first
    dis_ptr: np.ndarray
    dis_idx: np.ndarray  # disease rows annotated by the term (directly or through a descendant)
    dis_freq: np.ndarray  # float32 implied frequency
    background: np.ndarray  # float64 share of diseases annotated, smoothed
    ic: np.ndarray  # float64 -ln(background)
    disease_ids: list[str]
    disease_names: list[str]
    disease_genes: list[list[str]]
    disease_onsets: list[list[int]]  # term rows of onset classes
    disease_sex: np.ndarray  # int8: 0 none, 1 male-limited, 2 female-limited
    disease_group: np.ndarray  # int32: the same disease under OMIM and Orphanet ids (equivalence.py) share a group
    member_pairs: np.ndarray  # int32 (k, 2): [Orphanet group row, OMIM entry row it contains] (equivalence.py)
    top_features: list[list[tuple[int, float]]]  # (term row, published frequency or -1) of the disease's own annotations
    frequency_bounds: tuple[float, float, float]  # default, floor, ceiling (DDX-FREQUENCY-DEFAULT)

    def row(self, hpo_id: str) -> int | None:
        try:
            value = int(hpo_id.split(":", 1)[1])
        except (IndexError, ValueError):
            return None
        pos = int(np.searchsorted(self.term_ids, value))
        if pos < len(self.term_ids) and self.term_ids[pos] == value:
            return pos
        return None

    def term_id(self, row: int) -> str:
        return _hp(int(self.term_ids[row]))

    def ancestors(self, row: int) -> np.ndarray:
        return self.anc_idx[self.anc_ptr[row]:self.anc_ptr[row + 1]]

    def diseases_of(self, row: int) -> tuple[np.ndarray, np.ndarray]:
        start, end = self.dis_ptr[row], self.dis_ptr[row + 1]
        return self.dis_idx[start:end], self.dis_freq[start:end]

    @property
    def n_diseases(self) -> int:
        return len(self.disease_ids)

    @cached_property
    def feature_arrays(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Each disease's own annotations as flat arrays: (start offsets, term rows, frequencies)."""
        if isinstance(self.top_features, _Ragged):
            ptr, rows_array, freqs_raw = self.top_features._ptr, *self.top_features._columns
            rows, freqs = rows_array, freqs_raw
        else:
            ptr = np.zeros(self.n_diseases + 1, dtype=np.int64)
            rows, freqs = [], []
            for d, features in enumerate(self.top_features):
                rows.extend(r for r, _ in features)
                freqs.extend(f for _, f in features)
                ptr[d + 1] = len(rows)
        freqs_array = np.asarray(freqs, dtype=np.float64)
        default, floor, ceiling = self.frequency_bounds
        freqs_array = np.clip(np.where(freqs_array < 0, default, freqs_array), floor, ceiling)
        return ptr, np.asarray(rows, dtype=np.int32), freqs_array

    @cached_property
    def curated_mask(self) -> np.ndarray:
        """Per entry of ``feature_arrays``: True for a feature the knowledge base added (DDX-CURATED-*)."""
        if isinstance(self.top_features, _Ragged):
            raw = np.asarray(self.top_features._columns[1], dtype=np.float64)
        else:
            raw = np.asarray([f for features in self.top_features for _, f in features], dtype=np.float64)
        return raw == CURATED

    @cached_property
    def direct_annotations(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The inverse of ``feature_arrays``: per term row, the diseases annotated with exactly that term."""
        ptr, rows, freqs = self.feature_arrays
        diseases = np.repeat(np.arange(self.n_diseases, dtype=np.int32), np.diff(ptr))
        order = np.argsort(rows, kind="stable")
        counts = np.bincount(rows, minlength=len(self.term_ids))
        term_ptr = np.concatenate([[0], np.cumsum(counts)])
        return term_ptr, diseases[order], freqs[order]

    @cached_property
    def log_best_ratio(self) -> tuple[np.ndarray, np.ndarray]:
        """Per term row, ln(highest frequency / background) over the diseases annotated through it
        (``diseases_of``) and over those annotated with it directly (``direct_of``); -inf where there are none.
        An upper bound of what ``model.observed_scores`` can give through that row, so it can stop at the
        ancestors that cannot beat any disease's floor (the ranking is exactly the same)."""
        out = []
        for ptr, freqs in ((self.dis_ptr, self.dis_freq), (self.direct_annotations[0], self.direct_annotations[2])):
            ratio = np.full(len(self.term_ids), -np.inf)
            nonempty = ptr[:-1] < ptr[1:]
            if len(freqs):
                best = np.maximum.reduceat(freqs, ptr[:-1][nonempty])
                ratio[nonempty] = np.log(best / self.background[nonempty])
            out.append(ratio)
        return out[0], out[1]

    def direct_of(self, row: int) -> tuple[np.ndarray, np.ndarray]:
        term_ptr, diseases, freqs = self.direct_annotations
        return diseases[term_ptr[row]:term_ptr[row + 1]], freqs[term_ptr[row]:term_ptr[row + 1]]


def _frequency(values: list[str], table: dict[str, float], default: float, pseudocount: float = 0.0) -> float:
    """Pool the published frequencies of one disease-term pair (several references): n/m summed, else mean.

    Counts are shrunk towards the default by ``pseudocount`` patients, (n + k x default) / (m + k): most counts
    come from one to three reported patients, and "1/1" is no evidence that every patient has the feature (nor
    "0/2" that none does); a count from 100 patients hardly moves."""
    n = m = 0
    others: list[float] = []
    for value in values:
        if "/" in value:
            a, _, b = value.partition("/")
            if a.isdigit() and b.isdigit() and int(b) > 0:
                n, m = n + int(a), m + int(b)
        elif value.endswith("%"):
            try:
                others.append(float(value[:-1]) / 100.0)
            except ValueError:
                pass
        elif value in table:
            others.append(table[value])
    if m:
        others.append((n + pseudocount * default) / (m + pseudocount))
    return float(np.mean(others)) if others else default


def orphanet_mapping() -> list[tuple[str, str, str]]:
    """(Orphanet id, code E / BTNT / NTBT, OMIM id) rows of the shipped Orphanet mapping."""
    with gzip.open(_ORPHANET, "rt", encoding="utf-8") as handle:
        rows = [line.rstrip("\n").split("\t") for line in handle if not line.startswith("#")]
    return [(o, code, m) for o, code, m in rows[1:]]


BUILD_KEYS = ("frequency_terms", "frequency_default", "frequency_floor", "frequency_ceiling", "frequency_pseudocount",
              "equivalent_ids", "curated_annotations", "pool_equivalents", "orphanet_containment",
              "orphanet_exact_twins", "xref_sets")


def build_parameters(params: dict) -> dict:
    """Only these parameters shape the index; the others apply at query time and do not invalidate the cache."""
    return {key: params[key] for key in BUILD_KEYS}


def parameters_digest(params: dict) -> str:
    return hashlib.sha256(json.dumps(params, sort_keys=True).encode()).hexdigest()[:10]


def _pooled(features: list[list[tuple]], group: np.ndarray) -> list[list[tuple]]:
    """The same disease under OMIM and Orphanet ids is described by both annotation sets: each member gets their
    union, a term annotated in both at the higher frequency (a thin OMIM entry borrows its Orphanet twin's)."""
    members: dict[int, list[int]] = {}
    for d, g in enumerate(group):
        members.setdefault(int(g), []).append(d)
    out = list(features)
    for rows in members.values():
        if len(rows) < 2:
            continue
        union: dict[int, tuple] = {}
        for d in rows:
            for r, shown, f in features[d]:
                old = union.get(r)
                union[r] = (r, max(shown, old[1]), max(f, old[2])) if old else (r, shown, f)
        for d in rows:
            out[d] = list(union.values())
    return out


def _ontology():
    """hpo3's Ontology, loaded once through rarebone's process-wide loader (a second ``Ontology()`` call makes
    hpo3 print a notice on standard output, which would corrupt JSON output)."""
    from rarebone.phenotype.ontology import hpo3

    return hpo3()


def build_index(params: dict) -> DiseaseIndex:
    """Compute the index from hpo3 and the qualifier table (about 10-20 s on two cores)."""
    Ontology = _ontology()
    with gzip.open(_QUALIFIERS, "rt", encoding="utf-8") as handle:
        qualifiers = json.load(handle)
    freq_terms = params["frequency_terms"]
    curated = params["curated_annotations"]  # disease id -> terms the knowledge base adds (DDX-CURATED-*)
    default, floor, ceiling = params["frequency_default"], params["frequency_floor"], params["frequency_ceiling"]

    terms = sorted(int(t.id.split(":")[1]) for t in Ontology)
    term_ids = np.asarray(terms, dtype=np.int32)
    row_of = {value: i for i, value in enumerate(terms)}
    ancestors: list[list[int]] = []
    for value in terms:
        term = Ontology.get_hpo_object(value)
        ancestors.append([row_of[value], *(row_of[int(p.id.split(":")[1])] for p in term.all_parents)])
    phenotype_root = row_of[int(ROOT_TERM.split(":")[1])]
    onset_root = row_of[int(ONSET_ROOT.split(":")[1])]
    in_phenotype = np.zeros(len(terms), dtype=bool)
    in_onset = np.zeros(len(terms), dtype=bool)
    for i, anc in enumerate(ancestors):
        in_phenotype[i] = phenotype_root in anc
        in_onset[i] = onset_root in anc
    classes = {row_of[int(t.split(":")[1])]: t for t in INHERITANCE_CLASSES}
    inheritance_of = {i: frozenset(classes[a] for a in anc if a in classes) for i, anc in enumerate(ancestors)}
    disease_inheritance: list[frozenset[str]] = []

    disease_ids: list[str] = []
    disease_names: list[str] = []
    disease_genes: list[list[str]] = []
    disease_onsets: list[list[int]] = []
    disease_sex: list[int] = []
    top_features: list[list[tuple[int, float]]] = []
    columns: dict[int, dict[int, float]] = {}  # term row -> disease row -> implied frequency
    male, female = row_of[int(MALE_LIMITED.split(":")[1])], row_of[int(FEMALE_LIMITED.split(":")[1])]
    for prefix, collection in (("OMIM", Ontology.omim_diseases), ("ORPHA", Ontology.orpha_diseases)):
        for disease in sorted(collection, key=lambda d: d.id):
            annotated = [row_of[t] for t in disease.hpo if t in row_of]
            features = [r for r in annotated if in_phenotype[r]]
            if not features:
                continue
            key = f"{prefix}:{disease.id}"
            added = {r for r in (row_of.get(int(t.split(":")[1])) for t in curated.get(key, ()))
                     if r is not None and in_phenotype[r] and r not in features}
            features += sorted(added)
            extra = qualifiers["diseases"].get(key, {})
            published = extra.get("f", {})
            negated = {row_of.get(int(t.split(":")[1])) for t in extra.get("n", [])}
            d = len(disease_ids)
            disease_ids.append(key)
            disease_names.append(disease.name)
            disease_genes.append(list(extra.get("g", [])))
            onsets = {r for r in annotated if in_onset[r]}
            onsets |= {row_of[int(t.split(":")[1])] for t in extra.get("o", []) if int(t.split(":")[1]) in row_of}
            disease_onsets.append(sorted(onsets))
            disease_sex.append(1 if male in annotated else 2 if female in annotated else 0)
            disease_inheritance.append(frozenset().union(*(inheritance_of[r] for r in annotated)))
            own: list[tuple[int, float]] = []
            for r in features:
                if r in negated:
                    continue
                values = published.get(_hp(terms[r]), [])
                f = _frequency(values, freq_terms, default, params.get("frequency_pseudocount", 0.0))
                # the published frequency is kept for display (-1: none published); the model uses it bounded
                own.append((r, f if values else CURATED if r in added else -1.0, f))
            top_features.append(own)

    group, member_pairs = groups_and_members(disease_ids, disease_names, disease_genes, disease_inheritance,
                                             params["equivalent_ids"], orphanet_mapping(),
                                             exact_twins=bool(params["orphanet_exact_twins"]),
                                             containment=params["orphanet_containment"],
                                             xref_sets=params["xref_sets"])
    if params["pool_equivalents"]:
        top_features = _pooled(top_features, group)
    for d, own in enumerate(top_features):
        for r, _, f in own:
            f = min(max(f, floor), ceiling)
            for a in ancestors[r]:
                if in_phenotype[a]:
                    column = columns.setdefault(a, {})
                    if column.get(d, 0.0) < f:
                        column[d] = f
    # ties broken by term row: hpo3 hands out sets, whose order changes between processes, and the index must be
    # the same file from every build (the order decides which of equally informative terms explains a match)
    top_features = [sorted(((r, shown) for r, shown, _ in own), key=lambda x: (-x[1], x[0])) for own in top_features]

    n = len(disease_ids)
    counts = np.zeros(len(terms))
    dis_ptr = np.zeros(len(terms) + 1, dtype=np.int64)
    for r in range(len(terms)):
        counts[r] = len(columns.get(r, ()))
        dis_ptr[r + 1] = dis_ptr[r] + counts[r]
    dis_idx = np.empty(dis_ptr[-1], dtype=np.int32)
    dis_freq = np.empty(dis_ptr[-1], dtype=np.float32)
    for r, column in columns.items():
        items = sorted(column.items())
        dis_idx[dis_ptr[r]:dis_ptr[r + 1]] = [k for k, _ in items]
        dis_freq[dis_ptr[r]:dis_ptr[r + 1]] = [v for _, v in items]
    background = (counts + 0.5) / (n + 1.0)
    ic = -np.log(background)
    anc_ptr = np.zeros(len(terms) + 1, dtype=np.int64)
    flat: list[int] = []
    for r, anc in enumerate(ancestors):
        ordered = sorted(set(anc), key=lambda a: (-ic[a], a))
        flat.extend(ordered)
        anc_ptr[r + 1] = len(flat)
    return DiseaseIndex(
        hpo_release=str(Ontology.version()), annotation_release=str(qualifiers["hpo_annotation_release"]),
        term_ids=term_ids, anc_ptr=anc_ptr, anc_idx=np.asarray(flat, dtype=np.int32), dis_ptr=dis_ptr,
        dis_idx=dis_idx, dis_freq=dis_freq, background=background, ic=ic, disease_ids=disease_ids,
        disease_names=disease_names, disease_genes=disease_genes, disease_onsets=disease_onsets,
        disease_sex=np.asarray(disease_sex, dtype=np.int8), disease_group=group, member_pairs=member_pairs,
        top_features=top_features,
        frequency_bounds=(default, floor, ceiling),
    )


_ARRAYS = ("term_ids", "anc_ptr", "anc_idx", "dis_ptr", "dis_idx", "dis_freq", "background", "ic", "disease_sex",
           "disease_group", "member_pairs")
_DIRECT = ("da_ptr", "da_dis", "da_freq")
_SEP = "\x1f"  # between items of one disease; names and gene symbols never contain it


def _ragged(rows: list[list]) -> tuple[np.ndarray, list]:
    ptr = np.zeros(len(rows) + 1, dtype=np.int64)
    flat: list = []
    for i, row in enumerate(rows):
        flat.extend(row)
        ptr[i + 1] = len(flat)
    return ptr, flat


def _save(index: DiseaseIndex, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    text = "\n".join([index.hpo_release, index.annotation_release,
                      _SEP.join(index.disease_ids), _SEP.join(index.disease_names),
                      _SEP.join(",".join(genes) for genes in index.disease_genes)])
    on_ptr, on_flat = _ragged(index.disease_onsets)
    tf_ptr, tf_flat = _ragged(index.top_features)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".ddx-", suffix=".npz")
    try:
        with os.fdopen(fd, "wb") as handle:
            np.savez(handle, text=np.frombuffer(text.encode(), dtype=np.uint8),
                     on_ptr=on_ptr, on_idx=np.asarray(on_flat, dtype=np.int32), tf_ptr=tf_ptr,
                     tf_idx=np.asarray([r for r, _ in tf_flat], dtype=np.int32),
                     tf_freq=np.asarray([f for _, f in tf_flat], dtype=np.float32),
                     # the inverse of the features (a sort of 300,000 entries, ~20 ms): precomputed, not paid by
                     # every cold `rarebone assess` at its first ranking
                     # (frequencies as float32, as the features are stored: the same numbers a loaded index computes)
                     **dict(zip(_DIRECT, (*index.direct_annotations[:2], index.direct_annotations[2].astype(np.float32)))),
                     **{name: getattr(index, name) for name in _ARRAYS})
        os.chmod(tmp, 0o600)
        os.replace(tmp, path)  # atomic: a concurrent reader sees the old file or the whole new one
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def _load(path: Path, params: dict) -> DiseaseIndex:
    with np.load(path, allow_pickle=False) as data:
        hpo, annotations, ids, names, genes = bytes(data["text"]).decode().split("\n")
        arrays = {name: data[name] for name in _ARRAYS}
        on_ptr, on_idx = data["on_ptr"], data["on_idx"]
        tf_ptr, tf_idx, tf_freq = data["tf_ptr"], data["tf_idx"], data["tf_freq"]
        direct = tuple(data[name] for name in _DIRECT)
    disease_ids = ids.split(_SEP)
    index = DiseaseIndex(
        hpo_release=hpo, annotation_release=annotations, disease_ids=disease_ids, disease_names=names.split(_SEP),
        disease_genes=[g.split(",") if g else [] for g in genes.split(_SEP)],
        disease_onsets=_Ragged(on_ptr, on_idx), top_features=_Ragged(tf_ptr, tf_idx, tf_freq),
        frequency_bounds=(params["frequency_default"], params["frequency_floor"], params["frequency_ceiling"]),
        **arrays,
    )
    index.__dict__["direct_annotations"] = direct  # what the cached_property would compute at the first ranking
    return index


def cache_dir() -> Path:
    from rarebone.core.disk_cache import cache_dir as folder

    return folder()


def cache_path(params: dict) -> Path:
    from rarebone.phenotype.ontology import ontology

    # the release as the term table records it (hpo3's own version string): hpo3 need not load for a cache hit
    digest = hashlib.sha256(_QUALIFIERS.read_bytes() + _ORPHANET.read_bytes()).hexdigest()[:10]
    name = f"differential-v{INDEX_FORMAT}-hpo{ontology().version}-ann{digest}-p{parameters_digest(params)}.npz"
    return cache_dir() / name


_lock = threading.Lock()


_BUILT: dict[str, DiseaseIndex] = {}


def _cached(params_json: str, on_build) -> DiseaseIndex:
    if params_json in _BUILT:
        return _BUILT[params_json]
    params = json.loads(params_json)
    path = cache_path(params)
    index = None
    if path.exists():
        try:
            index = _load(path, params)
        except (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile):
            index = None  # a truncated or foreign file: rebuild below
    if index is None:
        index = _build_and_save(params, path, on_build)
    _BUILT[params_json] = index
    return index


def _build_and_save(params: dict, path: Path, on_build) -> DiseaseIndex:
    if on_build is not None:
        on_build(path)
    index = build_index(params)
    try:
        _save(index, path)
    except OSError:
        pass  # a read-only cache folder only costs the rebuild next time
    return index


def load_index(params: dict, on_build=None) -> DiseaseIndex:
    """The index for these parameters: from the on-disk cache, or built (and cached) on first use.
    ``on_build(path)`` is called before a build (a ~15 s job) so a command can tell its user why it waits."""
    with _lock:
        return _cached(json.dumps(build_parameters(params), sort_keys=True), on_build)

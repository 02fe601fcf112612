"""Read and validate every data file once; hand out an immutable KnowledgeBase."""

from __future__ import annotations

import hashlib
import importlib
import json
import pkgutil
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Callable, TypeVar

from pydantic import BaseModel, ConfigDict, ValidationError

from rarebone import __version__
from rarebone.errors import KnowledgeError
from rarebone.knowledge import kinds as kinds_package
from rarebone.knowledge.kinds.base import Entry

T = TypeVar("T")

DATA_DIR = Path(__file__).parent / "data"


class Source(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    citation: str
    doi: str | None = None
    pmid: str | None = None
    seed: str | None = None
    url: str | None = None


def _collect_kinds() -> dict[str, type[Entry]]:
    found: dict[str, type[Entry]] = {}
    for info in pkgutil.iter_modules(kinds_package.__path__):
        module = importlib.import_module(f"{kinds_package.__name__}.{info.name}")
        for name, model in getattr(module, "KINDS", {}).items():
            if name in found and found[name] is not model:
                raise KnowledgeError(f"entry kind {name!r} declared twice", source=module.__name__)
            found[name] = model
    return found


@dataclass(frozen=True)
class KnowledgeBase:
    version: str
    sources: dict[str, Source]
    entries: dict[str, Entry]
    files: dict[str, str] = field(default_factory=dict)  # entry id -> data file (relative)

    def get(self, entry_id: str) -> Entry:
        try:
            return self.entries[entry_id]
        except KeyError:
            raise KnowledgeError("no knowledge entry with this id", value=entry_id) from None

    @cached_property
    def _by_kind(self) -> dict[type, tuple[Entry, ...]]:
        # Rooms ask for the same kinds on every assessment; the entries never change after load, so index once.
        index: dict[type, list[Entry]] = {}
        for entry in self.entries.values():
            index.setdefault(type(entry), []).append(entry)
        return {kind: tuple(entries) for kind, entries in index.items()}

    @cached_property
    def _derived(self) -> dict[str, object]:
        return {}

    def derived(self, name: str, build: Callable[[], T]) -> T:
        """A value computed from the entries alone, built at the first call and kept with this knowledge base (hot
        paths ask for the same table on every assessment; a reloaded knowledge base gets its own)."""
        try:
            return self._derived[name]  # type: ignore[return-value]
        except KeyError:
            value = self._derived[name] = build()
            return value

    def of_kind(self, model: type[Entry]) -> list[Entry]:
        return list(self._by_kind.get(model, ()))

    def with_prefix(self, prefix: str) -> list[Entry]:
        return [e for e in self.entries.values() if e.id.startswith(prefix)]

    def citation_text(self, source_id: str) -> str:
        source = self.sources[source_id]
        extra = f" doi:{source.doi}" if source.doi else (f" PMID {source.pmid}" if source.pmid else "")
        return f"[{source_id}] {source.citation}{extra}"


def _read_yaml(path: Path):
    import yaml  # not imported by a start that finds the parsed files in the cache

    # libyaml's C loader reads the ~50 knowledge files about ten times faster than the pure-Python one (the
    # knowledge base loads on every command); the same safe subset of YAML either way.
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        return yaml.load(path.read_text(encoding="utf-8"), Loader=loader)  # noqa: S506 - a safe loader
    except yaml.YAMLError as exc:
        raise KnowledgeError(f"invalid YAML: {str(exc).splitlines()[0]}", source=str(path)) from None


def load_from(data_dir: Path, parsed: dict | None = None) -> KnowledgeBase:
    """Load and validate a knowledge folder. Any problem is a KnowledgeError naming file, entry and field.

    ``parsed``: file (relative path) -> its YAML document, read instead of parsing the file again (the cache of
    the packaged files, ``load``); files parsed here are added to it. Validation is the same either way."""
    parsed = {} if parsed is None else parsed

    def _read(path: Path):
        rel = path.relative_to(data_dir).as_posix()
        if rel not in parsed:
            parsed[rel] = _read_yaml(path)
        return parsed[rel]

    kinds = _collect_kinds()
    digest = hashlib.sha256()
    sources: dict[str, Source] = {}
    # sources.yaml at the top is the registry; a room may keep its own <room>/sources.yaml beside its data.
    for source_file in sorted(data_dir.rglob("sources.yaml")):
        rel = source_file.relative_to(data_dir).as_posix()
        for key, value in (_read(source_file) or {}).items():
            if str(key) in sources:
                raise KnowledgeError("source id defined twice", source=rel, value=str(key))
            try:
                sources[str(key)] = Source.model_validate(value)
            except ValidationError as exc:
                err = exc.errors()[0]
                raise KnowledgeError(err["msg"], source=rel, path=f"{key}.{'.'.join(map(str, err['loc']))}") from None
    entries: dict[str, Entry] = {}
    files: dict[str, str] = {}
    for path in sorted(data_dir.rglob("*.yaml")):
        rel = path.relative_to(data_dir).as_posix()
        digest.update(rel.encode() + path.read_bytes())
        if path.name == "sources.yaml":
            continue
        document = _read(path)
        if not isinstance(document, dict) or "kind" not in document or "entries" not in document:
            raise KnowledgeError("a data file needs 'kind' and 'entries'", source=rel)
        model = kinds.get(document["kind"])
        if model is None:
            raise KnowledgeError("unknown entry kind", source=rel, path="kind", value=document["kind"])
        for index, raw in enumerate(document["entries"] or []):
            entry_id = raw.get("id", f"#{index}") if isinstance(raw, dict) else f"#{index}"
            try:
                entry = model.model_validate(raw)
            except ValidationError as exc:
                err = exc.errors()[0]
                loc = ".".join(str(p) for p in err["loc"])
                raise KnowledgeError(err["msg"], source=rel, path=f"{entry_id}.{loc}") from None
            if entry.id in entries:
                raise KnowledgeError("duplicate entry id", source=rel, value=entry.id)
            for source_id in entry.sources:
                if source_id not in sources:
                    raise KnowledgeError("source id not in sources.yaml", source=rel, path=f"{entry.id}.sources", value=source_id)
            entries[entry.id] = entry
            files[entry.id] = rel
    version = f"{__version__}+{digest.hexdigest()[:10]}"
    return KnowledgeBase(version=version, sources=sources, entries=entries, files=files)


@lru_cache(maxsize=1)
def load() -> KnowledgeBase:
    """The packaged knowledge base, validated once per process. Parsing the YAML was most of its cost (~0.15 s of
    every command's start); the parsed documents are cached as JSON keyed by the files' contents and the YAML
    library, and every entry is validated from them exactly as from the YAML."""
    from rarebone.core import disk_cache

    key = _parsed_key(DATA_DIR)
    payload = disk_cache.read(_PARSED_FILE, key) if key else None
    parsed = None
    if payload is not None:
        try:
            parsed = {rel: _from_json(doc) for rel, doc in json.loads(payload).items()}
        except (ValueError, TypeError, AttributeError):
            parsed = None  # not a file this code wrote: parse the YAML again
    if parsed is not None:
        return load_from(DATA_DIR, parsed)
    parsed = {}
    kb = load_from(DATA_DIR, parsed)
    if key:
        reserved = disk_cache.reserve(_PARSED_FILE)
        if reserved is not None:
            # a file holding a value JSON cannot give back exactly (a date) is left out and parsed each time
            kept = {rel: _to_json(doc) for rel, doc in parsed.items() if _json_exact(doc)}
            disk_cache.commit(reserved, key, json.dumps(kept, ensure_ascii=False, separators=(",", ":")).encode())
    return kb


_PARSED_FILE = "knowledge-parsed.json"
_PARSED_FORMAT = 1


def _parsed_key(data_dir: Path) -> str | None:
    from rarebone.core.disk_cache import installed

    stamp = installed("yaml")
    if stamp is None:
        return None
    digest = hashlib.sha256(f"format {_PARSED_FORMAT}\n{stamp}\n".encode())
    for path in sorted(data_dir.rglob("*.yaml")):
        rel = path.relative_to(data_dir).as_posix().encode()
        digest.update(b"%d\n%s\n" % (len(rel), rel))
        data = path.read_bytes()
        digest.update(b"%d\n" % len(data))
        digest.update(data)
    return digest.hexdigest()


_SCALARS = (str, int, float, bool, type(None))
_PAIRS = "\x00pairs"  # a mapping with a key that is not a string (YAML allows `10: ...`), as [key, value] pairs


def _json_exact(value) -> bool:
    """True when ``_from_json(json(_to_json(value)))`` gives this value back with the same types (not so for a
    date, which YAML also reads: such a file is not cached)."""
    kind = type(value)
    if kind is dict:
        return all(type(k) in _SCALARS and _json_exact(v) for k, v in value.items())
    if kind is list:
        return all(_json_exact(v) for v in value)
    return kind in _SCALARS


def _to_json(value):
    kind = type(value)
    if kind is dict:
        if all(type(k) is str for k in value):
            return {k: _to_json(v) for k, v in value.items()}
        return {_PAIRS: [[k, _to_json(v)] for k, v in value.items()]}
    if kind is list:
        return [_to_json(v) for v in value]
    return value


def _from_json(value):
    kind = type(value)
    if kind is dict:
        if _PAIRS in value:
            return {k: _from_json(v) for k, v in value[_PAIRS]}
        return {k: _from_json(v) for k, v in value.items()}
    if kind is list:
        return [_from_json(v) for v in value]
    return value

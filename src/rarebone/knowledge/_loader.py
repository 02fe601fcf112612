"""Read and validate every data file once; hand out an immutable KnowledgeBase."""

from __future__ import annotations

import hashlib
import importlib
import pkgutil
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError

from rarebone import __version__
from rarebone.errors import KnowledgeError
from rarebone.knowledge import kinds as kinds_package
from rarebone.knowledge.kinds.base import Entry

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

    def of_kind(self, model: type[Entry]) -> list[Entry]:
        return list(self._by_kind.get(model, ()))

    def with_prefix(self, prefix: str) -> list[Entry]:
        return [e for e in self.entries.values() if e.id.startswith(prefix)]

    def citation_text(self, source_id: str) -> str:
        source = self.sources[source_id]
        extra = f" doi:{source.doi}" if source.doi else (f" PMID {source.pmid}" if source.pmid else "")
        return f"[{source_id}] {source.citation}{extra}"


# libyaml's C loader reads the ~50 knowledge files about ten times faster than the pure-Python one (the knowledge
# base loads on every command); the same safe subset of YAML either way.
_SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _read_yaml(path: Path):
    try:
        return yaml.load(path.read_text(encoding="utf-8"), Loader=_SAFE_LOADER)  # noqa: S506 - a safe loader
    except yaml.YAMLError as exc:
        raise KnowledgeError(f"invalid YAML: {str(exc).splitlines()[0]}", source=str(path)) from None


def load_from(data_dir: Path) -> KnowledgeBase:
    """Load and validate a knowledge folder. Any problem is a KnowledgeError naming file, entry and field."""
    kinds = _collect_kinds()
    digest = hashlib.sha256()
    sources: dict[str, Source] = {}
    # sources.yaml at the top is the registry; a room may keep its own <room>/sources.yaml beside its data.
    for source_file in sorted(data_dir.rglob("sources.yaml")):
        rel = source_file.relative_to(data_dir).as_posix()
        for key, value in (_read_yaml(source_file) or {}).items():
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
        document = _read_yaml(path)
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
    """The packaged knowledge base, validated once per process."""
    return load_from(DATA_DIR)

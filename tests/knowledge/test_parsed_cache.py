"""The packaged knowledge files are parsed from YAML once and cached (knowledge/_loader.py ``load``); a start that
finds the cache validates every entry from it exactly as from the YAML, and a changed, damaged or foreign cache is
parsed again."""

from __future__ import annotations

import datetime
import json
import shutil
import subprocess
import sys

import pytest

from rarebone.knowledge import _loader
from rarebone.knowledge._loader import DATA_DIR, load_from


def _load_fresh(monkeypatch, folder):
    monkeypatch.setenv("RAREBONE_CACHE_DIR", str(folder))
    _loader.load.cache_clear()
    try:
        return _loader.load()
    finally:
        _loader.load.cache_clear()


def _same(a, b) -> None:
    assert a.version == b.version
    assert list(a.entries) == list(b.entries) and a.files == b.files and a.sources == b.sources
    for key, entry in a.entries.items():
        other = b.entries[key]
        assert type(entry) is type(other) and entry.model_dump_json() == other.model_dump_json(), key


@pytest.fixture(scope="module")
def from_yaml():
    return load_from(DATA_DIR)


def test_a_cached_start_gives_the_same_knowledge_base(tmp_path, monkeypatch, from_yaml):
    first = _load_fresh(monkeypatch, tmp_path)
    assert (tmp_path / "knowledge-parsed.json").exists()
    calls = []
    monkeypatch.setattr(_loader, "_read_yaml", lambda path: calls.append(path) or pytest.fail("parsed again"))
    second = _load_fresh(monkeypatch, tmp_path)
    assert calls == []
    _same(first, from_yaml)
    _same(second, from_yaml)


def test_a_damaged_cache_is_parsed_again(tmp_path, monkeypatch, from_yaml):
    _load_fresh(monkeypatch, tmp_path)
    path = tmp_path / "knowledge-parsed.json"
    path.write_bytes(path.read_bytes()[:-100])
    _same(_load_fresh(monkeypatch, tmp_path), from_yaml)
    # a checksummed but foreign payload (not this code's shape) is parsed again too
    from rarebone.core import disk_cache

    disk_cache.commit(disk_cache.reserve("knowledge-parsed.json"), _loader._parsed_key(DATA_DIR), b'["x"]')
    _same(_load_fresh(monkeypatch, tmp_path), from_yaml)


def test_the_key_follows_the_files(tmp_path):
    data = tmp_path / "data"
    shutil.copytree(DATA_DIR, data)
    before = _loader._parsed_key(data)
    assert before == _loader._parsed_key(DATA_DIR)
    target = next(data.rglob("*.yaml"))
    target.write_text(target.read_text(encoding="utf-8") + "\n# a comment\n", encoding="utf-8")
    assert _loader._parsed_key(data) != before


def test_values_json_cannot_give_back_are_not_cached():
    document = {"entries": [{"min_matched": {10: "a", 8: "b"}, "ok": [1, 1.5, True, None, "x"]}]}
    assert _loader._json_exact(document)
    back = _loader._from_json(json.loads(json.dumps(_loader._to_json(document))))
    assert back == document and list(back["entries"][0]["min_matched"]) == [10, 8]
    assert type(back["entries"][0]["ok"][1]) is float and type(back["entries"][0]["ok"][2]) is bool
    assert not _loader._json_exact({"when": datetime.date(2026, 1, 1)})


def test_a_cached_start_imports_no_yaml(tmp_path):
    code = ("import sys; from rarebone.knowledge import load; load(); "
            "print('yaml' in sys.modules)")
    env = {**__import__("os").environ, "RAREBONE_CACHE_DIR": str(tmp_path)}
    runs = [subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env) for _ in range(2)]
    assert [r.stdout.strip() for r in runs] == ["True", "False"], runs[-1].stderr

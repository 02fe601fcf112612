"""The start-up cache (core/disk_cache.py) is only ever a faster copy: a file is used when its key and checksum
match and it is the user's own, unwritable by others; anything else is ignored, and a folder that cannot be
written costs speed, never an answer."""

from __future__ import annotations

import os
import stat

import pytest

from rarebone.core import disk_cache


@pytest.fixture
def folder(tmp_path, monkeypatch):
    path = tmp_path / "cache"
    monkeypatch.setenv("RAREBONE_CACHE_DIR", str(path))
    return path


def _write(name: str, key: str, payload: bytes) -> None:
    reserved = disk_cache.reserve(name)
    assert reserved is not None
    disk_cache.commit(reserved, key, payload)


def test_written_owner_only_and_read_back(folder):
    _write("x.json", "k1", b'{"a": 1}')
    assert disk_cache.read("x.json", "k1") == b'{"a": 1}'
    assert stat.S_IMODE(os.stat(folder / "x.json").st_mode) == 0o600
    assert stat.S_IMODE(os.stat(folder).st_mode) == 0o700
    assert [p.name for p in folder.iterdir()] == ["x.json"]  # no temporary file left behind


def test_another_key_is_a_miss(folder):
    _write("x.json", "k1", b"data")
    assert disk_cache.read("x.json", "k2") is None


@pytest.mark.parametrize("damage", ["truncate", "flip", "header", "empty"])
def test_a_damaged_file_is_a_miss(folder, damage):
    _write("x.json", "k1", b"0123456789" * 100)
    path = folder / "x.json"
    data = bytearray(path.read_bytes())
    if damage == "truncate":
        data = data[:-10]
    elif damage == "flip":
        data[-5] ^= 0x01
    elif damage == "header":
        data[:8] = b"garbage!"
    else:
        data = bytearray()
    path.write_bytes(bytes(data))
    assert disk_cache.read("x.json", "k1") is None


def test_a_file_others_may_write_is_not_trusted(folder):
    _write("x.json", "k1", b"data")
    os.chmod(folder / "x.json", 0o622)
    assert disk_cache.read("x.json", "k1") is None
    os.chmod(folder / "x.json", 0o600)
    assert disk_cache.read("x.json", "k1") == b"data"


def test_another_users_file_is_not_trusted(folder, monkeypatch):
    _write("x.json", "k1", b"data")
    uid = os.getuid()
    monkeypatch.setattr(disk_cache.os, "getuid", lambda: uid + 1)
    assert disk_cache.read("x.json", "k1") is None


def test_a_symlink_is_not_followed(folder, tmp_path):
    _write("real.json", "k1", b"data")
    os.symlink(folder / "real.json", folder / "x.json")
    assert disk_cache.read("x.json", "k1") is None


def test_a_folder_that_cannot_be_made_is_no_error(tmp_path, monkeypatch):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("RAREBONE_CACHE_DIR", str(blocker / "cache"))
    assert disk_cache.reserve("x.json") is None
    assert disk_cache.read("x.json", "k1") is None


@pytest.mark.skipif(hasattr(os, "geteuid") and os.geteuid() == 0, reason="root writes into read-only folders")
def test_a_read_only_folder_is_no_error(folder):
    _write("x.json", "k1", b"data")
    os.chmod(folder, 0o500)
    try:
        assert disk_cache.reserve("y.json") is None
        assert disk_cache.read("x.json", "k1") == b"data"  # still readable
    finally:
        os.chmod(folder, 0o700)


def test_a_failed_write_leaves_no_file(folder, monkeypatch):
    reserved = disk_cache.reserve("x.json")

    def refuse(*args):
        raise OSError("disk full")

    monkeypatch.setattr(disk_cache.os, "replace", refuse)
    disk_cache.commit(reserved, "k1", b"data")
    assert list(folder.iterdir()) == []

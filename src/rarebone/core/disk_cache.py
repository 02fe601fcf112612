"""Small derived files kept between runs so a command does not re-derive them at every start (the HPO term table,
the parsed knowledge files). A cache file is only a copy of what the packaged data and installed libraries give:
it is read only when its key (a digest of those inputs) matches, its checksum is right, and it is the user's own
file that nobody else can write; anything else (missing, corrupt, foreign, a read-only or absent folder) is
ignored and the caller derives the data again. Writes are atomic and owner-only.
"""

from __future__ import annotations

import hashlib
import os
import stat
from pathlib import Path

_MAGIC = b"rarebone-cache 1"


def cache_dir() -> Path:
    """RAREBONE_CACHE_DIR when set, else the user's cache folder (platformdirs)."""
    override = os.environ.get("RAREBONE_CACHE_DIR")
    if override:
        return Path(override)
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("rarebone"))


def installed(package: str) -> str | None:
    """A stamp of an installed package (its folder's files: names, sizes, modification times), for keys of data
    derived from it; None when the package is not installed. A reinstall changes the stamp, so the data is derived
    again. Costs a fraction of a millisecond: nothing is imported or read."""
    import importlib.util

    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        return None
    parts = []
    for folder in spec.submodule_search_locations:
        with os.scandir(folder) as entries:
            for entry in sorted(entries, key=lambda e: e.name):
                if entry.is_file():
                    info = entry.stat()
                    parts.append(f"{entry.path}\t{info.st_size}\t{info.st_mtime_ns}")
    return "\n".join(parts)


def read(name: str, key: str) -> bytes | None:
    """The payload stored under ``name`` for ``key``, or None (absent, stale, corrupt or not safely ours)."""
    path = cache_dir() / name
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    except OSError:
        return None
    try:
        info = os.fstat(fd)
        # another user's file, or one others may write, could have been altered: do not trust it
        if (not stat.S_ISREG(info.st_mode) or info.st_mode & (stat.S_IWGRP | stat.S_IWOTH)
                or (hasattr(os, "getuid") and info.st_uid != os.getuid())):
            return None
        with os.fdopen(fd, "rb") as handle:
            fd = -1
            data = handle.read()
    except OSError:
        return None
    finally:
        if fd >= 0:
            os.close(fd)
    header, sep, payload = data.partition(b"\n")
    parts = header.split(b"\t")
    if not sep or len(parts) != 3 or parts[0] != _MAGIC or parts[1] != key.encode():
        return None
    if hashlib.sha256(payload).hexdigest().encode() != parts[2]:
        return None  # truncated or altered on disk
    return payload


def reserve(name: str):
    """An open, owner-only temporary file beside the cache entry ``name``, or None when the folder cannot be
    written (then the caller should not spend time deriving data it cannot keep). Pass it to ``commit``."""
    import tempfile  # only on a miss: not paid by a start that finds its cache

    folder = cache_dir()
    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{name}-", suffix=".tmp")  # created 0600
    except OSError:
        return None
    return fd, tmp, folder / name


def commit(reserved, key: str, payload: bytes) -> None:
    """Write ``payload`` to the reserved file and move it into place in one step (a reader sees the old file or
    the whole new one). A failure leaves no partial file and is not an error: the cache only saves time."""
    fd, tmp, path = reserved
    try:
        handle = os.fdopen(fd, "wb")  # owns the descriptor from here on
    except OSError:
        discard(reserved)
        return
    try:
        with handle:
            handle.write(b"%s\t%s\t%s\n" % (_MAGIC, key.encode(), hashlib.sha256(payload).hexdigest().encode()))
            handle.write(payload)
        os.chmod(tmp, 0o600)
        os.replace(tmp, path)
    except OSError:
        _unlink(tmp)


def discard(reserved) -> None:
    """Give up a reserved file without writing it."""
    fd, tmp, _ = reserved
    try:
        os.close(fd)
    except OSError:
        pass
    _unlink(tmp)


def _unlink(tmp: str) -> None:
    try:
        os.unlink(tmp)
    except OSError:
        pass

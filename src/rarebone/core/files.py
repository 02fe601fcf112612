"""Reading a user's file safely: regular files only (a FIFO or a device would block or never end), below a stated
size, and text in a named encoding (UTF-8; UTF-16 and Latin-1/cp1252 are named in the refusal, never guessed)."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from rarebone.core import limits as _limits
from rarebone.errors import InputError


STDIN = "-"  # `rarebone assess -`: the record comes on standard input (a pipe from another program)


def read_bytes(path: Path | str, *, limit: int | None = None) -> bytes:
    limit = limit if limit is not None else _limits.MAX_FILE_BYTES
    if str(path) == STDIN:
        import sys

        data = sys.stdin.buffer.read(limit + 1)
        if len(data) > limit:
            raise InputError(f"input too large (the limit is {limit / 1e6:.0f} MB)", source="<stdin>")
        return data
    path = Path(path)
    try:
        info = os.stat(path)
    except FileNotFoundError:
        raise InputError("no such file", source=str(path)) from None
    except OSError as exc:
        raise InputError(f"cannot read file: {exc.strerror}", source=str(path)) from None
    if stat.S_ISDIR(info.st_mode):
        raise InputError("is a folder, not a file", source=str(path))
    if not stat.S_ISREG(info.st_mode):
        raise InputError("not a regular file (a pipe, socket or device is refused)", source=str(path))
    if info.st_size > limit:
        raise InputError(f"file too large ({info.st_size / 1e6:.1f} MB; the limit is {limit / 1e6:.0f} MB)",
                         source=str(path))
    try:
        with open(path, "rb") as handle:
            data = handle.read(limit + 1)
    except OSError as exc:
        raise InputError(f"cannot read file: {exc.strerror}", source=str(path)) from None
    if len(data) > limit:
        raise InputError(f"file too large (the limit is {limit / 1e6:.0f} MB)", source=str(path))
    return data


def decode_text(data: bytes, source: str) -> str:
    """UTF-8 (with or without BOM). Anything else is refused in one line that names the likely encoding."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise InputError("file is UTF-16; save it as UTF-8 (e.g. Excel: 'CSV UTF-8')", source=source)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        if data[: exc.start + 1].count(b"\x00") and b"\x00" in data[:200]:
            raise InputError("file looks like UTF-16 without a byte-order mark; save it as UTF-8", source=source) from None
        guess = "cp1252 (Windows)" if any(0x80 <= b <= 0x9F for b in data) else "Latin-1 or cp1252"
        raise InputError(f"file is not UTF-8 (byte 0x{data[exc.start]:02x} at offset {exc.start}; looks like {guess}); "
                         "save it as UTF-8", source=source) from None


def read_text(path: Path | str, *, limit: int | None = None) -> str:
    return decode_text(read_bytes(path, limit=limit), str(path))


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process: alive
        return True
    return True


def remove_stale_private_dirs(prefix: str, folder: str | None = None) -> list[Path]:
    """Remove this user's temporary folders named ``<prefix><pid>-<random>`` whose process is gone.

    Why: a process killed with SIGKILL cannot remove its owner-only temporary folder (a PDF render's patient HTML,
    the CDS supervisor's nonce file), so the next one of its kind does. Folders of a live process, including this
    one (another thread may be using its folder), are left; so is one whose PID was reused since (harmless)."""
    import re
    import shutil
    import tempfile

    pattern = re.compile(re.escape(prefix) + r"(\d+)-.*")
    removed = []
    base = Path(folder or tempfile.gettempdir())
    uid = os.geteuid()
    try:
        candidates = list(base.glob(prefix + "*"))
    except OSError:
        return removed
    for path in candidates:
        match = pattern.fullmatch(path.name)
        try:
            if not match or path.is_symlink() or not path.is_dir() or path.stat().st_uid != uid:
                continue
        except OSError:
            continue
        pid = int(match.group(1))
        if pid == os.getpid() or _pid_alive(pid):
            continue
        shutil.rmtree(path, ignore_errors=True)
        removed.append(path)
    return removed

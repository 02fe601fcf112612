"""PDF from the same HTML a person reads, printed by headless Chromium (Debian package ``chromium``).

The page holds patient text, so printing is locked down (docs/security.md): a Content-Security-Policy that
forbids every fetch and every script (Chromium's own switches for turning scripts off either stop
--print-to-pdf from writing anything or are ignored, measured on Chromium 156), every request Chromium might
still make sent to a dead proxy, the
page in an owner-only temporary folder with a recognisable prefix (stale folders of killed runs are removed
on the next render), and Chromium's stderr kept so a failure says why.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

from rarebone.core.files import remove_stale_private_dirs
from rarebone.errors import InputError

_CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "chrome")
TEMP_PREFIX = "rarebone-pdf-"
# No fetch of any kind (CSS url(), @import, fonts, images other than inline data:, frames, scripts).
CSP = ("default-src 'none'; style-src 'unsafe-inline'; img-src data:; font-src data:; script-src 'none'; "
       "connect-src 'none'; frame-src 'none'; base-uri 'none'; form-action 'none'")
CSP_META = f'<meta http-equiv="Content-Security-Policy" content="{CSP}">'
_HEAD = re.compile(r"<head[^>]*>", re.IGNORECASE)
# Every request Chromium might still make goes to a proxy that does not exist (port 9, discard) — loopback
# included, which Chromium otherwise never proxies — and no host name resolves.
_NETWORK_OFF = ("--proxy-server=http://127.0.0.1:9", "--proxy-bypass-list=<-loopback>",
                "--host-resolver-rules=MAP * ~NOTFOUND")
_STDERR_LINES = 5


def find_chromium() -> str | None:
    override = os.environ.get("RAREBONE_CHROMIUM")
    if override:
        return override
    for name in _CANDIDATES:
        found = shutil.which(name)
        if found:
            return found
    return None


def needs_no_sandbox() -> bool:
    """Chromium refuses to start its sandbox as root; RAREBONE_CHROMIUM_NO_SANDBOX=1 for containers without user
    namespaces. Everywhere else the sandbox stays on."""
    return os.geteuid() == 0 or os.environ.get("RAREBONE_CHROMIUM_NO_SANDBOX") == "1"


def with_csp(html: str) -> str:
    """The page with the no-fetch Content-Security-Policy as the first element of <head> (before any patient
    text can appear), or in front of everything when there is no <head>."""
    if CSP_META in html:
        return html
    match = _HEAD.search(html)
    if match is None:
        return CSP_META + html
    return html[: match.end()] + CSP_META + html[match.end():]


def clean_stale(folder: str | None = None) -> list[Path]:
    """Remove our temporary render folders whose process is gone (a render killed by SIGKILL leaves the
    patient's HTML behind). Folder names carry the owner's pid: rarebone-pdf-<pid>-<random>."""
    return remove_stale_private_dirs(TEMP_PREFIX, folder)


def html_to_pdf(html: str, timeout_s: float = 120) -> bytes:
    """Render HTML to PDF bytes. InputError (exit 2) with the install hint when no Chromium is present, and with
    Chromium's own last stderr lines when it fails."""
    browser = find_chromium()
    if browser is None:
        raise InputError("PDF output needs Chromium (apt-get install chromium); use --format html instead",
                         path="--format", value="pdf")
    clean_stale()
    with tempfile.TemporaryDirectory(prefix=f"{TEMP_PREFIX}{os.getpid()}-") as tmp:  # mkdtemp: mode 0700
        page = Path(tmp) / "report.html"
        out = Path(tmp) / "report.pdf"
        fd = os.open(page, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(with_csp(html))
        cmd = [browser, "--headless", *(["--no-sandbox"] if needs_no_sandbox() else []), "--disable-gpu",
               "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
               "--disable-sync", "--disable-extensions", *_NETWORK_OFF,
               f"--user-data-dir={tmp}/profile", "--no-pdf-header-footer", f"--print-to-pdf={out}", page.as_uri()]
        try:
            done = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, timeout=timeout_s,
                                  check=False)
        except subprocess.TimeoutExpired:
            raise InputError(f"Chromium did not finish printing within {timeout_s:g} s", path="--format",
                             value="pdf") from None
        except OSError as exc:
            raise InputError(f"Chromium could not be started: {exc.strerror}", source=browser, path="--format",
                             value="pdf") from None
        if not out.exists() or out.stat().st_size == 0:
            raise InputError(f"Chromium did not produce a PDF (exit status {done.returncode}): "
                             f"{_why(done.stderr)}", path="--format", value="pdf")
        return out.read_bytes()


def _why(stderr: bytes) -> str:
    """Chromium's last stderr lines, without the D-Bus chatter every headless run prints on a server."""
    lines = [line.strip() for line in stderr.decode("utf-8", "replace").splitlines()
             if line.strip() and "dbus/" not in line and "unexpected operator" not in line]
    return " | ".join(lines[-_STDERR_LINES:]) or "no message on stderr"

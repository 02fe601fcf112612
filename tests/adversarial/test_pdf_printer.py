"""Issue 11 items 2 and 4: the printer's own hygiene — sandbox only dropped as root, Chromium's stderr in the
error, the patient's HTML in an owner-only temporary folder that a killed run does not leave behind for long."""

from __future__ import annotations

import os
import signal
import stat
import subprocess
import sys
import textwrap
import time

import pytest

from rarebone.errors import InputError

FAKE = textwrap.dedent("""\
    #!/bin/sh
    # stand-in for Chromium: records its arguments, then behaves as $FAKE_MODE says
    echo "$@" > "$FAKE_ARGS"
    for a in "$@"; do case "$a" in --print-to-pdf=*) out="${a#--print-to-pdf=}";; esac; done
    case "$FAKE_MODE" in
      sleep) sleep 60;;
      fail) echo "[1:1:ERROR:dbus/bus.cc] noise" >&2; echo "error while loading shared libraries: libnss3.so" >&2; exit 127;;
      *) printf '%%PDF-1.4 fake' > "$out";;
    esac
""")


@pytest.fixture
def fake_chromium(tmp_path, monkeypatch):
    script = tmp_path / "fake-chromium"
    script.write_text(FAKE)
    script.chmod(0o755)
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    monkeypatch.setenv("RAREBONE_CHROMIUM", str(script))
    monkeypatch.setenv("FAKE_ARGS", str(tmp_path / "args"))
    monkeypatch.setenv("TMPDIR", str(tmp))
    monkeypatch.setattr("tempfile.tempdir", None)  # re-read TMPDIR
    return tmp_path


def test_sandbox_is_dropped_only_as_root(fake_chromium, monkeypatch):
    from rarebone.report.pdf import html_to_pdf

    monkeypatch.delenv("RAREBONE_CHROMIUM_NO_SANDBOX", raising=False)
    monkeypatch.setattr(os, "geteuid", lambda: 1000)
    html_to_pdf("<html><head></head><body>x</body></html>")
    assert "--no-sandbox" not in (fake_chromium / "args").read_text()
    monkeypatch.setattr(os, "geteuid", lambda: 0)
    html_to_pdf("<html><head></head><body>x</body></html>")
    args = (fake_chromium / "args").read_text()
    assert "--no-sandbox" in args
    assert "--proxy-server=http://127.0.0.1:9" in args and "<-loopback>" in args


def test_a_chromium_failure_says_why(fake_chromium, monkeypatch):
    from rarebone.report.pdf import html_to_pdf

    monkeypatch.setenv("FAKE_MODE", "fail")
    with pytest.raises(InputError) as caught:
        html_to_pdf("<html><head></head><body>x</body></html>")
    message = str(caught.value)
    assert "libnss3.so" in message and "127" in message and "dbus" not in message


def test_render_folder_is_owner_only_and_a_killed_run_is_cleaned_on_the_next_render(fake_chromium):
    env = dict(os.environ, FAKE_MODE="sleep", PYTHONPATH=os.pathsep.join(sys.path))
    code = "from rarebone.report.pdf import html_to_pdf; html_to_pdf('<html><head></head><body>SECRET</body></html>')"
    child = subprocess.Popen([sys.executable, "-c", code], env=env, start_new_session=True)
    tmp = fake_chromium / "tmp"
    deadline = time.time() + 60
    while time.time() < deadline and not list(tmp.glob("rarebone-pdf-*/report.html")):
        time.sleep(0.1)
    pages = list(tmp.glob("rarebone-pdf-*/report.html"))
    assert pages, "the render folder never appeared"
    folder = pages[0].parent
    assert folder.name.startswith(f"rarebone-pdf-{child.pid}-")
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert stat.S_IMODE(pages[0].stat().st_mode) == 0o600
    os.killpg(child.pid, signal.SIGKILL)  # the run and its (fake) Chromium die without cleaning up
    child.wait()
    assert folder.exists()

    from rarebone.report.pdf import html_to_pdf

    html_to_pdf("<html><head></head><body>x</body></html>")  # FAKE_MODE unset: prints
    assert not folder.exists()
    assert list(tmp.glob("rarebone-pdf-*")) == []


def test_a_render_folder_of_a_live_process_is_left_alone(tmp_path):
    from rarebone.report.pdf import clean_stale

    live = tmp_path / f"rarebone-pdf-{os.getppid()}-abc"
    live.mkdir()
    dead_pid = 2 ** 22 + 12345  # above pid_max on Linux: never a running process
    dead = tmp_path / f"rarebone-pdf-{dead_pid}-abc"
    dead.mkdir()
    other = tmp_path / "rarebone-pdfx"
    other.mkdir()
    assert clean_stale(str(tmp_path)) == [dead]
    assert live.exists() and other.exists()

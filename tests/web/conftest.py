"""Workbench fixtures (docs/workbench.md "Tests").

Fast tests: ``client`` is a FastAPI TestClient over a fresh SQLite registry; ``sign_in(client, role)`` creates an
account with that role and signs it in (returns the username).

Browser tests (marker ``browser``): ``server`` runs the workbench in this process with uvicorn on a free loopback
port over a fresh registry — SQLite, and PostgreSQL through the throwaway server of tests/registry/pgserver.py
(parametrised: every browser test runs on both); ``browser`` is Debian's chromium driven by Playwright (headless);
``page_as(role)`` opens a new browser context signed in with a new account of that role.
"""

from __future__ import annotations

import os
import re
import secrets
import shutil
import socket
import sys
import threading
import time
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parents[1] / "registry"))
import pgserver  # noqa: E402

CHROMIUM = os.environ.get("RAREBONE_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
PASSWORD_CHARS = 24


def new_password() -> str:
    return secrets.token_urlsafe(PASSWORD_CHARS)


def make_app(db_url: str, **settings):
    from rarebone.web.app import create_app
    from rarebone.web.settings import WebSettings

    return create_app(WebSettings(db_url=db_url, create_db=True, **settings))


def add_user(app, role: str, username: str | None = None) -> tuple[str, str]:
    from rarebone.web import accounts

    username = username or f"{role}-{secrets.token_hex(3)}"
    password = new_password()
    accounts.add(app.state.workbench.engine, username, role, password, display_name=f"Test {role.title()}")
    return username, password


def csrf_of(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


@pytest.fixture
def web_app(tmp_path):
    app = make_app(f"sqlite:///{tmp_path / 'registry.sqlite'}")
    yield app
    app.state.workbench.close()


@pytest.fixture
def client(web_app):
    from fastapi.testclient import TestClient

    with TestClient(web_app, base_url="http://testserver") as c:
        yield c


def sign_in(client, role: str) -> str:
    username, password = add_user(client.app, role)
    token = csrf_of(client.get("/signin").text)
    r = client.post("/signin", data={"username": username, "password": password, "csrf_token": token},
                    follow_redirects=False)
    assert r.status_code == 303, r.text
    return username


def csrf(client, path: str = "/") -> str:
    """The CSRF token of the signed-in session (read from any page's sign-out form)."""
    return csrf_of(client.get(path).text)


# ---------------------------------------------------------------------------------------------------- browser

@pytest.fixture(scope="session")
def pg_server_web():
    if os.environ.get("RAREBONE_SKIP_PG") == "1":
        pytest.skip("PostgreSQL tests skipped by RAREBONE_SKIP_PG=1 (local opt-out; CI must run them)")
    try:
        url, stop = pgserver.start()
    except pgserver.PgUnavailable as exc:
        pytest.fail(str(exc))
    try:
        yield url
    finally:
        stop()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class LiveServer:
    def __init__(self, app) -> None:
        import uvicorn

        self.app = app
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        config = uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning", lifespan="on")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def start(self) -> "LiveServer":
        self.thread.start()
        deadline = time.monotonic() + 30
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("the workbench did not start")
            time.sleep(0.05)
        return self

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


@pytest.fixture(params=["sqlite", "postgresql"])
def server(request, tmp_path):
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'registry.sqlite'}"
    else:
        url = pgserver.new_database(request.getfixturevalue("pg_server_web"))
    live = LiveServer(make_app(url)).start()
    yield live
    live.stop()


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists() and not shutil.which("chromium"):
        pytest.skip(f"no chromium at {CHROMIUM} (Debian: apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield b
        b.close()


def browser_sign_in(page, base: str, username: str, password: str) -> None:
    page.goto(base + "/signin")
    page.fill("#username", username)
    page.fill("#password", password)
    page.click("form.narrow button[type=submit]")
    page.wait_for_load_state()


@pytest.fixture
def page_as(browser, server):
    contexts = []

    def open_as(role: str):
        username, password = add_user(server.app, role)
        context = browser.new_context()
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(20_000)
        browser_sign_in(page, server.url, username, password)
        return page

    yield open_as
    for c in contexts:
        c.close()

"""The workbench in a real browser (Debian's chromium through Playwright), on SQLite and on PostgreSQL."""

from __future__ import annotations

import pytest

from tests.web.conftest import add_user, browser_sign_in

pytestmark = pytest.mark.browser


def test_sign_in_and_out(browser, server):
    username, password = add_user(server.app, "clinician")
    context = browser.new_context()
    page = context.new_page()
    page.goto(server.url + "/")
    assert page.url.startswith(server.url + "/signin")
    browser_sign_in(page, server.url, username, password)
    assert page.locator("h1").inner_text().startswith("Welcome")
    assert username in page.locator(".who").inner_text()
    cookie = next(c for c in context.cookies() if c["name"] == "rarebone_session")
    assert cookie["httpOnly"] and cookie["sameSite"] == "Lax"
    page.click("form.signout button")
    page.wait_for_load_state()
    assert "/signin" in page.url
    page.goto(server.url + "/")
    assert "/signin" in page.url
    context.close()

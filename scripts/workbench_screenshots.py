"""The screenshots of docs/workbench.md: the patient list and an assessment page of the SYNTHETIC demo registry,
taken by Playwright with Debian's chromium. ``python scripts/workbench_screenshots.py [OUT_FOLDER]``."""

from __future__ import annotations

import secrets
import sys
import tempfile
import threading
import time
from pathlib import Path

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]


def main(out: Path) -> None:
    import socket

    import uvicorn
    from playwright.sync_api import sync_playwright

    from rarebone.registry import db as dbm
    from rarebone.registry import demo
    from rarebone.registry.store import import_records
    from rarebone.web import accounts
    from rarebone.web.app import create_app
    from rarebone.web.settings import WebSettings

    folder = Path(tempfile.mkdtemp(prefix="rarebone-shots-"))
    url = f"sqlite:///{folder / 'demo.sqlite'}"
    engine = dbm.open_registry(url, create=True)
    import_records(engine, (("demo seed 1", r) for r in demo.generate(500, 1)), batch_size=500)
    password = secrets.token_urlsafe(18)
    accounts.add(engine, "clinician", "clinician", password, display_name="Demo clinician")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(create_app(WebSettings(db_url=url)), host="127.0.0.1", port=port,
                                           log_level="warning"))
    threading.Thread(target=server.run, daemon=True).start()
    while not server.started:
        time.sleep(0.05)
    base = f"http://127.0.0.1:{port}"
    out.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", headless=True, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1200, "height": 900})
        page.goto(base + "/signin")
        page.fill("#username", "clinician")
        page.fill("#password", password)
        page.click("form.narrow button[type=submit]")
        page.goto(base + "/patients?diagnosis=MIOP")
        page.screenshot(path=str(out / "workbench-patients.png"))
        key = page.locator("table.patients tbody a").first.inner_text()
        page.goto(f"{base}/patients/{key}/assessment")
        page.screenshot(path=str(out / "workbench-assessment.png"))
        browser.close()
    server.should_exit = True
    print(f"screenshots in {out}")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).parents[1] / "docs" / "img")

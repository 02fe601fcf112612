"""The screenshots of docs/workbench.md "Transplant, CNO and cohort pages": the transplant calendar, the GVHD
entry on the monitoring page, the CNO course with its lesion timeline, and a cohort report, on a fresh SYNTHETIC
registry, taken by Playwright with Debian's chromium.

    PYTHONPATH=src python scripts/workbench_clinical_screenshots.py [OUT_FOLDER]     # default docs/img
"""

from __future__ import annotations

import datetime as dt
import secrets
import socket
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]


def main(out: Path) -> None:
    import uvicorn
    from playwright.sync_api import sync_playwright

    from rarebone.registry import db as dbm
    from rarebone.registry import demo
    from rarebone.registry.store import import_records
    from rarebone.web import accounts
    from rarebone.web.app import create_app
    from rarebone.web.settings import WebSettings
    from tests.web.clinical_seed import TODAY, TX_DATE, cno_child, transplant_child

    url = f"sqlite:///{Path(tempfile.mkdtemp(prefix='rarebone-shots-')) / 'demo.sqlite'}"
    engine = dbm.open_registry(url, create=True)
    import_records(engine, [("demo", r) for r in demo.generate(300, 1)]
                   + [("shots", transplant_child("SYNTHETIC-TX-1")), ("shots", cno_child("SYNTHETIC-CNO-1"))])
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
        page = browser.new_page(viewport={"width": 1200, "height": 1000})
        page.set_default_timeout(60_000)
        page.goto(base + "/signin")
        page.fill("#username", "clinician")
        page.fill("#password", password)
        page.click("form.narrow button[type=submit]")
        # transplant: a plan, then its calendar
        page.goto(base + "/transplant/SYNTHETIC-TX-1")
        page.select_option("#protocol", "beijing-haplo")
        page.fill("#day0", str(TX_DATE))
        page.click("form.grid button[type=submit]")
        page.wait_for_url("**/plans/*")
        page.locator("h2", has_text="Calendar").scroll_into_view_if_needed()
        page.screenshot(path=str(out / "workbench-transplant-calendar.png"))
        # monitoring: labs over two weeks, then the GVHD form with its grade shown as typed
        for day, anc, plt in ((8, "0.1", "15"), (11, "0.3", "18"), (13, "0.6", "25"), (14, "0.8", "30"),
                              (15, "1.1", "35"), (17, "1.6", "48"), (19, "2.0", "55")):
            page.goto(base + "/transplant/SYNTHETIC-TX-1/monitor")
            page.fill("#lab-date", str(TX_DATE + dt.timedelta(days=day)))
            page.fill("#lab-anc", anc)
            page.fill("#lab-platelets", plt)
            page.click("text=Save labs")
            page.wait_for_load_state()
        page.fill("#g-date", str(TX_DATE + dt.timedelta(days=21)))
        page.fill("#g-skin", "35")
        page.select_option("#g-ugi", "yes")
        page.locator("#gvhd-preview").filter(has_text="grade").wait_for()
        page.locator("#gvhd-form").scroll_into_view_if_needed()
        page.screenshot(path=str(out / "workbench-gvhd-entry.png"))
        # CNO: two visits with whole-body MRI
        for days_ago, pain, pga, lesions in ((120, "7", "6", (("clavicle", "left", "medial", "marked"), ("tibia", "right", "", "moderate"))),
                                             (10, "2", "1", (("clavicle", "left", "medial", "mild"),))):
            page.goto(base + "/cno/SYNTHETIC-CNO-1")
            page.fill("#v-date", str(TODAY - dt.timedelta(days=days_ago)))
            page.fill("#v-pain", pain)
            page.fill("#v-pga", pga)
            page.select_option("#v-modality", "wbmri")
            for i, (site, side, part, intensity) in enumerate(lesions):
                page.select_option(f"select[name=l{i}-site]", site)
                page.select_option(f"select[name=l{i}-side]", side)
                page.fill(f"input[name=l{i}-part]", part)
                page.select_option(f"select[name=l{i}-intensity]", intensity)
            page.click("text=Save the visit")
            page.wait_for_load_state()
        page.locator("#lesion-timeline").scroll_into_view_if_needed()
        page.screenshot(path=str(out / "workbench-cno-timeline.png"))
        # cohort
        page.goto(base + "/cohort")
        page.select_option("select[name=f0-field]", "diagnosis")
        page.select_option("select[name=f0-op]", "in")
        page.fill("input[name=f0-value]", "MIOP, IOP")
        page.select_option("#by", "transplant.donor_type")
        page.fill("input[name=at]", "12, 60")
        page.click("text=Run the report")
        page.locator("#results").wait_for(timeout=180_000)
        page.locator("figure").first.scroll_into_view_if_needed()
        page.screenshot(path=str(out / "workbench-cohort.png"))
        browser.close()
    server.should_exit = True
    print(f"screenshots in {out}")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "docs" / "img")

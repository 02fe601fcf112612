"""Every patient page opens for any key the registry accepts — '/', '%', spaces, unicode, '..', '~', '?', '#',
the name of another page — and links are built with the workbench's one encoding (web/keys.py); a key is never a
path to anything else (no traversal)."""

from __future__ import annotations

import datetime as dt
import html
import re

import pytest

from tests.web.clinical_seed import TX_DATE, seed, transplant_child
from tests.web.conftest import csrf, sign_in

KEYS = ["A/B", "site/2024/0007", "50%", "100%2F", "with space", "ünï/cødé-漢字", "..", ".", "../admin/users",
        "new", "x~2Fy", "~", "q?x=1#frag", "a+b&c", "/lead", "trail/"]


def test_segments_round_trip_and_never_hold_a_slash_or_a_dot_segment():
    from urllib.parse import unquote

    from rarebone.web.keys import key_of_segment, key_segment

    for key in KEYS:
        seg = key_segment(key)
        assert "/" not in seg and seg not in (".", "..", "new") and unquote(seg).lower() not in (".", "..")
        assert key_of_segment(unquote(seg)) == key


@pytest.mark.parametrize("key", KEYS)
def test_every_patient_page_opens_for_the_key(client, key):
    from rarebone.web.keys import key_segment

    seed(client.app, transplant_child(key))
    sign_in(client, "clinician")
    seg = key_segment(key)
    escaped = html.escape(key, quote=False)
    for path in (f"/patients/{seg}", f"/patients/{seg}/edit", f"/patients/{seg}/history",
                 f"/patients/{seg}/assessment", f"/transplant/{seg}", f"/transplant/{seg}/monitor"):
        r = client.get(path)
        assert r.status_code == 200, (path, r.status_code)
        assert escaped in r.text, path
    pp = client.get(f"/patients/{seg}/phenopacket")
    assert pp.status_code == 200 and pp.json()["subject"]["id"] == key
    # a lab saved through the form lands on this patient and redirects back to its own page
    r = client.post(f"/transplant/{seg}/labs", data={"csrf_token": csrf(client), "anc": "0.4",
                                                     "date": str(TX_DATE + dt.timedelta(days=3))},
                    follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == f"/transplant/{seg}/monitor"
    page = client.get(r.headers["location"]).text
    assert "There are no post-transplant labs yet." not in page
    chart = re.search(r'<img class="chart"[^>]* src="([^"]+)"', page).group(1)
    assert client.get(html.unescape(chart)).status_code == 200


def test_the_list_links_each_key_to_its_own_page(client):
    for key in KEYS:
        seed(client.app, transplant_child(key))
    sign_in(client, "clinician")
    listing = client.get("/patients").text
    hrefs = [html.unescape(h) for h in re.findall(r'href="(/patients/[^"?]+)"', listing) if h != "/patients/new"]
    opened = set()
    for href in hrefs:
        r = client.get(href)
        assert r.status_code == 200, href
        opened.add(html.unescape(re.search(r"<h1>Patient (.*?)(?: <span|</h1>)", r.text).group(1)))
    assert opened == set(KEYS)


def test_a_key_is_no_path_to_another_page(client):
    """'..' and '../admin/users' are patients' keys, nothing more: a clinician opening them gets the patient (or
    404 without one), never the accounts page or another route."""
    from rarebone.web.keys import key_segment

    sign_in(client, "clinician")
    for key in ("..", "../admin/users", "../../etc/passwd"):
        assert client.get(f"/patients/{key_segment(key)}").status_code == 404
    seed(client.app, transplant_child("../admin/users"))
    r = client.get(f"/patients/{key_segment('../admin/users')}")
    assert r.status_code == 200 and "Patient ../admin/users" in r.text and "Accounts" not in r.text.split("<main")[-1]
    # the redirect of the open-a-patient boxes keeps the key whole
    r = client.get("/transplant", params={"key": "../admin/users"}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == f"/transplant/{key_segment('../admin/users')}"


def test_cds_hooks_link_uses_the_same_encoding():
    from rarebone.web.keys import key_segment

    assert key_segment("A/B") == "A~2FB" and key_segment("..") == "~2E." and key_segment("a b%") == "a%20b~25"
    assert key_segment("new") == "~6Eew" and key_segment("x~y") == "x~7Ey"


def test_downloads_named_after_a_unicode_key_carry_it_in_the_header(client):
    from urllib.parse import quote

    from rarebone.web.keys import key_segment

    key = "ünï/cødé-漢字"
    seed(client.app, transplant_child(key))
    sign_in(client, "clinician")
    r = client.get(f"/patients/{key_segment(key)}/phenopacket")
    assert r.status_code == 200
    disposition = r.headers["content-disposition"]
    assert disposition.isascii() and "filename*=UTF-8''" + quote("ünï_cødé-漢字.json", safe="") in disposition

"""A card's source links and Sources lines are made once per knowledge base (cdshooks.cards._texts, a hot-path
table of the CDS Hooks call): each must equal the text made afresh from the source entry, for every source of the
knowledge base, and ids the knowledge base does not know are formatted as before."""

from __future__ import annotations

from rarebone.cdshooks import cards as C
from rarebone.knowledge import load


def _fresh_link(kb, sid):
    # the formatting before the table, written out
    url = C.source_url(kb, sid)
    return f"[{sid}]({url})" if url else f"[{sid}]"


def _fresh_line(kb, sid):
    url = C.source_url(kb, sid)
    return f"- {kb.citation_text(sid)}" + (f" <{url}>" if url else "")


def test_every_source_link_and_line_equals_the_one_made_afresh():
    kb = load()
    links, lines = C._texts(kb)
    assert set(links) == set(lines) == set(kb.sources) and len(kb.sources) > 50
    kinds = {"url": 0, "none": 0}
    for sid in kb.sources:
        assert links[sid] == _fresh_link(kb, sid), sid
        assert lines[sid] == _fresh_line(kb, sid), sid
        kinds["url" if C.source_url(kb, sid) else "none"] += 1
    assert kinds["url"] > 10  # both shapes are exercised where the knowledge base has them
    assert C._texts(kb) is C._texts(kb)


def test_cite_and_sources_block_equal_the_plain_formatting():
    kb = load()
    ids = sorted(kb.sources)
    for chunk in (ids[:1], ids[:7], ids[5:40:3], [ids[0], ids[0], ids[1]], ["NOT-A-SOURCE", ids[2]], []):
        plain_cite = " " + ", ".join(_fresh_link(kb, s) for s in chunk) if chunk else ""
        assert C._cite(kb, chunk) == plain_cite
        plain_lines = [_fresh_line(kb, s) for s in dict.fromkeys(chunk) if s in kb.sources]
        assert C._sources_block(kb, chunk) == ("**Sources**\n\n" + "\n".join(plain_lines) if plain_lines else "")
    assert C._cite(kb, ["NOT-A-SOURCE"]) == " [NOT-A-SOURCE]"
    assert C._sources_block(kb, ["NOT-A-SOURCE"]) == ""

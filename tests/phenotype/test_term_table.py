"""The HPO term table (phenotype/ontology.py ``_TermTable``) answers what hpo3 answers: every term's name,
obsolete mark, replacement and ancestors; a query in another form goes to hpo3 itself; the cached copy is rebuilt
when it is missing, damaged or stale, and a cache folder that cannot be written falls back to hpo3."""

from __future__ import annotations

import json

import pytest

from rarebone.phenotype.ontology import HpoOntology, _TermTable, hpo3


@pytest.fixture(scope="module")
def table():
    return _TermTable(json.loads(_TermTable.derive()))


def test_every_term_as_hpo3_gives_it(table):
    terms = list(hpo3())
    assert len(table.ids) == len(terms)
    for term in terms:
        row = table.row[term.id]
        mine = table.term(row)
        assert (mine.id, mine.name, mine.is_obsolete, mine.replaced_by) == (
            term.id, term.name, term.is_obsolete, term.replaced_by if term.is_obsolete else None), term.id
        assert sorted(table.parent_ids(row)) == sorted(p.id for p in term.all_parents), term.id
    assert any(table.term(r).is_obsolete for r in table.obsolete)  # obsolete terms are in the table too


def test_name_of_every_listed_term_is_hpo3s(onto):
    """``name`` reads a listed id's name straight from the table (no term object built): hpo3's name for every
    term, obsolete ones included."""
    assert onto._table is not None
    for term in hpo3():
        assert onto.name(term.id) == term.name, term.id


def test_version_is_hpo3s(table):
    assert table.version == hpo3().version()


@pytest.mark.parametrize("query", ["HP:1234", "HP:00001234", "Abnormality of the eye", "HP:0001234\n", "hp:0001234",
                                   "HP:9999999", "HP:0000000", 1234])
def test_other_forms_of_a_query_answer_as_hpo3(onto, query):
    """The table holds ids in their canonical form; anything else is asked of hpo3 (which reads "HP:1234" and a
    term's name too), so answers are unchanged."""
    try:
        term = hpo3().get_hpo_object(query)
    except (RuntimeError, KeyError, ValueError, TypeError):
        term = None
    assert onto.exists(query) is (term is not None)
    assert onto.name(query) == (term.name if term is not None else query)
    expected = frozenset({query, *(p.id for p in term.all_parents)}) if term is not None else frozenset({query})
    assert onto.ancestors_or_self(query) == expected


def test_an_unlisted_canonical_id_is_unknown_to_hpo3_too(table):
    # the table holds every term hpo3 knows: a sample of the ids between them is unknown to both
    listed = {int(i[3:]) for i in table.ids}
    for number in range(1, 200_000, 997):
        if number in listed:
            continue
        with pytest.raises((RuntimeError, KeyError, ValueError)):
            hpo3().get_hpo_object(number)


def _fresh(monkeypatch, folder) -> HpoOntology:
    monkeypatch.setenv("RAREBONE_CACHE_DIR", str(folder))
    return HpoOntology()


def test_the_table_is_cached_and_read_back(tmp_path, monkeypatch):
    first = _fresh(monkeypatch, tmp_path)
    assert first._table is not None and (tmp_path / "hpo-terms.json").exists()

    def refuse():
        raise AssertionError("derived again although cached")

    monkeypatch.setattr(_TermTable, "derive", staticmethod(refuse))
    second = _fresh(monkeypatch, tmp_path)
    assert second._table.ids == first._table.ids
    assert second.version == first.version


@pytest.mark.parametrize("damage", ["truncate", "garbage-json", "stale-key"])
def test_a_damaged_or_stale_table_is_rebuilt(tmp_path, monkeypatch, damage):
    _fresh(monkeypatch, tmp_path)
    path = tmp_path / "hpo-terms.json"
    if damage == "truncate":
        path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    elif damage == "garbage-json":
        from rarebone.core import disk_cache

        disk_cache.commit(disk_cache.reserve("hpo-terms.json"), _TermTable.key(), b'{"version": "x"}')
    else:
        monkeypatch.setattr(_TermTable, "key", staticmethod(lambda: "another-hpo3"))
    calls = []
    derive = _TermTable.derive
    monkeypatch.setattr(_TermTable, "derive", staticmethod(lambda: calls.append(1) or derive()))
    onto = _fresh(monkeypatch, tmp_path)
    assert calls == [1] and onto._table is not None
    assert onto.name("HP:0000478") == hpo3().get_hpo_object("HP:0000478").name


def test_an_unwritable_cache_folder_uses_hpo3_directly(tmp_path, monkeypatch, onto):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    plain = _fresh(monkeypatch, blocker / "cache")
    assert plain._table is None  # no table derived that could not be kept
    for term_id in ("HP:0000478", "HP:0000057", "HP:0001234", "HP:0011001"):
        assert plain.ancestors_or_self(term_id) == onto.ancestors_or_self(term_id)
        assert plain.resolve(term_id, None) == onto.resolve(term_id, None)
    assert plain.version == onto.version


def test_a_current_label_does_not_read_the_label_index(tmp_path, monkeypatch):
    onto = _fresh(monkeypatch, tmp_path)
    assert onto.resolve("HP:0000478", "Abnormality of the eye").warning is None
    assert "_index" not in onto.__dict__  # not loaded: the name itself settles it
    resolved = onto.resolve("HP:0000478", "eye abnormality")  # another wording: the index is read
    assert "_index" in onto.__dict__ and resolved.hpo_id == "HP:0000478"

"""The knowledge base loads, every reference resolves, and a typo fails loudly."""

from __future__ import annotations

import re
import shutil

import pytest

from rarebone.errors import KnowledgeError
from rarebone.knowledge import DATA_DIR, load_from

HPO_ID = re.compile(r"HP:\d{7}")


def test_every_entry_cites_known_sources(kb):
    for entry in kb.entries.values():
        assert entry.sources, entry.id
        for source in entry.sources:
            assert source in kb.sources, (entry.id, source)


def test_every_hpo_id_in_the_data_exists_and_is_current(kb, onto):
    for entry in kb.entries.values():
        for hpo_id in set(HPO_ID.findall(entry.model_dump_json(exclude={"statement", "note", "disagreement", "assumed_from"}))):
            term = onto._term(hpo_id)
            assert term is not None, (entry.id, hpo_id)
            assert not term.is_obsolete, (entry.id, hpo_id)


def test_version_carries_a_content_hash(kb):
    assert re.match(r"^\d+\.\d+\.\d+\+[0-9a-f]{10}$", kb.version)


def _copy(tmp_path):
    target = tmp_path / "data"
    shutil.copytree(DATA_DIR, target)
    return target


def test_typo_in_a_field_name_fails_loudly(tmp_path):
    data = _copy(tmp_path)
    path = data / "osteopetrosis" / "genes.yaml"
    path.write_text(path.read_text().replace("inheritance: AR\n", "inheritence: AR\n", 1))
    with pytest.raises(KnowledgeError) as info:
        load_from(data)
    assert "genes.yaml" in str(info.value) and "OP-GENE-TCIRG1" in str(info.value)


def test_unknown_source_id_fails_loudly(tmp_path):
    data = _copy(tmp_path)
    path = data / "osteopetrosis" / "genes.yaml"
    path.write_text(path.read_text().replace("sources: [S1, STARK2009, WU2017, SNOWDEN2022]", "sources: [S9]", 1))
    with pytest.raises(KnowledgeError, match="source id not in sources.yaml"):
        load_from(data)


def test_invalid_recommendation_value_fails_loudly(tmp_path):
    data = _copy(tmp_path)
    path = data / "osteopetrosis" / "genes.yaml"
    path.write_text(path.read_text().replace("biallelic: {recommendation: indicated", "biallelic: {recommendation: yes", 1))
    with pytest.raises(KnowledgeError, match="OP-GENE-TCIRG1"):
        load_from(data)


def test_duplicate_entry_id_fails_loudly(tmp_path):
    data = _copy(tmp_path)
    (data / "osteopetrosis" / "dup.yaml").write_text(
        "kind: text\nentries:\n  - {id: OP-GENE-TCIRG1, statement: duplicate entry, sources: [S0], text: x}\n")
    with pytest.raises(KnowledgeError, match="duplicate entry id"):
        load_from(data)


def test_unverified_facts_are_marked_as_the_reference_marks_them(kb):
    # clinical-reference A1: FERMT3 indication UNVERIFIED; CLCN7 monoallelic: sources disagree.
    assert kb.get("OP-GENE-FERMT3").certainty == "unverified"
    assert kb.get("OP-GENE-CLCN7").disagreement
    assert kb.get("OP-OUTCOME-S1-HAPLO").disagreement  # 20/27 = 74.1%, not 73.9%

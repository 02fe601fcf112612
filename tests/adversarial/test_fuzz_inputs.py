"""Property-based: mutate real Phenopackets and CSV rows; whatever the mutation, rarebone answers with exit 0 or 2
and, on 2, one line on stderr, never a traceback (issue 11 item 7)."""

from __future__ import annotations

import copy
import json
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.adversarial.conftest import EXAMPLES, ROOT, assert_clean, run_inprocess

BASES = [EXAMPLES / "phenopackets" / "tcirg1-infant.json", EXAMPLES / "cno" / "cno-multivisit.json",
         EXAMPLES / "transplant" / "tcirg1-post-hsct-series.json",
         EXAMPLES / "registry" / "phenopackets" / "synthetic-tcirg1-haplo.json",
         *sorted((ROOT / "tests" / "data" / "phenopacket-store-sample").glob("*.json"))[:3]]
DOCS = [json.loads(p.read_text(encoding="utf-8")) for p in BASES]

HOSTILE = st.one_of(
    st.sampled_from([None, "", "x", 0, -1, True, [], {}, [None], 1e308, -1e308, 10 ** 40, 10 ** 400,
                     float("inf"), float("nan"), "2020-01-01garbage", "2099-01-01T00:00:00Z", "0001-01-01T00:00:00Z",
                     "P999Y", "P" + "9" * 60 + "D", "9999-12-31", "3.0", "\x00", "é" * 50, {"a": {"b": {"c": []}}}]),
    st.text(max_size=20), st.integers(), st.floats(allow_nan=True, allow_infinity=True),
)


def _paths(node, prefix=()):
    """Every path into the document (dict keys and list indexes)."""
    yield prefix
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _paths(value, (*prefix, key))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _paths(value, (*prefix, i))


PATHS = [(i, p) for i, doc in enumerate(DOCS) for p in _paths(doc) if p]


@st.composite
def mutated_phenopacket(draw):
    doc_index, path = draw(st.sampled_from(PATHS))
    doc = copy.deepcopy(DOCS[doc_index])
    for _ in range(draw(st.integers(1, 3))):
        node = doc
        for key in path[:-1]:
            node = node[key]
        if draw(st.booleans()) and isinstance(node, dict):
            node.pop(path[-1], None)
        else:
            node[path[-1]] = draw(HOSTILE)
        doc_index2, path = draw(st.sampled_from([p for p in PATHS if p[0] == doc_index]))
        try:  # the next mutation only where the (changed) document still has that path
            probe = doc
            for key in path:
                probe = probe[key]
        except (KeyError, IndexError, TypeError):
            break
    return doc


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(doc=mutated_phenopacket(), command=st.sampled_from(["assess", "cno course", "monitor"]))
def test_mutated_phenopacket_exit_0_or_2_one_line_no_traceback(doc, command):
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "child.json"
        path.write_text(json.dumps(doc, allow_nan=True), encoding="utf-8")
        assert_clean(run_inprocess(*command.split(), str(path)))


SHEET = EXAMPLES / "registry" / "s1-reconstructed-cohort.csv"
MAPPING = EXAMPLES / "registry" / "s1-reconstructed-map.yaml"
LINES = SHEET.read_text(encoding="utf-8").splitlines()
CELL = st.one_of(st.sampled_from(["", "inf", "nan", "-1", "1e400", "9" * 40, '"', '"x', "a;b", "2099-01-01", "x" * 300,
                                  "père", "\t", "1,5", "=1+1"]), st.text(max_size=12), st.integers().map(str))


@st.composite
def mutated_sheet(draw):
    rows = [line.split(",") for line in LINES[1:4]]
    for _ in range(draw(st.integers(1, 4))):
        row = draw(st.sampled_from(rows))
        i = draw(st.integers(0, len(row) - 1))
        action = draw(st.sampled_from(["set", "set", "drop", "add"]))
        if action == "set":
            row[i] = draw(CELL)
        elif action == "drop":
            row.pop(i)
        else:
            row.insert(i, draw(CELL))
    return "\n".join([LINES[0], *(",".join(r) for r in rows)]) + "\n"


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(text=mutated_sheet(), encoding=st.sampled_from(["utf-8", "utf-8", "utf-8", "latin-1", "utf-16"]))
def test_mutated_csv_rows_exit_0_or_2_no_traceback(text, encoding, tmp_path_factory):
    folder = tmp_path_factory.mktemp("csv")
    sheet = folder / "sheet.csv"
    try:
        sheet.write_bytes(text.encode(encoding))
    except UnicodeEncodeError:
        sheet.write_bytes(text.encode("utf-8"))
    run = run_inprocess("registry", "import", str(sheet), "--mapping", str(MAPPING),
                        env={"RAREBONE_DB": str(folder / "r.sqlite")})
    assert_clean(run, batch=True)  # rejected rows are listed on stdout; stderr says how many (one line)
    assert len(run.error_lines) <= 1, run.stderr

"""The cached disease index (its cache mechanics on a toy index; its content on the real one) and the job."""

from __future__ import annotations

import json
import os
import stat

import numpy as np
import pytest

from rarebone.phenotype.differential import index as index_module
from tests.conftest import EXAMPLES, ROOT, run_cli
from tests.phenotype.test_differential_model import A1, toy_index


@pytest.fixture
def fresh_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("RAREBONE_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(index_module, "_BUILT", {})
    builds = []

    def fake_build(params):
        builds.append(params)
        return toy_index([[(A1, 0.8)], [(A1, 0.4)]])

    monkeypatch.setattr(index_module, "build_index", fake_build)
    return tmp_path / "cache", builds


def test_index_is_built_once_then_read_from_an_owner_only_cache_file(kb, fresh_cache):
    from rarebone.phenotype.differential import parameters

    folder, builds = fresh_cache
    params = parameters(kb)
    told = []
    first = index_module.load_index(params, on_build=told.append)
    files = list(folder.glob("differential-*.npz"))
    assert len(builds) == 1 and len(told) == 1 and len(files) == 1
    assert stat.S_IMODE(os.stat(files[0]).st_mode) == 0o600
    index_module._BUILT.clear()
    second = index_module.load_index(params, on_build=told.append)
    assert len(builds) == 1 and len(told) == 1  # read from disk, not rebuilt
    assert second.disease_ids == first.disease_ids and (second.dis_freq == first.dis_freq).all()
    # the per-term inverse is read from the file (no sort at the first ranking) and equals the computed one
    assert "direct_annotations" in second.__dict__
    stored = second.direct_annotations
    del second.__dict__["direct_annotations"]
    for saved, computed in zip(stored, second.direct_annotations):
        assert np.array_equal(np.asarray(saved, dtype=computed.dtype), computed)


def test_a_truncated_cache_file_is_rebuilt_not_trusted(kb, fresh_cache):
    from rarebone.phenotype.differential import parameters

    folder, builds = fresh_cache
    params = parameters(kb)
    index_module.load_index(params)
    path = next(folder.glob("differential-*.npz"))
    path.write_bytes(path.read_bytes()[:100])
    index_module._BUILT.clear()
    index_module.load_index(params)
    assert len(builds) == 2


def test_query_time_parameters_do_not_invalidate_the_cache(kb, fresh_cache):
    from rarebone.phenotype.differential import parameters

    folder, builds = fresh_cache
    params = parameters(kb)
    index_module.load_index(params)
    index_module._BUILT.clear()
    index_module.load_index(dict(params, unexplained_penalty=params["unexplained_penalty"] + 1))
    assert len(builds) == 1
    index_module._BUILT.clear()
    index_module.load_index(dict(params, frequency_default=0.3))  # a build-time number: a new cache file
    assert len(builds) == 2 and len(list(folder.glob("differential-*.npz"))) == 2


@pytest.fixture(scope="module")
def real_index(kb):
    from rarebone.phenotype.differential import load_index, parameters

    return load_index(parameters(kb))


def test_real_index_covers_omim_and_orphanet_with_osteopetrosis_genes(real_index):
    ids = set(real_index.disease_ids)
    assert "OMIM:259700" in ids and "ORPHA:667" in ids  # AR osteopetrosis 1 (TCIRG1); Orphanet ARO
    d = real_index.disease_ids.index("OMIM:259700")
    assert "TCIRG1" in real_index.disease_genes[d]
    assert real_index.n_diseases > 10000


def test_tcirg1_infant_ranks_osteopetrosis_first(kb):
    from rarebone.workflows.differential import differential_file

    result = differential_file(EXAMPLES / "tcirg1-infant.json", top=10)
    assert result.diseases[0].family == "osteopetrosis"
    first = result.diseases[0]
    assert any(m.match == "exact" and m.term_id == "HP:0011002" for m in first.matched)  # Osteopetrosis itself
    assert 0 < first.post_test_probability <= 1
    assert sum(d.post_test_probability for d in result.diseases) <= 1 + 1e-9


def test_assessment_carries_the_differential_beside_the_rules(kb):
    from rarebone.workflows.assess import assess_file

    with_block = assess_file(EXAMPLES / "tcirg1-infant.json", differential_top=5)
    without = assess_file(EXAMPLES / "tcirg1-infant.json")
    assert without.differential is None and len(with_block.differential.diseases) == 5
    assert with_block.suspicion == without.suspicion  # the rules are untouched by the ranking
    assert with_block.hsct == without.hsct


def test_cli_differential_json_text_and_schema(tmp_path):
    result = run_cli("differential", str(EXAMPLES / "tcirg1-infant.json"), "--top", "3", "--format", "json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert len(data["diseases"]) == 3 and "Decision support" in data["notice"]
    text = run_cli("differential", str(EXAMPLES / "tcirg1-infant.json"), "--top", "3")
    assert "fits:" in text.stdout and "post-test" in text.stdout
    schema = json.loads(run_cli("schema", "assessment").stdout)
    assert "differential" in schema["properties"]
    assert "Differential" in json.dumps(schema)


def test_cli_differential_html_escapes_hostile_ids(tmp_path):
    document = json.loads((EXAMPLES / "tcirg1-infant.json").read_text())
    document["subject"]["id"] = "<script>alert(1)</script>"
    document["id"] = "<b>x</b>"
    case = tmp_path / "hostile.json"
    case.write_text(json.dumps(document))
    out = tmp_path / "d.html"
    result = run_cli("differential", str(case), "--format", "html", "-o", str(out))
    assert result.returncode == 0, result.stderr
    html = out.read_text()
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;" in html


def test_cli_differential_bad_input_is_one_line_exit_2(tmp_path):
    broken = tmp_path / "broken.json"
    broken.write_text("{not json")
    result = run_cli("differential", str(broken))
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "broken.json" in result.stderr and "Traceback" not in result.stderr


def test_validate_differential_on_store_subset_stays_above_floor(tmp_path):
    # Regression guard, not a target: on the first 80 vendored phenopacket-store cases plus 60 simulated ones
    # the overall top-10 was 0.70 when this floor was set, 0.764 after the equivalence/curation round, 0.771
    # after round ddx-top10 (measured 2026-11-30), 0.779 after round ddx-dev70 and 0.786 once the simulated draw
    # was made the same in every process (2026-12-01; it varied by a case or two before), 0.771 after round
    # ddx-map (the 80 files 0.638 -> 0.650; the 60 simulated cases are a new draw from the re-pooled index); the
    # floor, raised from 0.55 and 0.68, sits about eleven cases below.
    from tests.conftest import STORE

    result = run_cli("validate-differential", str(STORE), "--limit", "80", "--simulate", "60", "--format", "json",
                     "--floor-top10", "0.69")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    groups = {g["group"]: g for g in report["groups"]}
    assert groups["simulated"]["n"] == 60 and groups["phenopacket files"]["n"] <= 80
    low, high = groups["all"]["top_wilson95"]["10"]
    assert low <= groups["all"]["top"]["10"] <= high


def test_validate_differential_groups_by_the_keys_category():
    # the key's category names the group; a case not in the key is not evaluated
    real = ROOT / "tests" / "data" / "real-cases"
    result = run_cli("validate-differential", str(real / "osteopetrosis"), "--key", str(real / "keys" / "osteopetrosis.csv"),
                     "--limit", "3", "--format", "json")
    assert result.returncode == 0, result.stderr
    groups = {g["group"]: g for g in json.loads(result.stdout)["groups"]}
    assert set(groups) == {"osteopetrosis"} and groups["osteopetrosis"]["n"] == 3


def test_validate_differential_on_the_real_cases_stays_above_floor():
    # Regression guard, not a target: on the 96 real published cases with an OMIM/Orphanet diagnosis top-10 was
    # 0.667 (hpo3 Resnik baseline 0.438) when this floor was set, and again after round ddx-top10 (measured
    # 2026-11-30, docs/differential.md), 0.677 after round ddx-dev70 (2026-12-01) and again after round ddx-map;
    # the floors sit below that with a margin of about eight cases. The same-gene-or-series line counts more as
    # found than the series line, never less. The key's own id (strict) can only be found
    # less often than the id with the OMIM subtypes of an Orphanet group, and that less often than the series.
    real = ROOT / "tests" / "data" / "real-cases"
    result = run_cli("validate-differential", str(real), "--key", str(real / "keys"), "--format", "json",
                     "--floor-top10", "0.50")
    assert result.returncode == 0, result.stderr
    groups = {g["group"]: g for g in json.loads(result.stdout)["groups"]}
    coded = groups["OMIM/Orphanet diagnosis"]
    assert coded["n"] == coded["indexed"] >= 90
    assert coded["top"]["10"] >= 0.59
    assert coded["strict_top10"] <= coded["top"]["10"] <= coded["series_top10"] <= coded["related_top10"]
    assert groups["all"]["n"] > coded["n"]  # scurvy and ALL (MONDO ids only) are counted, as misses, in "all"


def test_age_bound_on_onset_at_one_year_against_hpo_onset(real_index, kb):
    # HPO-ONSET: infantile onset is 28 days to 1 year, childhood 1 to 5 years (DDX-ONSET-BANDS). A child with no
    # recorded onset cannot have begun later than its age: at 364 days a childhood-onset-only disease takes the
    # onset mismatch ratio, at 366 days (childhood) it does not; an infantile-onset disease is never lowered.
    import math

    from rarebone.phenotype.differential import parameters
    from rarebone.phenotype.differential.model import age_bound_scores
    from rarebone.phenotype.differential.query import onset_class

    params = parameters(kb)
    childhood, infantile = real_index.row("HP:0011463"), real_index.row("HP:0003593")
    only_childhood = next(d for d in range(real_index.n_diseases) if list(real_index.disease_onsets[d]) == [childhood])
    only_infantile = next(d for d in range(real_index.n_diseases) if list(real_index.disease_onsets[d]) == [infantile])
    no_onset = next(d for d in range(real_index.n_diseases) if not list(real_index.disease_onsets[d]))
    assert onset_class(364, params["onset_bands"]) == "HP:0003593"
    assert onset_class(366, params["onset_bands"]) == "HP:0011463"
    at_364 = age_bound_scores(real_index, real_index.row(onset_class(364, params["onset_bands"])), params)
    at_366 = age_bound_scores(real_index, real_index.row(onset_class(366, params["onset_bands"])), params)
    assert math.isclose(at_364[only_childhood], math.log(params["onset_mismatch_lr"]))
    assert at_366[only_childhood] == 0.0
    assert at_364[only_infantile] == at_366[only_infantile] == at_364[no_onset] == 0.0


def test_adjacent_onset_class_is_neutral_against_hpo_onset(real_index, kb):
    # HPO-ONSET orders the classes antenatal < congenital < neonatal < infantile < childhood < juvenile < adult.
    # A neonatal-onset-only disease: a neonatal child is a match, an infantile one (the next class) is neither
    # match nor mismatch (DDX-ONSET adjacent_class_neutral), a childhood one (two classes on) is a mismatch.
    import math

    from rarebone.phenotype.differential import parameters
    from rarebone.phenotype.differential.model import _ONSET_CACHE, onset_scores

    params = parameters(kb)
    assert params["onset_adjacent_neutral"] == 1
    neonatal = real_index.row("HP:0003623")
    only_neonatal = next(d for d in range(real_index.n_diseases) if list(real_index.disease_onsets[d]) == [neonatal])
    _ONSET_CACHE.clear()
    at = {term: onset_scores(real_index, real_index.row(term), params)[only_neonatal]
          for term in ("HP:0003623", "HP:0003593", "HP:0011463")}
    assert math.isclose(at["HP:0003623"], math.log(params["onset_match_lr"]))
    assert at["HP:0003593"] == 0.0
    assert math.isclose(at["HP:0011463"], math.log(params["onset_mismatch_lr"]))
    strict = onset_scores(real_index, real_index.row("HP:0003593"), dict(params, onset_adjacent_neutral=0))
    assert math.isclose(strict[only_neonatal], math.log(params["onset_mismatch_lr"]))


def test_simulated_cases_are_the_same_for_the_same_seed_in_every_process():
    # the CI floor is measured on simulated cases; hpo3 returns a term's parents as a set whose order changed
    # from one process to the next, so the same seed drew different cases before the parents were sorted
    runs = [run_cli("validate-differential", "--simulate", "15", "--seed", "3", "--format", "json") for _ in range(2)]
    assert all(r.returncode == 0 for r in runs), runs[0].stderr
    first, second = ([(c["case"], c["truth"], c["rank"]) for c in json.loads(r.stdout)["results"]] for r in runs)
    assert first == second and len(first) == 15

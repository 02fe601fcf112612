"""The outcomes report on the registry (both back ends): the JSON contract, the S1 reconstruction and its
published arithmetic, and the SYNTHETIC demo."""

from __future__ import annotations

from pathlib import Path

import pytest

from rarebone.registry import demo, importers, store
from rarebone.workflows import outcomes

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "registry"


@pytest.fixture
def s1_engine(engine):
    store.import_records(engine, importers.mapped_items(EXAMPLES / "s1-reconstructed-cohort.csv",
                                                        EXAMPLES / "s1-reconstructed-map.yaml"))
    return engine


def test_five_year_os_against_s1_counts(s1_engine):
    report, _ = outcomes.run(s1_engine, by=["donor_relation", "abo_matched", "diagnosis"], at=[60], figures=False)
    # 7 deaths, all < 2 months, none lost: KM 5-y OS = 20/27 = 0.7407 (S1 prints 73.9%, clinical-reference §C.1)
    assert report.survival.estimates[0].estimate == pytest.approx(20 / 27)
    groups = {c.by: {g.group: g for g in c.groups} for c in report.comparisons}
    # father 13/19 = 68.4%, mother 7/8 = 87.5% (both as printed in S1)
    assert groups["transplant.donor_relation"]["father"].estimate.estimate == pytest.approx(13 / 19)
    assert groups["transplant.donor_relation"]["mother"].estimate.estimate == pytest.approx(7 / 8)
    # ABO same 8/12 = 66.7% (as printed); different 12/15 = 80.0% (S1 prints 79.4%)
    assert groups["transplant.abo_matched"]["yes"].estimate.estimate == pytest.approx(8 / 12)
    assert groups["transplant.abo_matched"]["no"].estimate.estimate == pytest.approx(12 / 15)
    # IOP 4/4 = 100%; then MIOP must be 16/23 = 69.6% (S1 prints 73.9%)
    assert groups["diagnosis"]["IOP"].estimate.estimate == 1.0
    assert groups["diagnosis"]["MIOP"].estimate.estimate == pytest.approx(16 / 23)
    assert report.comparisons[0].test.df == 1


def test_published_arithmetic_is_flagged_not_fixed():
    from rarebone.knowledge import load

    checks = {c.knowledge_id: c for c in outcomes.published_checks(load())}
    # 20/27 = 74.07 -> 74.1, printed 73.9
    assert checks["S1-OS5-ALL"].recomputed_percent == 74.1 and not checks["S1-OS5-ALL"].consistent
    assert checks["S1-OS5-ALL"].reported_percent == 73.9
    # 12/15 = 80.0, printed 79.4; 3/7 = 42.86 -> 42.9, printed 42.8; 16/23 = 69.6, printed 73.9
    assert not checks["S1-OS5-ABO-MISMATCHED"].consistent
    assert not checks["S1-DEATHS-PULMONARY-HAEMORRHAGE"].consistent
    assert not checks["S1-OS5-MIOP"].consistent
    # 8/12 = 66.67 -> 66.7, 13/19 = 68.42 -> 68.4, 7/8 = 87.5: as printed
    assert all(checks[k].consistent for k in ("S1-OS5-ABO-MATCHED", "S1-OS5-FATHER", "S1-OS5-MOTHER"))


def test_report_json_contract(s1_engine):
    report, _ = outcomes.run(s1_engine, by=["donor_relation"], at=[60], time_unit="months", figures=False)
    data = report.model_dump()
    for key in ("n", "tables", "survival", "comparisons", "cox", "cumulative_incidence"):
        assert key in data
    assert data["n"] == 27
    est = data["survival"]["estimates"][0]
    assert set(est) >= {"estimate", "ci_lower", "ci_upper"} and est["time"] == 60
    assert data["survival"]["median_followup"]["method"] == "reverse Kaplan-Meier"
    comp = data["comparisons"][0]
    assert {g["group"] for g in comp["groups"]} == {"father", "mother"}
    assert set(comp["test"]) == {"name", "statistic", "df", "p_value"}
    assert data["synthetic"] is True and "SYNTHETIC" in data["banner"]
    assert data["notice"] and data["knowledge_version"]


def test_cohort_filter_and_multigroup_logrank(engine):
    store.import_records(engine, [("demo", r) for r in demo.generate(300, seed=2)])
    report, _ = outcomes.run(engine, cohort="diagnosis in (MIOP, IOP)", by=["donor_type"], at=[60], figures=False)
    assert report.n == sum(1 for r in demo.generate(300, seed=2) if r["patient"]["diagnosis"] in ("MIOP", "IOP"))
    comparison = report.comparisons[0]
    assert comparison.test.df == len(comparison.groups) - 1 == 3


def test_demo_is_labelled_and_deterministic():
    a = list(demo.generate(50, seed=9))
    assert a == list(demo.generate(50, seed=9))
    assert a != list(demo.generate(50, seed=10))
    assert all(r["patient"]["patient_key"].startswith("SYNTHETIC-") and r["patient"]["synthetic"] for r in a)
    assert all("SYNTHETIC" in r["patient"]["notes"] for r in a)


def test_demo_rates_follow_published_figures():
    from rarebone.knowledge import load

    kb = load()
    records = [r for r in demo.generate(4000, seed=1) if r["patient"]["diagnosis"] != "CNO"]
    haplo = [r for r in records if r["transplants"][0]["donor_type"] == "haploidentical"]
    father = sum(r["transplants"][0]["donor_relation"] == "father" for r in haplo) / len(haplo)
    assert father == pytest.approx(19 / 27, abs=0.03)  # DEMO-HAPLO-PARENT (S1)
    cd34 = sorted(r["transplants"][0]["cd34_10e6_per_kg"] for r in records)
    entry = kb.get("DEMO-CD34")
    assert cd34[len(cd34) // 2] == pytest.approx(entry.median, rel=0.05)
    assert entry.low <= cd34[0] and cd34[-1] <= entry.high
    miop = sum(r["patient"]["diagnosis"] == "MIOP" for r in records) / len(records)
    assert miop == pytest.approx(23 / 27, abs=0.03)


def _cno(key, statuses, pga):
    return {"patient": {"patient_key": key, "synthetic": True, "diagnosis": "CNO", "vital_status": "alive"},
            "lesions": [{"site": f"s{i}", "status": s} for i, s in enumerate(statuses)],
            "cno_visits": [{"age_days": 3000.0 + 90 * i, "physician_global_0_10": v, "active_lesions": 2}
                           for i, v in enumerate(pga)]}


def test_cno_section_counts_lesions_in_s4_form_and_is_omitted_for_osteopetrosis(engine):
    store.import_records(engine, [("demo", r) for r in demo.generate(60, seed=4)
                                  if r["patient"]["diagnosis"] != "CNO"])
    store.import_records(engine, [
        ("t", _cno("SYNTHETIC-CNO-A", ["resolved", "resolved", "stable", "new"], [6.0, 3.0])),
        ("t", _cno("SYNTHETIC-CNO-B", ["stable", "active", "new", "new"], [4.0, 4.0, 2.0])),
    ])
    report, figs = outcomes.run(engine, figures=True)
    les = report.cno.lesions
    # baseline = lesions not recorded as new: A 3, B 2 (the 'active' one has no outcome: unclassified)
    assert (report.cno.patients, les.baseline_lesions, les.resolved, les.stable) == (2, 4, 2, 2)
    assert (les.new_lesions, les.patients_with_new_lesions, les.unclassified) == (3, 2, 1)
    visits = {v.visit: v for v in report.cno.visits}
    assert visits[1].patients == 2 and visits[3].patients == 1
    assert visits[1].pga_0_10.startswith("5.0")  # median of 6 and 4
    assert visits[2].months_since_first_visit.startswith("3.0")  # 90 days = 2.96 months
    assert {r.level for r in report.cno.responses} == {30, 50, 70}
    assert all(r.met + r.not_met + r.undetermined == 2 for r in report.cno.responses)
    assert "cno_activity" in figs
    only_op, _ = outcomes.run(engine, cohort="diagnosis in (MIOP, IOP)", figures=False)
    assert only_op.cno is None


def test_report_json_has_cumulative_incidence_per_group(engine):
    store.import_records(engine, [("demo", r) for r in demo.generate(300, seed=2)])
    report, figs = outcomes.run(engine, by=["donor_relation"], at=[60], figures=True)
    data = report.model_dump()
    inc = data["cumulative_incidence"][0]
    assert [e["label"] for e in inc["estimates"]] == ["day +30", "day +100", "1 year", "60 months"]
    comparison = inc["comparisons"][0]
    assert comparison["by"] == "transplant.donor_relation" and comparison["test"] is None
    groups = {g["group"]: g for g in comparison["groups"]}
    assert set(groups) == {g.group for g in report.comparisons[0].groups}
    assert sum(g["n"] for g in groups.values()) == inc["n"]
    assert sum(g["events"] for g in groups.values()) == inc["events"]
    assert "cif_transplant.donor_relation" in figs and "SYNTHETIC DATA" in figs["cif_transplant.donor_relation"]


def test_undated_events_are_named_not_counted_as_no_event(s1_engine):
    import csv

    rows = list(csv.DictReader((EXAMPLES / "s1-reconstructed-cohort.csv").open()))
    graded = sum(1 for r in rows if r["aGVHD"].strip() and float(r["aGVHD"]) >= 2)  # grade II-IV, no onset day
    report, _ = outcomes.run(s1_engine, at=[60], figures=False)
    gvhd, engraftment = report.cumulative_incidence[0], report.cumulative_incidence[1]
    assert graded > 0 and gvhd.n == 27 - graded and f"{graded} of {graded} events have no onset day" in gvhd.note
    assert any("no onset day" in w for w in report.warnings)
    # engraftment: 26 engrafted, 1 died before it, nobody left at risk -> the estimate is final, not 'beyond follow-up'
    assert (engraftment.events, engraftment.competing) == (26, 1)
    assert not any(e.beyond_followup for e in engraftment.estimates)
    assert engraftment.estimates[-1].estimate == pytest.approx(26 / 27)


def test_published_arithmetic_only_for_cohorts_with_s1_records(s1_engine, engine):
    from rarebone.report.outcomes import to_text

    s1_report, _ = outcomes.run(s1_engine, at=[60], figures=False)
    assert s1_report.published_checks and "Published arithmetic (S1)" in to_text(s1_report)
    assert any("printed in S1" in w for w in s1_report.warnings)
    # the same registry, a cohort without S1 records (empty): no S1 section, no S1 warning
    empty, _ = outcomes.run(s1_engine, cohort="diagnosis == CNO", at=[60], figures=False)
    assert empty.n == 0 and not empty.published_checks and "Published arithmetic" not in to_text(empty)
    assert not any("S1" in w for w in empty.warnings)


def test_published_arithmetic_absent_for_a_centre_cohort(engine):
    from rarebone.report.outcomes import to_html, to_text

    records = list(demo.generate(40, seed=3))
    for r in records:  # a real centre's data: not synthetic, own keys
        r["patient"]["synthetic"] = False
        r["patient"]["patient_key"] = r["patient"]["patient_key"].replace("SYNTHETIC-", "CENTRE-")
    store.import_records(engine, [("centre.csv", r) for r in records])
    report, figs = outcomes.run(engine, at=[60], figures=False)
    assert not report.published_checks and "Published arithmetic" not in to_text(report)
    assert "Published arithmetic" not in to_html(report, figs) and not any("S1" in w for w in report.warnings)


def test_undated_gvhd_is_not_estimable_not_zero(s1_engine):
    from rarebone.report.outcomes import results_paragraphs, to_html, to_text

    report, figs = outcomes.run(s1_engine, by=["donor_relation"], at=[60], figures=True)
    gvhd = report.cumulative_incidence[0]
    assert gvhd.endpoint.startswith("acute GVHD") and gvhd.not_estimable.startswith("not estimable: ")
    assert all(e.estimate is None and e.ci_lower is None and e.reason == gvhd.not_estimable for e in gvhd.estimates)
    data = report.model_dump(mode="json")["cumulative_incidence"][0]
    assert data["estimates"][0]["estimate"] is None and data["estimates"][0]["reason"].startswith("not estimable")
    assert all(g.not_estimable for c in gvhd.comparisons for g in c.groups)
    text = to_text(report)
    gvhd_lines = text[text.index("Cumulative incidence of acute GVHD"):].split("\n\n")[0]
    assert "0.0%" not in gvhd_lines and "not estimable" in gvhd_lines
    sentence = next(p for p in results_paragraphs(report) if "acute GVHD" in p)
    assert "not estimable" in sentence and "%" not in sentence
    html = to_html(report, figs)
    assert "not estimable: " in html and "not estimable" in figs["cif"]
    assert "not estimable" in figs["cif_transplant.donor_relation"]


def test_partly_undated_events_are_flagged_next_to_the_number(engine):
    from rarebone.report.outcomes import results_paragraphs, to_text

    records = list(demo.generate(200, seed=4))
    graded = [r for r in records if (r.get("transplants") and (r["transplants"][0].get("agvhd_grade") or 0) >= 2
                                     and r["transplants"][0].get("agvhd_day") is not None)]
    assert len(graded) >= 4
    for r in graded[:2]:
        r["transplants"][0]["agvhd_day"] = None
    store.import_records(engine, [("demo", r) for r in records])
    report, _ = outcomes.run(engine, at=[60], figures=False)
    gvhd = report.cumulative_incidence[0]
    assert gvhd.undated == 2 and gvhd.not_estimable is None and gvhd.estimates[0].estimate is not None
    flag = f"2 of {gvhd.events + 2} events have no onset day"
    sentence = next(p for p in results_paragraphs(report) if "acute GVHD" in p)
    assert flag in sentence and "%" in sentence
    line = next(x for x in to_text(report).splitlines() if x.startswith("  all:") and flag in x)
    assert "%" in line


def test_narrative_names_the_transplant_population_and_the_logrank_scope(engine):
    from rarebone.report.outcomes import results_paragraphs

    store.import_records(engine, [("demo", r) for r in demo.generate(150, seed=5)])
    report, _ = outcomes.run(engine, by=["donor_relation"], at=[60], figures=False)
    assert report.transplanted == report.survival.n < report.n  # CNO patients have no transplant
    text = " ".join(results_paragraphs(report))
    assert (f"Of these {report.n} registry patients, {report.transplanted} transplanted patients were analysed"
            in text and f"the other {report.n - report.transplanted} have no transplant" in text)
    # log-rank compares whole curves: the sentence must not tie it to one time point
    sentence = next(p for p in results_paragraphs(report) if "log-rank" in p)
    assert "difference in 60-month" not in sentence and "over the whole follow-up" in sentence
    assert sentence.index("log-rank") < sentence.index("at 60 months:")
    assert "simple median of the follow-up times" in text and "S1 paper" not in text

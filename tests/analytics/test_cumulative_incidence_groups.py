"""Cumulative incidence per ``--by`` group and without a horizon, validated on the Scrucca et al. (2007)
bone-marrow-transplant data as shipped by scikit-survival (``load_bmt``: 35 patients, ALL vs AML; cause 1
transplant-related mortality, cause 2 relapse), the published example of R ``cmprsk::cuminc(group = dis)``."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from rarebone.analytics import competing
from rarebone.workflows.outcomes import incidence, survival


def _bmt_frame():
    from sksurv.datasets import load_bmt

    x, y = load_bmt()
    t, cause = y["ftime"].astype(float), y["status"].astype(int)
    # cause 1 stands for the endpoint (as acute GVHD II-IV), cause 2 for death without it, 0 censored
    return pd.DataFrame({
        "synthetic": False, "transplant.followup_days": t,
        "vital_status": np.where(cause == 2, "dead", "alive"),
        "transplant.agvhd_day": np.where(cause == 1, t, np.nan), "transplant.agvhd_grade": np.where(cause == 1, 2, 0),
        "transplant.neutrophil_engraftment_day": np.nan, "transplant.graft_failure": "none",
        "transplant.graft_failure_day": np.nan,
        "disease": x["dis"].astype(str).map({"0": "ALL", "1": "AML"}).to_numpy(),
    })


def test_cif_per_group_against_scrucca2007_bmt():
    out = incidence.incidences(_bmt_frame(), ["disease"], 1.0, "days", [72.0], None, survival.group_labels)
    gvhd = out[0]
    assert gvhd.endpoint == "acute GVHD grade II-IV"
    # all 35: Aalen-Johansen cause 1 at the last time 0.2728 (ecosystem notes §6, hand-checked)
    assert gvhd.estimates[-1].estimate == pytest.approx(0.2728, abs=5e-5)
    groups = {g.group: g for g in gvhd.comparisons[0].groups}
    assert (groups["ALL"].n, groups["ALL"].events, groups["ALL"].competing) == (17, 3, 12)
    # ALL: nobody censored before the last event, so AJ = plain proportion: 3/17 = 0.17647
    assert groups["ALL"].estimates[-1].estimate == pytest.approx(3 / 17)
    # AML (n 18): t2 one relapse + one censored; t3 3 TRM of 16 at risk: 17/18 x 3/16 = 51/288;
    # t4 2 TRM of 13 (S = 17/18 x 13/16 = 221/288): 221/288 x 2/13 = 442/3744; t7 relapse 1 of 10 (S x 9/10);
    # t8 1 TRM of 8: 2431/3744 x 9/10 x 1/8 = 0.0730469. Sum 0.1770833 + 0.1180556 + 0.0730469 = 0.3681858
    assert groups["AML"].estimates[-1].estimate == pytest.approx(0.3681858, abs=1e-6)
    assert gvhd.comparisons[0].test is None and "Gray" in gvhd.comparisons[0].note
    for g in groups.values():  # intervals bracket their estimates
        e = g.estimates[-1]
        assert e.ci_lower <= e.estimate <= e.ci_upper


def test_cif_has_no_horizon_and_is_exact_at_five_years():
    # 3 events at day 100, 2 at day 1500, 1 death at 200, 4 censored at 2000: at 5 years (1826 days) the CIF
    # must include the day-1500 events. No censoring before 1500: 5/10 exactly.
    t = [100, 100, 100, 200, 1500, 1500, 2000, 2000, 2000, 2000]
    cause = [1, 1, 1, 2, 1, 1, 0, 0, 0, 0]
    res = competing.cumulative_incidence(t, cause, [365.0, 1826.25], endpoint="x")
    assert [a["estimate"] for a in res.at] == [pytest.approx(0.3), pytest.approx(0.5)]


def test_large_registries_keep_the_exact_estimate_and_say_how_the_ci_was_computed():
    from sksurv.nonparametric import cumulative_incidence_competing_risks

    rng = np.random.default_rng(3)
    n = 6000
    t = np.round(rng.exponential(400, n), 2) + 0.01
    cause = rng.choice([0, 1, 2], size=n, p=[0.5, 0.3, 0.2])
    at = 1826.25
    res = competing.cumulative_incidence(t, cause, [at], endpoint="x")
    assert np.unique(t[cause > 0]).size > competing.CI_MAX_TIMES
    assert res.ci_resolution_days is not None  # the CI says it was computed on rounded times
    x, y = cumulative_incidence_competing_risks(cause, t)  # the estimate on every raw time, no shortcut
    idx = np.searchsorted(x, at, side="right") - 1
    assert res.at[0]["estimate"] == pytest.approx(y[1][idx], abs=1e-12)
    assert res.at[0]["ci_lower"] < res.at[0]["estimate"] < res.at[0]["ci_upper"]

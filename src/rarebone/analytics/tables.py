"""Table 1 / Table 2 rows in a cohort paper's style: n (%) for categories, median (range) or median (IQR)
for numbers, per group with a test for differences (Fisher's exact test for 2×2, chi-square otherwise;
Mann–Whitney U for two groups, Kruskal–Wallis for more; scipy).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np


@dataclass
class Row:
    label: str
    level: str | None  # category level, None for a numeric row or a header
    overall: str
    groups: dict[str, str] = field(default_factory=dict)
    p_value: float | None = None
    test: str | None = None
    counts: dict[str, int] = field(default_factory=dict)  # numerators, for checking arithmetic


def _pct(k: int, n: int) -> str:
    return f"{k} ({100.0 * k / n:.1f})" if n else f"{k} (-)"


def _summary(values, spread: str, scale: float) -> str:
    values = np.asarray(values, dtype=float)
    values = values[~np.isnan(values)] / scale
    if values.size == 0:
        return "-"
    med = np.median(values)
    if spread == "iqr":
        q1, q3 = np.percentile(values, [25, 75])
        return f"{med:.1f} ({q1:.1f}-{q3:.1f})"
    return f"{med:.1f} ({values.min():.1f}-{values.max():.1f})"


def _level(v) -> str:
    if v is None or v != v:
        return "missing"
    if isinstance(v, (bool, np.bool_)):
        return "yes" if v else "no"
    if isinstance(v, (float, np.floating)) and float(v).is_integer():
        return str(int(v))
    return str(v)


def categorical(frame, column: str, label: str, by: str | None = None, levels=None) -> list[Row]:
    from scipy import stats

    series = _labels(frame[column])
    names = list(np.unique(series.to_numpy(dtype=str)))
    codes = np.searchsorted(names, series.to_numpy(dtype=str))
    levels = list(levels) if levels else sorted(names, key=lambda s: (s == "missing", s))
    groups = _groups(frame, by)
    counts_all = np.bincount(codes, minlength=len(names))
    counts_by = {g: np.bincount(codes[m], minlength=len(names)) for g, m in groups.items()}

    def count(counts, level) -> int:
        return int(counts[names.index(level)]) if level in names else 0

    rows = [Row(label, None, f"n = {series.size}", {g: f"n = {int(m.sum())}" for g, m in groups.items()})]
    if groups and len(groups) >= 2:
        table = np.array([[count(counts_by[g], lv) for lv in levels if lv != "missing"] for g in groups])
        table = table[:, table.sum(axis=0) > 0] if table.size else table
        if table.ndim == 2 and table.shape[1] >= 2 and (table.sum(axis=1) > 0).all():
            if table.shape == (2, 2):
                rows[0].p_value, rows[0].test = float(stats.fisher_exact(table)[1]), "Fisher's exact"
            else:
                rows[0].p_value, rows[0].test = float(stats.chi2_contingency(table)[1]), "chi-square"
    n = series.size
    for level in levels:
        k = count(counts_all, level)
        row = Row(label, level, _pct(k, n), counts={"overall": k})
        for g, m in groups.items():
            kg = count(counts_by[g], level)
            row.groups[g] = _pct(kg, int(m.sum()))
            row.counts[g] = kg
        rows.append(row)
    return rows


def numeric(frame, column: str, label: str, by: str | None = None, spread: str = "range", scale: float = 1.0) -> Row:
    from scipy import stats

    values = frame[column].astype(float)
    groups = _groups(frame, by)
    row = Row(label, None, _summary(values, spread, scale), {g: _summary(values[m], spread, scale) for g, m in groups.items()})
    samples = [values[m].dropna().to_numpy() for m in groups.values()]
    samples = [s for s in samples if s.size]
    if len(samples) == 2:
        row.p_value, row.test = float(stats.mannwhitneyu(*samples).pvalue), "Mann-Whitney U"
    elif len(samples) > 2:
        row.p_value, row.test = float(stats.kruskal(*samples).pvalue), "Kruskal-Wallis"
    return row


def _labels(series):
    """Display labels for every cell, computed once per distinct value (fast on 100,000 rows)."""
    import pandas as pd

    codes, uniques = pd.factorize(series, use_na_sentinel=True)
    table = np.array([_level(u) for u in uniques] + ["missing"], dtype=object)
    return pd.Series(table[codes], index=series.index)


def _groups(frame, by):
    if not by:
        return {}
    col = _labels(frame[by])
    return {str(level): (col == level).to_numpy() for level in sorted(set(col.unique()) - {"missing"})}

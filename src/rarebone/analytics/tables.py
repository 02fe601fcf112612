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

    series = frame[column].map(_level)
    levels = list(levels) if levels else sorted(series.unique(), key=lambda s: (s == "missing", s))
    groups = _groups(frame, by)
    rows = [Row(label, None, f"n = {series.size}", {g: f"n = {int(m.sum())}" for g, m in groups.items()})]
    if groups and len(groups) >= 2:
        table = np.array([[int(((series == lv) & m).sum()) for lv in levels if lv != "missing"] for m in groups.values()])
        table = table[:, table.sum(axis=0) > 0] if table.size else table
        if table.ndim == 2 and table.shape[1] >= 2 and (table.sum(axis=1) > 0).all():
            if table.shape == (2, 2):
                rows[0].p_value, rows[0].test = float(stats.fisher_exact(table)[1]), "Fisher's exact"
            else:
                rows[0].p_value, rows[0].test = float(stats.chi2_contingency(table)[1]), "chi-square"
    n = series.size
    for level in levels:
        k = int((series == level).sum())
        row = Row(label, level, _pct(k, n), counts={"overall": k})
        for g, m in groups.items():
            kg = int(((series == level) & m).sum())
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


def _groups(frame, by):
    if not by:
        return {}
    col = frame[by].map(lambda v: None if _level(v) == "missing" else _level(v))
    return {str(level): (col == level).to_numpy() for level in sorted(col.dropna().unique())}

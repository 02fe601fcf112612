"""Rebuild examples/registry/s1-reconstructed-cohort.csv from S1's printed marginals (deterministic; no randomness).

    python scripts/build_s1_cohort.py            # writes the CSV beside the marginals file
    python scripts/build_s1_cohort.py --check    # exit 1 if the CSV on disk differs from what this script builds

The printed values come from examples/registry/s1-published-tables.yaml (each cited to its table or section of S1).
Individual values are invented: every count, median and range the paper prints that is consistent with the others
holds, nothing else is claimed (the records are marked synthetic by the mapping). What the paper does not print
(the grade I/II split, which child has which value) is chosen here so that no column is ordered with survival:
S1 found no association of survival with age at transplant or CD34+ dose.
"""

from __future__ import annotations

import argparse
import csv
import io
import math
import sys
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parents[1] / "examples" / "registry"
TABLES, OUT = HERE / "s1-published-tables.yaml", HERE / "s1-reconstructed-cohort.csv"
COLUMNS = ["ID", "Gender", "Type", "Gene", "Donor", "HLA_matched", "HLA_total", "ABO_same", "Conditioning", "Age_tx_mo",
           "CD34", "MNC", "ANC_day", "PLT_day", "GF", "aGVHD", "cGVHD", "VOD", "CMV", "EBV", "Bacterial", "HC", "Visual",
           "Hearing", "Spleen", "Hemogram", "died", "Cause", "FU_months"]
DAYS_PER_MONTH = 365.25 / 12  # the registry's own month (docs/registry.md)

# Patients 0..22 are MIOP in ascending age at transplant, 23..26 IOP (the oldest four). Index sets below place the
# printed counts; they are spread over the age order so that no characteristic follows age.
DEATHS = {1: (1.1, "pulmonary haemorrhage"), 4: (0.3, "severe pneumonia"), 8: (1.9, "pulmonary haemorrhage"),
          11: (1.5, "heart failure secondary to AIHA"), 14: (0.9, "pulmonary haemorrhage"),
          17: (1.3, "severe pneumonia"), 20: (1.7, "GI bleeding and MOF secondary to VOD")}
MOTHER = [3, 6, 8, 13, 18, 22, 24, 26]                      # 8 mothers, 1 death (7/8 alive)
ABO_SAME = [0, 1, 5, 8, 9, 13, 14, 16, 20, 21, 23, 25]       # 12 matched, 4 deaths (8/12 alive)
FEMALE = [2, 5, 9, 11, 15, 19, 22, 24, 26]                   # 9 girls; 5 is the girl with the 9/10 father graft
HLA = {5: (9, 10), 12: (5, 6), 25: (5, 6), 3: (6, 10), 17: (6, 10), 7: (7, 10), 10: (7, 10), 19: (7, 10), 23: (7, 10)}
TBI = [24]
GENE = {6: "CLCN7-ch", 15: "CLCN7-ch", 9: "NA", 16: "NA", 21: "NA"}   # IOP: CLCN7-het; other MIOP: TCIRG1
NO_NEUTROPHIL = [4]                                           # died on day 9, before engraftment (no graft failure)
NO_PLATELET = [4, 14, 1, 17]                                  # 23 platelet engrafted
AGVHD = {0: [4, 9, 13, 18, 23, 26], 3: [16], 2: [1, 3, 7, 11, 14, 19, 21, 24, 25]}   # the rest grade 1
CGVHD = [0, 2, 5, 7, 10, 12, 15, 19, 22, 24, 25]             # 11, all survivors
CMV = [0, 2, 3, 5, 6, 7, 9, 12, 13, 15, 16, 18, 21, 23, 26]  # 15, all survivors (dead/alive 0/15)
EBV = [0, 3, 6, 9, 10, 13, 16, 19, 22, 25]
BACTERIAL = [4, 17, 2, 5, 7, 10, 12, 15, 18, 21, 23, 26]     # 2 pneumonia deaths + 10 survivors
HC = [6, 15, 24]
VOD = [20, 3, 10, 18, 25]                                     # the VOD death + 4 survivors
NO_VISION_LOSS = [25]
HEARING = [3, 10, 17, 23, 26]


def spread(median: float, low: float, high: float, n: int, decimals: int, log: bool = False) -> list[float]:
    """n values from low to high whose median is the printed median: evenly spaced below and above it (on a log
    scale when ``log``), rounded as printed. For even n the two middle values both equal the median."""
    below = n // 2 if n % 2 else n // 2 - 1
    above = n - below - 1

    def between(a, b, k):  # k values strictly after a, ending at b
        if log:
            return [math.exp(math.log(a) + (math.log(b) - math.log(a)) * (i + 1) / k) for i in range(k)]
        return [a + (b - a) * (i + 1) / k for i in range(k)]

    lower = [low] + between(low, median, below)[:-1] if below else []
    values = lower + [median] + (between(median, high, above) if above else [])
    if n % 2 == 0:
        values = lower + [median, median] + between(median, high, above - 1)
    return [round(v, decimals) if decimals else float(int(v + 0.5)) for v in values]


def scatter(k: int, step: int, offset: int) -> list[int]:
    """A fixed permutation of range(k) (step coprime with k): spreads sorted values over patients."""
    assert math.gcd(step, k) == 1
    return [(offset + step * i) % k for i in range(k)]


def build(tables: dict) -> list[dict]:
    c = tables["continuous"]
    n = tables["n"]
    ages = spread(c["Age_tx_mo"]["median"], c["Age_tx_mo"]["min"], c["Age_tx_mo"]["max"], n, 0, log=True)
    rows = [{"ID": f"{p + 1:02d}", "Type": "1" if p < 23 else "2", "Age_tx_mo": ages[p]} for p in range(n)]
    for p, r in enumerate(rows):
        r["Gender"] = "2" if p in FEMALE else "1"
        r["Gene"] = "CLCN7-het" if p >= 23 else GENE.get(p, "TCIRG1")
        r["Donor"] = "mother" if p in MOTHER else "father"
        r["HLA_matched"], r["HLA_total"] = HLA.get(p, (5, 10))
        r["ABO_same"] = "1" if p in ABO_SAME else "0"
        r["Conditioning"] = "TBI/Cy+ATG/ALG" if p in TBI else "Flu/Bu/Cy+ATG/ALG"
        r["GF"] = "0"
        r["aGVHD"] = next((g for g, ps in AGVHD.items() if p in ps), 1)
        for column, members in (("cGVHD", CGVHD), ("VOD", VOD), ("CMV", CMV), ("EBV", EBV), ("Bacterial", BACTERIAL),
                                ("HC", HC), ("Hearing", HEARING)):
            r[column] = "1" if p in members else "0"
        r["Visual"] = "0" if p in NO_VISION_LOSS else "1"
        r["Spleen"] = r["Hemogram"] = "1"
        r["died"] = "1" if p in DEATHS else "0"
        r["Cause"] = DEATHS[p][1] if p in DEATHS else ""
    # graft doses: sorted values spread over patients by two different permutations (no order with age or death)
    for column, (step, offset) in (("MNC", (7, 3)), ("CD34", (10, 5))):
        values = spread(c[column]["median"], c[column]["min"], c[column]["max"], n, c[column]["decimals"])
        for p, i in enumerate(scatter(n, step, offset)):
            rows[p][column] = values[i]
    # follow-up: deaths as listed; survivors spread between the median (7th of 20) and the maximum
    survivors = [p for p in range(n) if p not in DEATHS]
    fu = spread(c["FU_months"]["median"], c["FU_months"]["min"], c["FU_months"]["max"], n, 1)[len(DEATHS):]
    low_survivor = 30.5  # at least 29.5 months from the last transplant (May 2018) to the last follow-up (1 Nov 2020)
    k_below = sum(1 for v in fu if v < c["FU_months"]["median"])
    fu[:k_below] = [round(low_survivor + (c["FU_months"]["median"] - low_survivor) * i / k_below, 1) for i in range(k_below)]
    for p, i in zip(survivors, scatter(len(survivors), 7, 2)):
        rows[p]["FU_months"] = fu[i]
    for p, (months, _) in DEATHS.items():
        rows[p]["FU_months"] = months
    # engraftment days: the children who died get values below their day of death; the others by permutation
    for column, missing in (("ANC_day", NO_NEUTROPHIL), ("PLT_day", NO_PLATELET)):
        spec = c[column]
        values = spread(spec["median"], spec["min"], spec["max"], spec["n"], 0)
        dying = sorted((p for p in DEATHS if p not in missing), key=lambda p: DEATHS[p][0])
        for p in dying:  # earliest death takes the smallest value still free below its day of death
            day = DEATHS[p][0] * DAYS_PER_MONTH
            pick = max(v for v in values if v < day - 3) if column == "PLT_day" else min(values, key=lambda v: abs(v - day / 2))
            rows[p][column] = pick
            values.remove(pick)
        rest = [p for p in range(n) if p not in missing and p not in dying]
        for p, i in zip(rest, scatter(len(rest), 5 if len(rest) % 5 else 7, 1)):
            rows[p][column] = values[i]
        for p in missing:
            rows[p][column] = ""
    return rows


def to_csv(rows: list[dict]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    for r in rows:
        writer.writerow({k: (f"{v:g}" if isinstance(v, float) else v) for k, v in r.items()})
    return out.getvalue()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="compare with the CSV on disk instead of writing it")
    args = parser.parse_args()
    text = to_csv(build(yaml.safe_load(TABLES.read_text())))
    if args.check:
        same = OUT.read_text() == text
        print("up to date" if same else f"{OUT} differs from what the script builds", file=sys.stderr)
        return 0 if same else 1
    OUT.write_text(text)
    print(f"wrote {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

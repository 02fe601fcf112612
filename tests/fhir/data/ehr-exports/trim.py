"""Rebuild the vendored EHR-export Bundles from their sources (SOURCES.md), trimmed to stay small.

Whole resources are kept or dropped, never edited: the Patient and the clinical resources an EHR sends to the
intake (Conditions, Observations, medication resources, Procedures, DiagnosticReports) plus Encounters and
AllergyIntolerances, which the intake does not read (so the "not read" path is exercised too). Claims,
ExplanationOfBenefits, Organizations, Practitioners, Immunizations, CarePlans and the like are dropped. Narratives,
extensions, identifiers and every other element of a kept resource stay as exported. Entry order is kept.

    python trim.py SAMPLE_DATA_GIT_DIR BULK_DATA_GIT_DIR      (git directories of the two repositories)
"""

import json
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).parent
KEEP = {"Patient", "Condition", "Observation", "MedicationRequest", "MedicationStatement", "MedicationAdministration",
        "Medication", "Procedure", "DiagnosticReport", "Encounter", "AllergyIntolerance"}
# smart-on-fhir/generated-sample-data (Synthea R4 patient Bundles, 2019): five children
SAMPLE_COMMIT = "25ac8089f0464b8673c7669509dc0bb8f4883773"
SAMPLES = {"synthea-r4-child-2020.json": "R4/SYNTHEA/Enda_Schaefer_dd760206-6c4e-4e25-a799-f5c563e489a1.json",
           "synthea-r4-child-2019.json": "R4/SYNTHEA/Junita_Labadie_e9782bd2-ab34-4e18-945c-446bb8ee7d82.json",
           "synthea-r4-child-2014.json": "R4/SYNTHEA/Emanuel_Carroll_b720dd85-e9aa-44a0-833a-14c053a54eef.json",
           "synthea-r4-child-2010.json": "R4/SYNTHEA/Opal_Terry_afa2b934-856b-4b27-bbc0-491295ffee17.json",
           "synthea-r4-child-2008.json": "R4/SYNTHEA/Preston_Cummerata_a70e081a-0ab7-436e-9f90-8de0525987d7.json"}
# smart-on-fhir/sample-bulk-fhir-datasets, branch 10-patients (Synthea bulk export, 2024): one child's resources
# gathered into a collection Bundle, as a client of a bulk ($export) endpoint would. That export's Observation and
# DiagnosticReport files are not in the stored snapshot, so this record has none.
BULK_COMMIT = "8aef4e027b789f249382162d931bf73fc151a712"
BULK_PATIENT = "63ee2253-bdd5-da55-2ad2-b4984d0ad700"
BULK_FILES = ("Patient", "Condition", "MedicationRequest", "Procedure", "Encounter", "AllergyIntolerance")


def show(git_dir: str, commit: str, path: str) -> str:
    return subprocess.run(["git", "--git-dir", git_dir, "show", f"{commit}:{path}"], check=True,
                          capture_output=True, text=True).stdout


def write(name: str, bundle: dict) -> None:
    (HERE / name).write_text(json.dumps(bundle, ensure_ascii=False, separators=(",", ":")) + "\n", encoding="utf-8")


def main(sample_git: str, bulk_git: str) -> None:
    for name, path in SAMPLES.items():
        bundle = json.loads(show(sample_git, SAMPLE_COMMIT, path))
        bundle["entry"] = [e for e in bundle["entry"] if e["resource"]["resourceType"] in KEEP]
        write(name, bundle)
    entries = []
    for kind in BULK_FILES:
        for line in show(bulk_git, BULK_COMMIT, f"{kind}.000.ndjson").splitlines():
            res = json.loads(line)
            ref = res["id"] if kind == "Patient" else (res.get("subject") or res.get("patient") or {}).get("reference", "")
            if ref.split("/")[-1] == BULK_PATIENT:
                entries.append({"fullUrl": f"urn:uuid:{res['id']}", "resource": res})
    write("synthea-bulk-child-2011.json", {"resourceType": "Bundle", "type": "collection", "entry": entries})


if __name__ == "__main__":
    main(*sys.argv[1:3])

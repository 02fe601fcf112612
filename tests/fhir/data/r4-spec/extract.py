"""Extract tests/fhir/data/r4-spec/elements.json from the FHIR R4 4.0.1 core package (hl7.fhir.core 4.0.1).

Usage: python extract.py <package directory holding StructureDefinition-*.json> > elements.json

Kept per StructureDefinition: every element of its snapshot as [path, [type codes], max, contentReference]
(nothing else: no text, no constraints), for the resources the intake reads (MedicationRequest among them; it was
first extracted when cdshooks/record.py still turned orders into MedicationStatements) and every complex datatype (the light check may reach any of them through an array
or object field). See SOURCES.md.
"""

import json
import sys
from pathlib import Path

RESOURCES = ("Patient", "Condition", "Observation", "FamilyMemberHistory", "MedicationStatement",
             "MedicationAdministration", "Procedure", "Medication", "DiagnosticReport", "MedicationRequest")


def main(package: Path) -> dict:
    out = {}
    for path in sorted(package.glob("StructureDefinition-*.json")):
        sd = json.loads(path.read_text())
        wanted = (sd.get("kind") == "resource" and sd["id"] in RESOURCES) or \
            (sd.get("kind") == "complex-type" and sd.get("derivation") == "specialization")
        if not wanted:
            continue
        out[sd["id"]] = [[e["path"], [t["code"] for t in e.get("type", [])], e.get("max"),
                          e.get("contentReference")] for e in sd["snapshot"]["element"]]
    return out


if __name__ == "__main__":
    json.dump(main(Path(sys.argv[1])), sys.stdout, separators=(",", ":"), sort_keys=True)
    sys.stdout.write("\n")

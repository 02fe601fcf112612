"""The light FHIR check (intake/fhir/light.py) against the FHIR R4 4.0.1 StructureDefinitions themselves.

The check looks at a field by its name; the same name can have another shape elsewhere in FHIR R4 (an array here,
one element there, a Narrative object at the resource level and a string inside elements), and a valid record
refused makes the whole CDS Hooks record unreadable. This walks each resource type the intake reads exactly as
check_bundle walks a resource (the live tables _FIELDS, _BY_RESOURCE, _CC_ARRAYS: top-level fields, then into each
object or array field it descends into, through datatypes and backbone elements), and compares every field name
the check looks at with its R4 type and cardinality (tests/fhir/data/r4-spec/elements.json, extracted from the
official core package; SOURCES.md). Before this test the walk found the three bugs fixed on 2026-12-01
(statusReason, bodySite, dosage) and a fourth (a resource's own Narrative ``text`` checked as a string).
"""

from __future__ import annotations

import json
from pathlib import Path

from rarebone.intake.fhir import light as L

SPEC = json.loads((Path(__file__).parent / "data" / "r4-spec" / "elements.json").read_text())
READ = ("Patient", "Condition", "Observation", "FamilyMemberHistory", "MedicationStatement",
        "MedicationAdministration", "MedicationRequest", "Procedure", "Medication", "DiagnosticReport")
# FHIR primitive types whose JSON form is a string (R4 datatypes page, "JSON representation of primitive types")
_STRINGS = {"string", "code", "id", "uri", "url", "canonical", "markdown", "oid", "uuid", "base64Binary", "date",
            "dateTime", "instant", "time", "xhtml", "http://hl7.org/fhirpath/System.String"}
_QUANTITIES = {"Quantity", "Age", "Duration", "Count", "Distance"}  # Quantity and its specialisations


def _children(struct: str, base: str) -> dict[str, tuple[list[str], str, str]]:
    """JSON name -> (type codes, max, element path) of the direct children of element ``base`` (choice types
    [x] expanded to one JSON name per type, as in FHIR JSON)."""
    out = {}
    for path, types, most, content in SPEC[struct]:
        rest = path[len(base) + 1:]
        if not path.startswith(base + ".") or "." in rest:
            continue
        if content:
            types = ["#" + content.lstrip("#")]
        if rest.endswith("[x]"):
            for t in types:
                out[rest[:-3] + t[0].upper() + t[1:]] = ([t], most, path)
        else:
            out[rest] = (types, most, path)
    return out


def _fits(kind: str, name: str, types: list[str], many: bool) -> bool:
    one = types[0] if len(types) == 1 else None
    complex_ = one is not None and (one[0].isupper() or one.startswith("#"))
    if kind == L._LIST and name in L._CC_ARRAYS:
        return many and one == "CodeableConcept"
    return {L._STR: not many and one in _STRINGS, L._BOOL: not many and one == "boolean",
            L._CC: not many and one == "CodeableConcept", L._QTY: not many and one in _QUANTITIES,
            L._REF: not many and one == "Reference", L._DT: not many and one in ("date", "dateTime", "instant"),
            # the check wants a JSON object, or an array of objects: a complex type (capitalised in FHIR), a
            # backbone element or a contentReference, never a primitive (string, number, boolean in JSON)
            L._OBJ: not many and complex_, L._LIST: many and complex_,
            L._CC_LIST: many and one == "CodeableConcept", L._CONTAINED: many and one == "Resource"}[kind]


def _walk(struct: str, base: str, fields: dict, seen: set, found: list, looked: list) -> None:
    if (struct, base, tuple(sorted(fields))) in seen:  # Extension.extension, recursive backbone elements
        return
    seen.add((struct, base, tuple(sorted(fields))))
    for name, (types, most, path) in _children(struct, base).items():
        kind = fields.get(name)
        if kind is None or kind == L._SKIP:
            continue
        looked.append(f"{base}.{name}")  # the JSON name (valueQuantity, not value[x])
        if not _fits(kind, name, types, most != "1"):
            found.append(f"{path}: R4 {types} max {most}, checked as {kind}")
            continue
        if kind == L._CONTAINED:  # the contained Medication is checked as a resource (the only one read)
            _walk("Medication", "Medication", {**L._FIELDS, **L._RESOURCE}, seen, found, looked)
        if kind in (L._OBJ, L._LIST) and name not in L._CC_ARRAYS:
            one = types[0]
            if one in ("BackboneElement", "Element"):  # children listed under this element's own path
                _walk(struct, path, L._FIELDS, seen, found, looked)
            elif one.startswith("#"):  # contentReference: the children of the element it names
                _walk(struct, one[1:], L._FIELDS, seen, found, looked)
            else:
                assert one in SPEC, f"{path}: datatype {one} missing from elements.json"
                _walk(one, one, L._FIELDS, seen, found, looked)


def test_every_field_the_light_check_looks_at_has_the_r4_shape_it_checks():
    found: list[str] = []
    looked: list[str] = []
    for kind in READ:
        _walk(kind, kind, {**L._FIELDS, **L._BY_RESOURCE.get(kind, L._RESOURCE)}, set(), found, looked)
    assert not found, found
    # the walk does reach the fields (it is no test if it looks at nothing): the resource-specific ones, fields
    # inside arrays of backbone elements, inside datatypes and in extensions
    for path in ("Condition.bodySite", "MedicationStatement.statusReason", "MedicationAdministration.dosage.dose",
                 "Observation.component.valueQuantity", "Observation.referenceRange.low", "Dosage.timing",
                 "Timing.repeat", "Dosage.doseAndRate.doseQuantity", "FamilyMemberHistory.condition.onsetAge",
                 "Extension.valueString", "Patient.birthDate", "DiagnosticReport.conclusionCode",
                 "MedicationStatement.contained", "Medication.code",
                 # an order (read by the intake itself since MedicationRequest support): its own element names
                 "MedicationRequest.statusReason", "MedicationRequest.authoredOn", "MedicationRequest.intent",
                 "MedicationRequest.dosageInstruction",
                 "MedicationRequest.contained", "MedicationRequest.medicationReference"):
        assert path in looked, path
    assert len(looked) > 100


def test_the_walk_finds_a_field_checked_with_the_wrong_r4_shape(monkeypatch):
    # the test above can fail: the three shapes fixed on 2026-12-01 and the Narrative text, put back, are found
    monkeypatch.setattr(L, "_BY_RESOURCE", {})
    monkeypatch.setattr(L, "_RESOURCE", {})
    monkeypatch.setitem(L._FIELDS, "bodySite", L._LIST)
    found: list[str] = []
    for kind in ("Observation", "MedicationAdministration"):
        _walk(kind, kind, {**L._FIELDS, "statusReason": L._CC, "dosage": L._LIST}, set(), found, [])
    assert {f.split(":")[0] for f in found} == {"Observation.text", "Observation.bodySite",
                                                "MedicationAdministration.text", "MedicationAdministration.statusReason",
                                                "MedicationAdministration.dosage"}


def test_the_intake_reads_every_resource_type_the_walk_covers():
    # READ above is the intake's own list (intake/fhir _READ): a type read but not walked would go unchecked here
    from rarebone.intake.fhir import _READ

    assert set(READ) == set(_READ)


def test_the_parts_of_datatypes_the_light_check_looks_into_have_the_r4_shape_it_checks():
    # _cc, _coding, _qty and the Reference check look inside these datatypes by name: each part must be what they
    # demand (coding an array of objects; the others one string, or one number for Quantity.value)
    wanted = {("CodeableConcept", "coding"): (["Coding"], "*"), ("CodeableConcept", "text"): (["string"], "1"),
              ("Coding", "system"): (["uri"], "1"), ("Coding", "code"): (["code"], "1"),
              ("Coding", "display"): (["string"], "1"), ("Quantity", "value"): (["decimal"], "1"),
              ("Quantity", "unit"): (["string"], "1"), ("Quantity", "code"): (["code"], "1"),
              ("Quantity", "system"): (["uri"], "1"), ("Reference", "reference"): (["string"], "1")}
    for (struct, name), shape in wanted.items():
        assert _children(struct, struct)[name][:2] == shape, (struct, name)

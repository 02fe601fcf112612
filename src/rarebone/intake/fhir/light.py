"""A light structural check of a FHIR Bundle: exactly the fields the intake reads, with their JSON types.

``fhir.resources`` validates every element of every resource (about 16 ms for a small prefetch Bundle, most of a
CDS Hooks call's CPU). The intake only reads the fields listed in ``_FIELDS``; this check makes sure each one that
is present has the shape the reader expects (object, array, string, number, boolean, FHIR date), so a malformed
record is refused with the FHIR JSON path of the bad value instead of failing inside the reader. Fields the
intake does not read, and resources of types it does not read, are not checked (the full validation, setting
``prefetch_validation = "full"``, does).
"""

from __future__ import annotations

import re

from rarebone.errors import PhenopacketError
from rarebone.intake.fhir import _READ

# Resources of other types are not read (the intake lists them as not read), so they are not checked: in FHIR R4 the
# same field names have other shapes there (RelatedPerson.relationship and PractitionerRole.code are arrays,
# RiskAssessment.condition one Reference, DetectedIssue.severity a code), and an EHR may send such a resource with
# a search's matches (an _include), which would have made the whole record unreadable.
_CHECKED = frozenset(_READ)

# FHIR date / dateTime / instant (R4 datatypes page): year, optionally month, day, time and zone.
_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})?)?)?)?$")

_CC, _QTY, _REF, _DT, _STR, _BOOL, _OBJ, _LIST = "cc", "qty", "ref", "date", "str", "bool", "obj", "list"

# field -> kind. Arrays of elements whose fields are again looked up in this table: _LIST.
_FIELDS = {
    "resourceType": _STR, "id": _STR, "status": _STR, "intent": _STR, "gender": _STR, "valueString": _STR,
    "url": _STR, "text": _STR, "conclusion": _STR,
    "valueBoolean": _BOOL, "deceasedBoolean": _BOOL,
    "code": _CC, "valueCodeableConcept": _CC, "verificationStatus": _CC, "clinicalStatus": _CC,
    "relationship": _CC, "route": _CC, "medicationCodeableConcept": _CC, "severity": _CC,
    "valueQuantity": _QTY, "doseQuantity": _QTY, "dose": _QTY, "low": _QTY, "high": _QTY, "onsetAge": _QTY,
    "subject": _REF, "patient": _REF, "medicationReference": _REF,
    "effectiveDateTime": _DT, "issued": _DT, "birthDate": _DT, "recordedDate": _DT, "performedDateTime": _DT,
    "deceasedDateTime": _DT, "onsetDateTime": _DT, "authoredOn": _DT, "timestamp": _DT, "start": _DT, "end": _DT,
    "effectivePeriod": _OBJ, "performedPeriod": _OBJ, "timing": _OBJ, "repeat": _OBJ,
    "component": _LIST, "condition": _LIST, "dosageInstruction": _LIST, "referenceRange": _LIST,
    "doseAndRate": _LIST, "extension": _LIST, "interpretation": _LIST, "conclusionCode": _LIST,
}
_CC_ARRAYS = ("interpretation", "conclusionCode")  # arrays of CodeableConcepts
# Fields whose shape differs between resources in FHIR R4, checked only on the resources the intake reads them
# from, with that resource's shape (elsewhere they are not read, so not checked: an Observation's one bodySite
# CodeableConcept, once checked as Condition's array, made the whole record unreadable).
# A resource's own "text" is its Narrative (an object: status and XHTML div, on every DomainResource), which the
# intake never reads; inside elements "text" is a string (Dosage.text, referenceRange.text). Checked as a string at
# the resource level it refused every resource that carries a narrative, as most FHIR R4 examples and many EHRs do.
# A medicine given as medicationReference "#id" names a Medication contained in the resource (as most FHIR R4
# medication examples do); the intake reads its code, so a contained Medication is checked as a resource.
_CC_LIST, _SKIP, _CONTAINED = "cc-list", "skip", "contained"
_RESOURCE = {"text": _SKIP}
_MEDICINE = {**_RESOURCE, "statusReason": _CC_LIST, "contained": _CONTAINED}  # statusReason: why it was stopped
_BY_RESOURCE = {
    "Condition": {**_RESOURCE, "bodySite": _CC_LIST},  # laterality
    "MedicationStatement": {**_MEDICINE, "dosage": _LIST},
    "MedicationAdministration": {**_MEDICINE, "dosage": _OBJ},  # dosage: one element here
    # an order: statusReason one CodeableConcept (an array on the two above); dosageInstruction an array (_FIELDS)
    "MedicationRequest": {**_MEDICINE, "statusReason": _CC},
}
_JSON = {dict: "an object", list: "an array", str: "a string", bool: "a boolean"}


# A JSON path is built lazily: a string for the resource, then (parent, key) pairs, a key being a field name or
# an array index; it is formatted only when a value fails. Formatting the path of every field read (eagerly, as
# f-strings) was most of this check's time, and it runs on every CDS Hooks call.

def _format(path) -> str:
    parts = []
    while type(path) is tuple:
        path, key = path
        parts.append(f"[{key}]" if type(key) is int else f".{key}")
    return path + "".join(reversed(parts))


def _fail(path, what: str, value) -> None:
    raise PhenopacketError(f"does not follow the FHIR R4 Bundle schema: expected {what}", path=_format(path),
                           **({"value": value} if not isinstance(value, (dict, list)) else {}))


def _want(value, kind: type, path) -> None:
    if not isinstance(value, kind) or (kind is not bool and isinstance(value, bool)):
        _fail(path, _JSON[kind], value)


def _coding(c, path) -> None:
    if not isinstance(c, dict):
        _fail(path, "an object", c)
    for k in ("system", "code", "display"):
        if k in c and not isinstance(c[k], str):
            _fail((path, k), "a string", c[k])


def _cc(v, path) -> None:
    if not isinstance(v, dict):
        _fail(path, "an object", v)
    if "coding" in v:
        codings = v["coding"]
        if not isinstance(codings, list):
            _fail((path, "coding"), "an array", codings)
        for i, c in enumerate(codings):
            # c.get(k, "") is a string when k is absent: the same test as "k not in c or c[k] is a string"
            if not (isinstance(c, dict) and isinstance(c.get("system", ""), str) and isinstance(c.get("code", ""), str)
                    and isinstance(c.get("display", ""), str)):
                _coding(c, ((path, "coding"), i))  # fails, naming the path
    if "text" in v and not isinstance(v["text"], str):
        _fail((path, "text"), "a string", v["text"])


def _qty(v, path) -> None:
    _want(v, dict, path)
    if "value" in v and (isinstance(v["value"], bool) or not isinstance(v["value"], (int, float))):
        _fail((path, "value"), "a number", v["value"])
    for k in ("unit", "code", "system", "comparator"):  # comparator: the intake reads it (a bound, not a value)
        if k in v and not isinstance(v[k], str):
            _fail((path, k), "a string", v[k])


def _element(obj: dict, path) -> None:
    for key, value in obj.items():
        kind = _FIELDS.get(key)
        if kind is None:
            continue
        if kind is _STR:
            if not isinstance(value, str):
                _fail((path, key), "a string", value)
        elif kind is _CC:
            # Observation.interpretation and DiagnosticReport.conclusionCode are arrays of CodeableConcepts,
            # handled under _LIST; fields whose shape depends on the resource, in _BY_RESOURCE.
            _cc(value, (path, key))
        elif kind is _DT:
            if not isinstance(value, str):
                _fail((path, key), "a string", value)
            if not _DATE.match(value):
                _fail((path, key), "a FHIR date or dateTime (YYYY, YYYY-MM, YYYY-MM-DD or "
                      "YYYY-MM-DDThh:mm:ss+zz:zz)", value)
        elif kind is _REF:
            if not isinstance(value, dict):
                _fail((path, key), "an object", value)
            if "reference" in value and not isinstance(value["reference"], str):
                _fail(((path, key), "reference"), "a string", value["reference"])
        elif kind is _QTY:
            _qty(value, (path, key))
        elif kind is _BOOL:
            _want(value, bool, (path, key))
        elif kind is _OBJ:
            where = (path, key)
            _want(value, dict, where)
            _element(value, where)
        else:
            where = (path, key)
            _want(value, list, where)
            check = _cc if key in _CC_ARRAYS else _element
            for i, item in enumerate(value):
                if not isinstance(item, dict):
                    _fail((where, i), "an object", item)
                check(item, (where, i))


def check_bundle(document: dict) -> None:
    """Raise PhenopacketError (FHIR JSON path, value) at the first field the intake reads that has the wrong shape."""
    entries = document.get("entry", [])
    _want(entries, list, "$.entry")
    for i, entry in enumerate(entries):
        _want(entry, dict, f"$.entry[{i}]")
        resource = entry.get("resource")
        if resource is None:
            continue
        path = f"$.entry[{i}].resource"
        _want(resource, dict, path)
        if not isinstance(resource.get("resourceType"), str):
            _fail(path + ".resourceType", "a string naming the resource type", resource.get("resourceType"))
        if resource["resourceType"] not in _CHECKED:
            continue
        special = _BY_RESOURCE.get(resource["resourceType"], _RESOURCE)
        if special is _RESOURCE and "text" not in resource:
            _element(resource, path)  # the common case, without copying the resource
            continue
        _element({k: v for k, v in resource.items() if k not in special}, path)
        for key, kind in special.items():
            if key not in resource or kind is _SKIP:
                continue
            where, value = (path, key), resource[key]
            if kind is _CONTAINED:
                _want(value, list, where)
                for j, item in enumerate(value):
                    _want(item, dict, (where, j))
                    if item.get("resourceType") == "Medication":  # the one contained resource the intake reads
                        _element({k: v for k, v in item.items() if k != "text"}, (where, j))
                continue
            if kind is _OBJ:
                _want(value, dict, where)
                _element(value, where)
                continue
            if kind is _CC:
                _cc(value, where)
                continue
            _want(value, list, where)
            for j, item in enumerate(value):
                if kind is _CC_LIST:
                    _cc(item, (where, j))
                else:
                    _want(item, dict, (where, j))
                    _element(item, (where, j))

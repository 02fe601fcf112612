"""A light structural check of a FHIR Bundle: exactly the fields the intake reads, with their JSON types.

``fhir.resources`` validates every element of every resource (about 16 ms for a small prefetch Bundle, most of a
CDS Hooks call's CPU). The intake only reads the fields listed in ``_FIELDS``; this check makes sure each one that
is present has the shape the reader expects (object, array, string, number, boolean, FHIR date), so a malformed
record is refused with the FHIR JSON path of the bad value instead of failing inside the reader. Fields the
intake does not read are not checked (the full validation, setting ``prefetch_validation = "full"``, does).
"""

from __future__ import annotations

import re

from rarebone.errors import PhenopacketError

# FHIR date / dateTime / instant (R4 datatypes page): year, optionally month, day, time and zone.
_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})?)?)?)?$")

_CC, _QTY, _REF, _DT, _STR, _BOOL, _OBJ, _LIST = "cc", "qty", "ref", "date", "str", "bool", "obj", "list"

# field -> kind. Arrays of elements whose fields are again looked up in this table: _LIST.
_FIELDS = {
    "resourceType": _STR, "id": _STR, "status": _STR, "intent": _STR, "gender": _STR, "valueString": _STR,
    "url": _STR, "text": _STR, "conclusion": _STR,
    "valueBoolean": _BOOL, "deceasedBoolean": _BOOL,
    "code": _CC, "valueCodeableConcept": _CC, "verificationStatus": _CC, "clinicalStatus": _CC,
    "relationship": _CC, "route": _CC, "statusReason": _CC, "medicationCodeableConcept": _CC, "severity": _CC,
    "valueQuantity": _QTY, "doseQuantity": _QTY, "low": _QTY, "high": _QTY, "onsetAge": _QTY,
    "subject": _REF, "patient": _REF, "medicationReference": _REF,
    "effectiveDateTime": _DT, "issued": _DT, "birthDate": _DT, "recordedDate": _DT, "performedDateTime": _DT,
    "deceasedDateTime": _DT, "onsetDateTime": _DT, "authoredOn": _DT, "timestamp": _DT, "start": _DT, "end": _DT,
    "effectivePeriod": _OBJ, "performedPeriod": _OBJ, "timing": _OBJ, "repeat": _OBJ,
    "component": _LIST, "condition": _LIST, "dosage": _LIST, "dosageInstruction": _LIST, "referenceRange": _LIST,
    "doseAndRate": _LIST, "extension": _LIST, "interpretation": _LIST, "conclusionCode": _LIST, "bodySite": _LIST,
}
_CC_ARRAYS = ("interpretation", "conclusionCode", "bodySite")  # arrays of CodeableConcepts
_JSON = {dict: "an object", list: "an array", str: "a string", bool: "a boolean"}


def _fail(path: str, what: str, value) -> None:
    raise PhenopacketError(f"does not follow the FHIR R4 Bundle schema: expected {what}", path=path,
                           **({"value": value} if not isinstance(value, (dict, list)) else {}))


def _want(value, kind: type, path: str) -> None:
    if not isinstance(value, kind) or (kind is not bool and isinstance(value, bool)):
        _fail(path, _JSON[kind], value)


# The checks below test first and format a JSON path only for a value that fails: building the path of every
# field read was most of this check's time (it runs on every CDS Hooks call).

def _coding(c, path: str) -> None:
    if not isinstance(c, dict):
        _fail(path, "an object", c)
    for k in ("system", "code", "display"):
        if k in c and not isinstance(c[k], str):
            _fail(f"{path}.{k}", "a string", c[k])


def _cc(v, path: str) -> None:
    if not isinstance(v, dict):
        _fail(path, "an object", v)
    if "coding" in v:
        codings = v["coding"]
        if not isinstance(codings, list):
            _fail(path + ".coding", "an array", codings)
        for i, c in enumerate(codings):
            if not isinstance(c, dict) or not all(isinstance(c[k], str) for k in ("system", "code", "display")
                                                  if k in c):
                _coding(c, f"{path}.coding[{i}]")  # fails, naming the path
    if "text" in v and not isinstance(v["text"], str):
        _fail(path + ".text", "a string", v["text"])


def _qty(v, path: str) -> None:
    _want(v, dict, path)
    if "value" in v and (isinstance(v["value"], bool) or not isinstance(v["value"], (int, float))):
        _fail(path + ".value", "a number", v["value"])
    for k in ("unit", "code", "system"):
        if k in v and not isinstance(v[k], str):
            _fail(f"{path}.{k}", "a string", v[k])


def _element(obj: dict, path: str) -> None:
    for key, value in obj.items():
        kind = _FIELDS.get(key)
        if kind is None:
            continue
        if kind == _STR:
            if not isinstance(value, str):
                _fail(f"{path}.{key}", "a string", value)
        elif kind == _CC:
            # Observation.interpretation and DiagnosticReport.conclusionCode are arrays of CodeableConcepts,
            # handled under _LIST.
            _cc(value, f"{path}.{key}")
        elif kind == _DT:
            if not isinstance(value, str):
                _fail(f"{path}.{key}", "a string", value)
            if not _DATE.match(value):
                _fail(f"{path}.{key}", "a FHIR date or dateTime (YYYY, YYYY-MM, YYYY-MM-DD or "
                      "YYYY-MM-DDThh:mm:ss+zz:zz)", value)
        elif kind == _REF:
            if not isinstance(value, dict):
                _fail(f"{path}.{key}", "an object", value)
            if "reference" in value and not isinstance(value["reference"], str):
                _fail(f"{path}.{key}.reference", "a string", value["reference"])
        elif kind == _QTY:
            _qty(value, f"{path}.{key}")
        elif kind == _BOOL:
            _want(value, bool, f"{path}.{key}")
        elif kind == _OBJ:
            where = f"{path}.{key}"
            _want(value, dict, where)
            _element(value, where)
        else:
            where = f"{path}.{key}"
            _want(value, list, where)
            for i, item in enumerate(value):
                _want(item, dict, f"{where}[{i}]")
                if key in _CC_ARRAYS:
                    _cc(item, f"{where}[{i}]")
                else:
                    _element(item, f"{where}[{i}]")


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
        _element(resource, path)

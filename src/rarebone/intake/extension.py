"""The rarebone extension block of a Phenopacket (``rareboneExtensions``), documented in
docs/phenopacket-extension.md. Phenopacket v2 has no place for candidate donors (or CNO visits), so rarebone
reads them from one namespaced top-level key that it removes before schema validation.
"""

from __future__ import annotations

import re
from typing import Any, Iterator

from rarebone.errors import InputError
from rarebone.patient import Donor

EXTENSION_KEY = "rareboneExtensions"
DONOR_RELATIONS = ("sibling", "father", "mother", "parent", "other_relative", "unrelated", "cord_blood")
GRAFT_SOURCES = ("bone_marrow", "peripheral_blood", "cord_blood")
_HLA = re.compile(r"^\s*(\d{1,2})\s*/\s*(\d{1,2})\s*$")
GENOTYPES = ("unaffected", "carrier", "affected", "not_tested")
AVAILABILITY = ("available", "confirmed", "unconfirmed", "searching")
_DONOR_FIELDS = {"id", "relation", "hlaMatch", "aboCompatible", "carrier", "affected", "graftSource", "ageYears",
                 "sex", "cmvSeropositive", "note", "genotype", "availability", "expectedDaysToTransplant"}
_MAX_DAYS = 3650  # a plausibility bound on a centre's estimate (ten years), not a clinical figure


def _bool(donor: dict, key: str, base: str) -> bool | None:
    # the path is formatted only for a refused value: read_donors runs on every CDS Hooks call
    value = donor.get(key)
    if value is None or isinstance(value, bool):
        return value
    raise InputError("must be true or false", path=f"{base}.{key}", value=value)


def read_donors(extension: Any) -> Iterator[Donor]:
    if extension is None:
        return
    if not isinstance(extension, dict):
        raise InputError("must be a JSON object", path=f"$.{EXTENSION_KEY}", value=type(extension).__name__)
    donors = extension.get("donors", [])
    if not isinstance(donors, list):
        raise InputError("must be a list of donors", path=f"$.{EXTENSION_KEY}.donors")
    for i, d in enumerate(donors):
        base = f"$.{EXTENSION_KEY}.donors[{i}]"
        if not isinstance(d, dict):
            raise InputError("a donor must be a JSON object", path=base)
        if not d.keys() <= _DONOR_FIELDS:
            unknown = sorted(d.keys() - _DONOR_FIELDS)
            raise InputError(f"unknown donor field (known: {', '.join(sorted(_DONOR_FIELDS))})", path=f"{base}.{unknown[0]}", value=unknown[0])
        relation = d.get("relation")
        if relation not in DONOR_RELATIONS:
            raise InputError(f"relation must be one of {', '.join(DONOR_RELATIONS)}", path=f"{base}.relation", value=relation)
        matched = total = None
        if d.get("hlaMatch") is not None:
            m = _HLA.match(str(d["hlaMatch"]))
            if not m:
                raise InputError("hlaMatch must look like 10/10, 9/10, 5/10, 8/8 or 6/6", path=f"{base}.hlaMatch", value=d["hlaMatch"])
            matched, total = int(m.group(1)), int(m.group(2))
            if total not in (6, 8, 10, 12) or matched > total:
                raise InputError("hlaMatch must count matched alleles out of 6, 8, 10 or 12", path=f"{base}.hlaMatch", value=d["hlaMatch"])
        graft = d.get("graftSource")
        if graft is not None and graft not in GRAFT_SOURCES:
            raise InputError(f"graftSource must be one of {', '.join(GRAFT_SOURCES)}", path=f"{base}.graftSource", value=graft)
        age = d.get("ageYears")
        if age is not None and (not isinstance(age, (int, float)) or isinstance(age, bool) or not 0 <= age <= 100):
            raise InputError("ageYears must be a number from 0 to 100", path=f"{base}.ageYears", value=age)
        for name, allowed in (("genotype", GENOTYPES), ("availability", AVAILABILITY)):
            if d.get(name) is not None and d[name] not in allowed:
                raise InputError(f"{name} must be one of {', '.join(allowed)}", path=f"{base}.{name}", value=d[name])
        days = d.get("expectedDaysToTransplant")
        if days is not None and (not isinstance(days, (int, float)) or isinstance(days, bool) or not 0 <= days <= _MAX_DAYS):
            raise InputError(f"expectedDaysToTransplant must be a number of days from 0 to {_MAX_DAYS}",
                             path=f"{base}.expectedDaysToTransplant", value=days)
        if d.get("genotype") == "carrier" and d.get("carrier") is False or d.get("genotype") == "affected" and d.get("affected") is False:
            raise InputError("genotype contradicts carrier/affected", path=f"{base}.genotype", value=d["genotype"])
        yield Donor(
            donor_id=str(d.get("id") or f"donor-{i + 1}"), relation=relation, hla_matched=matched, hla_total=total,
            abo_compatible=_bool(d, "aboCompatible", base),
            carrier=_bool(d, "carrier", base), affected=_bool(d, "affected", base),
            graft_source=graft or ("cord_blood" if relation == "cord_blood" else None),
            age_years=float(age) if age is not None else None, sex=d.get("sex"),
            cmv_seropositive=_bool(d, "cmvSeropositive", base), json_path=base,
            genotype=d.get("genotype"), availability=d.get("availability"),
            expected_days_to_transplant=float(days) if days is not None else None,
        )

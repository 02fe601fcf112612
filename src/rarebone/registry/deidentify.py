"""The de-identified research export (``rarebone registry export --as research``).

Rules (docs/registry.md, "Research export"; docs/deidentification.md):

* Pseudonyms are HMAC-SHA256(secret key, patient key). The key comes from a local key file or from the
  environment, never from the command line (``ps`` would show it). Nothing derived from the key or from the
  pseudonym is used for anything else.
* Dates follow the HIPAA Safe Harbor rule (45 CFR 164.514(b)(2)(i)(C)): no element of a date except the year
  leaves. Every date ``X_date`` / ``X_on`` becomes ``X_year`` (the year of the date after an independent random
  per-patient shift, so even the year is blurred by up to half a year) and ``X_day`` (days from the patient's
  birth, or from the patient's first recorded date when the birth date is unknown: shift-free intervals, so
  research on times stays exact). The shift is drawn with ``secrets`` and kept only in the key file.
  Ages of 90 years or more (and the birth year of such a patient) are withheld and flagged, as Safe Harbor asks.
* Everything else passes an allow-list, field by field: numbers must be numbers, codes must come from a
  vocabulary (the data dictionary's choices, the knowledge base's genes and CNO sites, the conditioning agents
  below) or become ``other``; ontology ids must look like ontology ids. Free text (notes, labels, cause of death)
  never leaves. A column not listed here is dropped, so a column added later leaves only once someone decides.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import os
import re
import secrets
from pathlib import Path
from typing import Iterable, Iterator

from rarebone.errors import InputError
from rarebone.registry import dictionary as dd

KEY_ENV = "RAREBONE_EXPORT_KEY"  # the secret itself (hex or any text of 32+ characters)
KEY_FILE_ENV = "RAREBONE_EXPORT_KEY_FILE"  # where the key file is (else --key-file)
KEY_FORMAT = "rarebone-research-key/1"
RULE = ("HIPAA Safe Harbor dates (year only, after a random per-patient shift; intervals as days from birth); "
        "ages 90+ withheld; pseudonyms HMAC-SHA256 with a secret key; free text dropped, codes allow-listed")
RULE_ID = "rarebone-deid/1 safe-harbor-dates hmac-sha256 coded-only"
# Legal constants, not clinical ones: Safe Harbor aggregates ages over 89; the shift blurs the year by at most
# half a year either way (a shift of 0 is never drawn).
SAFE_HARBOR_MAX_AGE_YEARS = 89
MAX_SHIFT_DAYS = 182
_DAYS_PER_YEAR = 365.25
_MIN_SECRET_CHARS = 32

_CURIE = re.compile(r"^[A-Za-z][A-Za-z0-9_.]{0,20}:[A-Za-z0-9_.\-]{1,30}$")
_HPO = re.compile(r"^HP:\d{7}$")
_UNIT = re.compile(r"^(mg|g|ug|mcg|ng|mmol|umol|IU|U|mL|L|Gy|cGy|mg/kg|mg/m2|g/kg|ug/kg|IU/kg|U/kg|mg\.h/L|"
                   r"mg\*h/L|umol\*min/L|mmol/L|umol/L|g/L|mg/L|10\*9/L|10\*12/L|%|mm/h|kg|cm|m2)$")
# Conditioning regimens are written as agents joined by / or +; only these tokens pass (upper-cased).
CONDITIONING_AGENTS = ("FLU", "BU", "CY", "ATG", "ALG", "TREO", "THIO", "TT", "MEL", "TBI", "ALEM", "CAMPATH",
                       "VP16", "ETO", "ARA-C", "BCNU", "RIC", "MAC")
COMPLICATIONS = ("vod", "cmv", "ebv", "adenovirus", "bacterial", "fungal", "hypercalcaemia", "aiha",
                 "haemorrhagic_cystitis", "pulmonary_hypertension", "pulmonary_haemorrhage", "pneumonia",
                 "graft_failure", "tma", "pres", "seizure", "other")
LESION_STATUS = ("active", "new", "resolved", "improved", "stable", "progressed", "recurred")
ROUTES = ("intravenous", "oral", "subcutaneous", "intramuscular", "iv", "po", "sc", "im")
OTHER = "other"


# ---------------------------------------------------------------- the key file

class ResearchKey:
    """The secret and the per-patient shifts. Kept by the exporting centre only; never exported."""

    def __init__(self, path: Path, secret: bytes, shifts: dict[str, int], secret_in_file: bool):
        self.path, self.secret, self.shifts, self.secret_in_file = path, secret, shifts, secret_in_file
        self.dirty = False

    def pseudonym(self, patient_key: str) -> str:
        return hmac.new(self.secret, patient_key.encode("utf-8"), hashlib.sha256).hexdigest()[:20]

    def shift_days(self, pseudonym: str) -> int:
        """Independent of the key and of the pseudonym: a fresh random draw, remembered per pseudonym."""
        if pseudonym not in self.shifts:
            magnitude = 1 + secrets.randbelow(MAX_SHIFT_DAYS)
            self.shifts[pseudonym] = magnitude if secrets.randbelow(2) else -magnitude
            self.dirty = True
        return self.shifts[pseudonym]

    def save(self) -> None:
        if not self.dirty:
            return
        data = {"format": KEY_FORMAT, "note": "rarebone research-export key: keep private, never share with the export",
                "secret": self.secret.hex() if self.secret_in_file else None, "shifts": self.shifts}
        _write_private(self.path, json.dumps(data, indent=1, sort_keys=True) + "\n")
        self.dirty = False


def _write_private(path: Path, text: str) -> None:
    """Write owner-only (0600) from the first byte: the file is created with that mode, then renamed over."""
    tmp = path.with_name(path.name + ".tmp")
    try:
        if tmp.exists():
            tmp.unlink()
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.chmod(tmp, 0o600)  # the umask cannot widen it, but an inherited ACL might: say it again
        os.replace(tmp, path)
    except OSError as exc:
        raise InputError(f"cannot write the key file: {exc.strerror}", source=str(path), path="--key-file") from None


def open_key(key_file: Path | str | None, *, environ=os.environ) -> ResearchKey:
    """Open (or create, 0600) the key file. The secret comes from $RAREBONE_EXPORT_KEY when set, else from the
    file (a new random one when the file is new)."""
    path = key_file or environ.get(KEY_FILE_ENV)
    if not path:
        raise InputError(f"the research export needs a key file: --key-file PATH or ${KEY_FILE_ENV} (created 0600 "
                         "when missing; keep it, it re-links pseudonyms and holds the date shifts)", path="--key-file")
    path = Path(path)
    env_secret = environ.get(KEY_ENV)
    if env_secret is not None and len(env_secret) < _MIN_SECRET_CHARS:
        raise InputError(f"${KEY_ENV} is too short (at least {_MIN_SECRET_CHARS} characters)", path=KEY_ENV)
    if path.exists():
        if path.stat().st_mode & 0o077:
            raise InputError("key file is readable by others; run chmod 600 on it", source=str(path))
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise InputError(f"cannot read key file: {str(exc).splitlines()[0]}", source=str(path)) from None
        if not isinstance(data, dict) or data.get("format") != KEY_FORMAT:
            raise InputError(f"not a rarebone research key file (format {KEY_FORMAT})", source=str(path), path="format")
        shifts = data.get("shifts") or {}
        if env_secret is not None:
            if data.get("secret"):  # two secrets: which pseudonyms are meant is not ours to guess
                raise InputError(f"the key file holds a secret and ${KEY_ENV} is set too; unset one", source=str(path),
                                 path="secret")
            return ResearchKey(path, env_secret.encode("utf-8"), dict(shifts), secret_in_file=False)
        if not data.get("secret"):
            raise InputError(f"key file holds no secret; set ${KEY_ENV}", source=str(path), path="secret")
        return ResearchKey(path, bytes.fromhex(data["secret"]), dict(shifts), secret_in_file=True)
    if env_secret is not None:
        key = ResearchKey(path, env_secret.encode("utf-8"), {}, secret_in_file=False)
    else:
        key = ResearchKey(path, secrets.token_bytes(32), {}, secret_in_file=True)
    key.dirty = True
    key.save()
    return key


# ---------------------------------------------------------------- vocabularies

def _vocabularies() -> dict[str, frozenset[str]]:
    from rarebone.knowledge import load
    from rarebone.knowledge.kinds.cno import CnoMonogenic, CnoSite
    from rarebone.knowledge.kinds.osteopetrosis import Gene

    kb = load()
    sites = {e.key for e in kb.of_kind(CnoSite)} | {e.region for e in kb.of_kind(CnoSite) if e.region}
    sites |= {"vertebra", "pelvis"}  # the coarse names the demo and older records use
    genes = {e.gene for e in kb.of_kind(Gene)} | {e.gene for e in kb.of_kind(CnoMonogenic)}
    return {"site": frozenset(sites), "gene": frozenset(genes)}


def _choice(name: str, value) -> str | None:
    if value is None:
        return None
    return value if str(value) in dd.BY_NAME[name].choices else OTHER


def _code(value, vocabulary) -> str | None:
    if value is None:
        return None
    return value if str(value) in vocabulary else OTHER


def _num(value):
    return value if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def _bool(value):
    return value if isinstance(value, bool) else None


def _curie(value, pattern=_CURIE):
    return value if isinstance(value, str) and pattern.match(value) else None


def conditioning_code(value) -> str | None:
    """'Flu/Bu/Cy+ATG' -> 'FLU/BU/CY/ATG'; anything with a token outside CONDITIONING_AGENTS -> 'other'."""
    if value is None:
        return None
    tokens = [t for t in re.split(r"[/+,;\s]+", str(value).upper()) if t]
    if tokens and all(t in CONDITIONING_AGENTS for t in tokens):
        return "/".join(tokens)
    return OTHER


# ---------------------------------------------------------------- the export

_DATE_SUFFIXES = ("_date", "_on")


def _is_date_field(name: str) -> bool:
    return name.endswith(_DATE_SUFFIXES)


def _date_base(name: str) -> str:
    for suffix in _DATE_SUFFIXES:
        if name.endswith(suffix):
            return name[: -len(suffix)]
    return name


def _as_date(value) -> dt.date | None:
    if value is None:
        return None
    if isinstance(value, dt.date):
        return value if not isinstance(value, dt.datetime) else value.date()
    try:
        return dt.date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


# Per part: field -> how it leaves. "date" fields become <base>_year and <base>_day; "age" fields are numbers
# subject to the 90-year rule; a field missing here (or marked "drop") does not leave.
def _specs(voc):
    return {
        "patient": {
            "synthetic": _bool, "sex": lambda v: _choice("sex", v), "birth_date": "date",
            "diagnosis": lambda v: _choice("diagnosis", v), "diagnosis_term": _curie,
            "gene": lambda v: _code(v, voc["gene"]), "genotype": lambda v: _choice("genotype", v),
            "age_at_onset_days": "age", "age_at_diagnosis_days": "age",
            "vital_status": lambda v: _choice("vital_status", v), "death_date": "date", "last_contact_date": "date",
            "followup_days_from_diagnosis": _num,
            "patient_key": "drop", "cause_of_death": "drop", "notes": "drop",
        },
        "phenotypes": {"hpo_id": lambda v: _curie(v, _HPO), "excluded": _bool, "onset_age_days": "age",
                       "label": "drop"},
        "measurements": {"assay_id": _curie, "analyte": lambda v: v if isinstance(v, str) and v in voc["analyte"] else None,
                         "value": _num, "unit": lambda v: v if isinstance(v, str) and _UNIT.match(v) else None,
                         "age_days": "age", "measured_on": "date"},
        "treatments": {"agent_id": _curie, "route": lambda v: None if v is None else (v if str(v).lower() in ROUTES else OTHER),
                       "cumulative_dose": _num,
                       "cumulative_dose_unit": lambda v: v if isinstance(v, str) and _UNIT.match(v) else None,
                       "agent_label": "drop"},
        "transplants": {
            "number": _num, "transplant_date": "date", "age_at_transplant_days": "age",
            "donor_relation": lambda v: _choice("transplant.donor_relation", v),
            "donor_type": lambda v: _choice("transplant.donor_type", v),
            "hla_matched": _num, "hla_total": _num, "abo_matched": _bool,
            "graft_source": lambda v: _choice("transplant.graft_source", v), "conditioning": conditioning_code,
            "mnc_10e8_per_kg": _num, "cd34_10e6_per_kg": _num, "neutrophil_engraftment_day": _num,
            "platelet_engraftment_day": _num, "graft_failure": lambda v: _choice("transplant.graft_failure", v),
            "graft_failure_day": _num, "agvhd_grade": _num, "agvhd_day": _num,
            "cgvhd": lambda v: _choice("transplant.cgvhd", v), "cgvhd_day": _num, "followup_days": _num,
        },
        "complications": {"kind": lambda v: _code(v, COMPLICATIONS), "day": _num},
        "cno_visits": {"visit_date": "date", "age_days": "age", "pain_vas_0_10": _num, "physician_global_0_10": _num,
                       "crp_mg_per_l": _num, "esr_mm_per_h": _num, "active_lesions": _num},
        "lesions": {"site": lambda v: _code(v, voc["site"]), "status": lambda v: _code(v, LESION_STATUS),
                    "first_seen_age_days": "age"},
    }


def _analytes() -> frozenset[str]:
    from rarebone.knowledge import load
    from rarebone.knowledge.kinds.base import Analyte

    return frozenset(e.key for e in load().of_kind(Analyte))


def deidentify(records: Iterable[dict], key: ResearchKey) -> Iterator[dict]:
    """One de-identified record per registry record (see the module docstring for the rules)."""
    voc = {**_vocabularies(), "analyte": _analytes()}
    specs = _specs(voc)
    max_age_days = (SAFE_HARBOR_MAX_AGE_YEARS + 1) * _DAYS_PER_YEAR
    for record in records:
        pseudonym = key.pseudonym(str(record["patient"]["patient_key"]))
        shift = dt.timedelta(days=key.shift_days(pseudonym))
        parts = [("patient", [record["patient"]])] + [(n, record.get(n) or []) for n in specs if n != "patient"]
        dates = [d for _, items in parts for item in items for k, v in item.items()
                 if _is_date_field(k) and (d := _as_date(v)) is not None]
        birth = _as_date(record["patient"].get("birth_date"))
        index = birth or (min(dates) if dates else None)
        over_age = False
        out: dict = {}
        for name, items in parts:
            spec = specs[name]
            cleaned = []
            for item in items:
                row: dict = {}
                for field, value in item.items():
                    how = spec.get(field, "drop")
                    if how == "drop" or value is None:
                        continue
                    if how == "date":
                        day = _as_date(value)
                        if day is None:
                            continue
                        base = _date_base(field)
                        row[f"{base}_year"] = (day + shift).year
                        if index is not None and field != "birth_date":
                            row[f"{base}_day"] = (day - index).days
                            if birth is not None and (day - birth).days >= max_age_days:
                                over_age = True
                                row[f"{base}_day"] = None
                        continue
                    if how == "age":
                        number = _num(value)
                        if number is not None and number >= max_age_days:
                            over_age, number = True, None
                        row[field] = number
                        continue
                    row[field] = how(value)
                cleaned.append({k: v for k, v in row.items() if v is not None})
            out[name] = cleaned
        patient = out.pop("patient")[0]
        if over_age:  # Safe Harbor: ages over 89 and the years that reveal them are aggregated
            patient.pop("birth_year", None)
            patient["age_90_or_over"] = True
        patient["pseudonym"] = ("SYNTHETIC-R-" if record["patient"].get("synthetic") else "R-") + pseudonym
        patient["day_index"] = "birth" if birth else ("first_recorded_date" if index else None)
        yield {"patient": patient, **out, "deidentification": RULE_ID}


def k_anonymity(records: Iterable[dict], quasi_identifiers=("sex", "birth_year", "diagnosis", "gene")) -> int:
    """The smallest group of de-identified records sharing the same quasi-identifiers (reported, not enforced)."""
    from collections import Counter

    groups = Counter(tuple(r["patient"].get(q) for q in quasi_identifiers) for r in records)
    return min(groups.values()) if groups else 0

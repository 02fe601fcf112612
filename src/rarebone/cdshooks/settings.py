"""Settings of the CDS Hooks service, from a TOML file and/or the environment (docs/ehr-integration.md).

TOML (``RAREBONE_CDS_CONFIG=/etc/rarebone/cds.toml``)::

    [cds]
    base_url = "https://cds.hospital.example"        # what the EHR calls; the JWT audience is built from it
    workbench_url = "https://rarebone.hospital.example"
    registry_db = "postgresql+psycopg://rarebone@db/registry"
    cors_origins = ["https://ehr.hospital.example"]

    [[cds.issuers]]
    iss = "https://ehr.hospital.example"
    jwks_url = "https://ehr.hospital.example/.well-known/jwks.json"

The environment overrides single values: ``RAREBONE_CDS_BASE_URL``, ``RAREBONE_CDS_WORKBENCH_URL``,
``RAREBONE_CDS_REGISTRY_DB``, ``RAREBONE_CDS_HTTP_LAYER``, ``RAREBONE_CDS_CORS_ORIGINS`` (comma separated) and ``RAREBONE_CDS_ISSUERS``
(``iss=jwks_url`` pairs separated by spaces).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from rarebone.errors import InputError

# Asymmetric JWS algorithms only: the specification forbids ``none`` and every symmetric (HMAC) algorithm.
ASYMMETRIC_ALGORITHMS = ("RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA")


class Issuer(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    iss: str
    jwks_url: str
    tenant: str | None = None  # when set, the JWT's ``tenant`` claim must equal it


class CdsSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    base_url: str = Field(description="the service's public base URL, as the EHR calls it (behind the proxy)")
    issuers: list[Issuer] = []
    workbench_url: str | None = None
    workbench_link_type: Literal["absolute", "smart"] = "absolute"
    registry_db: str | None = None  # None: the registry's own default (RAREBONE_DB or the local file)
    cors_origins: list[str] = []
    algorithms: list[str] = list(ASYMMETRIC_ALGORITHMS)
    require_auth: bool = True  # False only for local experiments (python -m rarebone.cdshooks --insecure)
    jwks_cache_seconds: int = 300
    # After jwks_cache_seconds the issuer's key set is fetched again in the background while calls go on with the
    # keys at hand, for at most this long; past it (the JWKS endpoint unreadable all that time) a call waits for the
    # fetch as before, and fails with it. 0: every call waits once the keys are old (the behaviour before).
    # Why: all calls in flight at that moment used to leave the event loop and fetch at once (docs, Speed).
    jwks_stale_seconds: int = Field(default=60, ge=0)
    clock_skew_seconds: int = 60
    fhir_timeout_seconds: float = 5.0
    fhir_max_pages: int = 10
    # "light": the fields the intake reads, checked for shape (intake/fhir/light.py, ~0.1 ms); "full": every element
    # by fhir.resources (~16 ms a call). Chosen by measurement, docs/cds-speed-log.md.
    prefetch_validation: Literal["light", "full"] = "light"
    assessment_cache_size: int = 256
    # threads per worker running calls (CPU-bound under the GIL; more threads only interleave them). Calls that
    # fetch from the FHIR server hold a thread while waiting, so keep a few. Measured: docs "Speed".
    worker_threads: int = Field(default=4, ge=1)  # 0 turns the cache of recent patient-view assessments off
    # "lean": hook calls on a bare ASGI route, run on the event loop unless they must wait on the network (asgi.py);
    # "fastapi": the FastAPI router, every call in a worker thread (the previous layer, kept for comparison).
    http_layer: Literal["lean", "fastapi"] = "lean"
    # A SQLite file that every worker process records each JWT's jti in, so a token replayed on a connection that
    # another worker serves is refused too. Set by the supervisor of ``--workers N`` (a private directory of its
    # own); None: the process keeps the nonces in memory (one process).
    nonce_db: str | None = None

    @field_validator("base_url", "workbench_url")
    @classmethod
    def _no_trailing_slash(cls, value: str | None) -> str | None:
        return value.rstrip("/") if value else value

    @field_validator("algorithms")
    @classmethod
    def _asymmetric(cls, value: list[str]) -> list[str]:
        bad = [a for a in value if a not in ASYMMETRIC_ALGORITHMS]
        if bad:
            raise ValueError(f"only asymmetric JWS algorithms are allowed by CDS Hooks, not {', '.join(bad)}")
        return value

    def issuer(self, iss: str) -> Issuer | None:
        return next((i for i in self.issuers if i.iss == iss), None)

    def audience(self, path: str) -> str:
        return self.base_url + path


def load_settings(path: str | Path | None = None, env: dict[str, str] | None = None) -> CdsSettings:
    """TOML file (``path`` or ``RAREBONE_CDS_CONFIG``) then environment overrides. Bad values: InputError."""
    import tomllib

    env = os.environ if env is None else env
    path = path or env.get("RAREBONE_CDS_CONFIG")
    data: dict = {}
    if path:
        try:
            data = dict(tomllib.loads(Path(path).read_text(encoding="utf-8")).get("cds", {}))
        except OSError as exc:
            raise InputError(f"cannot read the CDS Hooks settings: {exc.strerror}", source=str(path)) from None
        except tomllib.TOMLDecodeError as exc:
            raise InputError(f"not TOML: {exc}", source=str(path)) from None
    for key in ("base_url", "workbench_url", "registry_db", "prefetch_validation", "http_layer"):
        if env.get(f"RAREBONE_CDS_{key.upper()}"):
            data[key] = env[f"RAREBONE_CDS_{key.upper()}"]
    if env.get("RAREBONE_CDS_CORS_ORIGINS"):
        data["cors_origins"] = [o.strip() for o in env["RAREBONE_CDS_CORS_ORIGINS"].split(",") if o.strip()]
    if env.get("RAREBONE_CDS_ISSUERS"):
        pairs = [p.split("=", 1) for p in env["RAREBONE_CDS_ISSUERS"].split()]
        if any(len(p) != 2 for p in pairs):
            raise InputError("RAREBONE_CDS_ISSUERS: give iss=jwks_url pairs separated by spaces",
                             path="RAREBONE_CDS_ISSUERS", value=env["RAREBONE_CDS_ISSUERS"])
        data["issuers"] = [{"iss": i, "jwks_url": u} for i, u in pairs]
    from pydantic import ValidationError

    try:
        return CdsSettings.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        raise InputError(f"CDS Hooks settings: {err['msg']}", source=str(path or "environment"),
                         path="cds." + ".".join(str(p) for p in err["loc"]),
                         **({"value": err["input"]} if isinstance(err.get("input"), (str, int, float)) else {})) from None

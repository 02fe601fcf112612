"""CDS Hooks 2.0 service (issue 14, part 3): the EHR calls rarebone when a chart is opened (patient-view) or
orders are signed (order-sign). Factories for the web layer: ``create_cds_router(settings)``,
``create_cds_app(settings)``; settings: ``CdsSettings`` / ``load_settings()``. See docs/ehr-integration.md.

Imports are lazy: FastAPI, PyJWT and httpx (the ``web`` extra) load only when the service is built.
"""

from __future__ import annotations


def __getattr__(name: str):
    if name in ("create_cds_router", "create_cds_app"):
        from rarebone.cdshooks import service

        return getattr(service, name)
    if name in ("CdsSettings", "Issuer", "load_settings"):
        from rarebone.cdshooks import settings

        return getattr(settings, name)
    raise AttributeError(name)


__all__ = ["create_cds_router", "create_cds_app", "CdsSettings", "Issuer", "load_settings"]

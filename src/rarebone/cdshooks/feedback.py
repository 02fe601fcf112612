"""Card feedback -> the registry's audit trail (table audit_log, action ``cds-feedback``).

The feedback names only the card's uuid; the service remembers, for the cards it issued in this process, which
FHIR patient and hook instance each belongs to, so the audit row can say so (``fhir:<Patient.id>``). Feedback on a
card this process did not issue (restart, another replica) is stored with the patient key ``unknown``.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections import OrderedDict


class CardIndex:
    """card uuid -> (patient key, service id, hookInstance) for the most recent cards (bounded memory)."""

    def __init__(self, size: int = 50_000) -> None:
        self._items: OrderedDict[str, tuple[str, str, str]] = OrderedDict()
        self._size = size
        self._lock = threading.Lock()

    def add(self, card_uuid: str, patient_key: str, service_id: str, hook_instance: str) -> None:
        with self._lock:
            self._items[card_uuid] = (patient_key, service_id, hook_instance)
            while len(self._items) > self._size:
                self._items.popitem(last=False)

    def get(self, card_uuid: str) -> tuple[str, str, str] | None:
        with self._lock:
            return self._items.get(card_uuid)


class FeedbackStore:
    def __init__(self, db_url: str | None) -> None:
        self.db_url = db_url
        self._engine = None
        self._lock = threading.Lock()

    def engine(self):
        with self._lock:
            if self._engine is None:
                from rarebone.registry.db import open_registry

                self._engine = open_registry(self.db_url, create=True)
            return self._engine

    def store(self, service_id: str, items: list[dict], actor: str, cards: CardIndex) -> int:
        from sqlalchemy.orm import Session

        from rarebone.registry import models as m

        now = dt.datetime.now(dt.timezone.utc)
        with Session(self.engine()) as session, session.begin():
            for item in items:
                known = cards.get(item["card"])
                patient_key = known[0] if known else "unknown"
                after = dict(item, service=service_id, hookInstance=known[2] if known else None)
                session.add(m.AuditRow(at=now, actor=actor[:120], action="cds-feedback", patient_key=patient_key,
                                       source=f"CDS Hooks feedback, service {service_id}"[:300], changed=None,
                                       before=None, after=after))
        return len(items)

    def rows(self, patient_key: str | None = None) -> list[dict]:
        from sqlalchemy import select
        from sqlalchemy.orm import Session

        from rarebone.registry import models as m

        query = select(m.AuditRow).where(m.AuditRow.action == "cds-feedback")
        if patient_key is not None:
            query = query.where(m.AuditRow.patient_key == patient_key)
        with Session(self.engine()) as session:
            return [{"actor": r.actor, "patient_key": r.patient_key, "source": r.source, "after": r.after}
                    for r in session.scalars(query.order_by(m.AuditRow.id))]

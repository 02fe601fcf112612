"""CDS Hooks 2.0 (2.0.1) wire models, written from the specification text (HL7/cds-hooks tag v2.0.1,
input/pagecontent/index.md and the patient-view / order-sign hook pages).

Every field the specification names is here with its optionality; unknown fields are allowed (the specification
defines an ``extension`` member on most objects and clients add their own), except where a closed value set is
given (``indicator``, ``selectionBehavior``, ``type``, ``outcome``). The conditional rules the specification
states in words are enforced by validators; their names follow the invariants of the FSH logical models in
HL7/cds-hooks ``main`` (resp-1 ... resp-6, fb-1 ... fb-3, r-1) so a failing test points at the rule.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

SUMMARY_LIMIT = 140  # the specification: "<140-character summary" (a wire-format limit, not a clinical value)


class _Open(BaseModel):
    model_config = ConfigDict(extra="allow")


class Coding(_Open):
    """The specification's own Coding (index.md, Data Types): ``code`` and ``system`` required, ``display`` optional."""

    code: str
    system: str | None = None
    display: str | None = None


# --- discovery ---------------------------------------------------------------------------------------------

class Service(_Open):
    hook: str
    title: str | None = None  # RECOMMENDED
    description: str
    id: str
    prefetch: dict[str, str] | None = None
    usageRequirements: str | None = None


class DiscoveryResponse(_Open):
    services: list[Service]


# --- request -----------------------------------------------------------------------------------------------

class FhirAuthorization(_Open):
    access_token: str
    token_type: Literal["Bearer"]
    expires_in: int
    scope: str
    subject: str
    patient: str | None = None  # CONDITIONAL: when the scopes are patient/ scopes


class HookRequest(_Open):
    hook: str
    hookInstance: str
    fhirServer: str | None = None
    fhirAuthorization: FhirAuthorization | None = None
    context: dict[str, Any]
    # key -> resource, searchset Bundle or null (no data); an unsatisfied key is absent
    prefetch: dict[str, dict[str, Any] | None] | None = None

    @model_validator(mode="after")
    def _r1(self) -> "HookRequest":
        if self.fhirAuthorization is not None and not self.fhirServer:
            raise ValueError("r-1: fhirServer is REQUIRED when fhirAuthorization is given")
        return self


class PatientViewContext(_Open):
    userId: str
    patientId: str
    encounterId: str | None = None


class OrderSignContext(_Open):
    userId: str
    patientId: str
    encounterId: str | None = None
    draftOrders: dict[str, Any]

    @model_validator(mode="after")
    def _bundle(self) -> "OrderSignContext":
        if self.draftOrders.get("resourceType") != "Bundle":
            raise ValueError("draftOrders must be a FHIR Bundle")
        return self


class OrderSelectContext(OrderSignContext):
    """order-select (hook page, 2.0): ``selections`` names the newly selected orders ("MedicationRequest/103")
    among ``draftOrders``; advice is for those, the rest of the Bundle is context."""

    selections: list[str]


# --- response ----------------------------------------------------------------------------------------------

class Source(_Open):
    label: str
    url: str | None = None
    icon: str | None = None
    topic: Coding | None = None


class Action(_Open):
    type: Literal["create", "update", "delete"]
    description: str
    resource: dict[str, Any] | None = None
    resourceId: str | None = None

    @model_validator(mode="after")
    def _resp2(self) -> "Action":
        # resp-2 (index.md, Action): create/update carry the resource; delete names it by resourceId
        if self.type in ("create", "update") and self.resource is None:
            raise ValueError(f"resp-2: a {self.type} action needs a resource")
        if self.type == "delete" and not (self.resourceId or self.resource):
            raise ValueError("resp-2: a delete action needs a resourceId")
        return self


class SystemAction(Action):
    # The systemActions example of index.md omits ``description``; the Action table marks it REQUIRED. Accepted
    # here when absent so the published example validates; rarebone itself always writes one.
    description: str = ""


class Suggestion(_Open):
    label: str
    uuid: str | None = None
    isRecommended: bool | None = None
    actions: list[Action] | None = None


class Link(_Open):
    label: str
    url: str
    type: Literal["absolute", "smart"]
    appContext: str | None = None
    autolaunchable: bool | None = None

    @model_validator(mode="after")
    def _resp3(self) -> "Link":
        if self.appContext is not None and self.type != "smart":
            raise ValueError("resp-3: appContext is only valid for smart links")
        return self


class Card(_Open):
    uuid: str | None = None
    summary: str = Field(max_length=SUMMARY_LIMIT - 1)
    detail: str | None = None
    indicator: Literal["info", "warning", "critical"]
    source: Source
    suggestions: list[Suggestion] | None = None
    selectionBehavior: Literal["at-most-one", "any"] | None = None
    overrideReasons: list[Coding] | None = None
    links: list[Link] | None = None

    @model_validator(mode="after")
    def _rules(self) -> "Card":
        if self.suggestions and self.selectionBehavior is None:
            raise ValueError("resp-6: selectionBehavior is required when suggestions are given")
        for reason in self.overrideReasons or []:
            if not reason.display:
                raise ValueError("resp-4: every override reason needs a display")
        return self


class CdsResponse(_Open):
    cards: list[Card]
    systemActions: list[SystemAction] | None = None


class ErrorResponse(_Open):
    """rarebone's body for 400/401/404/412/500 answers. CDS Hooks 2.0 defines none (3.0 proposes an
    OperationOutcome); one sentence saying what failed, never patient data or the token."""

    error: str


# --- feedback ----------------------------------------------------------------------------------------------

class AcceptedSuggestion(_Open):
    id: str


class OverrideReason(_Open):
    reason: Coding | None = None
    userComment: str | None = None

    @model_validator(mode="after")
    def _fb3(self) -> "OverrideReason":
        if self.reason is None and self.userComment is None:
            raise ValueError("fb-3: an overrideReason needs a reason or a userComment")
        return self


class Feedback(_Open):
    card: str
    outcome: Literal["accepted", "overridden"]  # fb-1
    acceptedSuggestions: list[AcceptedSuggestion] | None = None
    overrideReason: OverrideReason | None = None
    outcomeTimestamp: str = Field(pattern=r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")

    @model_validator(mode="after")
    def _fb2(self) -> "Feedback":
        if self.outcome == "accepted" and not self.acceptedSuggestions:
            raise ValueError("fb-2: an accepted outcome needs acceptedSuggestions")
        return self


class FeedbackRequest(_Open):
    feedback: list[Feedback]

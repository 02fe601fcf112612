"""``NeedsIO``: raised when a call would have to wait on the network (fetch the issuer's JWKS, or prefetch keys
from the FHIR server) while it runs inline on the event loop; the lean route (asgi.py) then runs the rest of the
call in a worker thread. Raised before any side effect of the step that needs the network (the jti is recorded
only after the key is at hand), so the call continues exactly where it stopped."""


class NeedsIO(Exception):
    def __init__(self, claims: dict | None = None) -> None:
        super().__init__("this call must wait on the network")
        self.claims = claims  # the verified JWT claims when authentication was already done, else None

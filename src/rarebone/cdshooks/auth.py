"""The EHR's JWT, verified as CDS Hooks 2.0 "Trusting CDS Clients" requires.

Every call (discovery too) carries ``Authorization: Bearer <JWT>``. Checked, in this order, each failure a 401
with one sentence saying which check failed (never the token or any patient data):
header ``alg`` asymmetric and allowed, ``kid`` present, ``typ`` JWT when given; ``iss`` on the allow-list
(``jku``, when given, must be that issuer's configured JWKS URL: a token cannot point us at a key set of its
choosing); the signature against the issuer's JWKS (fetched over HTTP and cached; fetched again once when the
``kid`` is unknown, so a rotated key works); ``aud`` = the exact URL called (the configured base URL + path, never
the Host header, which the caller controls); ``exp``, ``iat`` (not in the future) and ``jti`` present;
``jti`` not seen before from that issuer until the token expires (replay).
"""

from __future__ import annotations

import base64
import heapq
import json
import logging
import re
import sqlite3
import threading
import time
from dataclasses import dataclass

from rarebone.cdshooks.settings import CdsSettings


log = logging.getLogger("rarebone.cdshooks")

JWKS_RETRY_SECONDS = 5  # between background fetches of a key set while the issuer's JWKS endpoint fails


class AuthError(Exception):
    """401: the sentence is returned to the caller as is."""


@dataclass
class _KeySet:
    fetched: float
    keys: dict[str, object]  # kid -> PyJWK


class Verifier:
    def __init__(self, settings: CdsSettings) -> None:
        self.settings = settings
        self._keys: dict[str, _KeySet] = {}
        self._seen: dict[tuple[str, str], float] = {}  # (iss, jti) -> exp
        self._expiry: list[tuple[float, tuple[str, str]]] = []  # heap of (exp, (iss, jti)): forgets in exp order
        self._lock = threading.Lock()
        self._fetching: dict[str, threading.Lock] = {}  # iss -> held while that issuer's key set is fetched
        self._refreshing: set[str] = set()  # issuers whose key set a background thread is fetching
        self._retry_at: dict[str, float] = {}  # iss -> no background fetch before (after one failed)
        self._shared = SharedNonces(settings.nonce_db) if settings.nonce_db else None

    # -- JWKS ------------------------------------------------------------------------------------------------
    def _fetch(self, url: str) -> _KeySet:
        import httpx
        import jwt

        try:
            response = httpx.get(url, timeout=self.settings.fhir_timeout_seconds)
            response.raise_for_status()
            jwks = jwt.PyJWKSet.from_dict(response.json())
        except (httpx.HTTPError, ValueError, jwt.PyJWKSetError) as exc:
            raise AuthError(f"the issuer's JWKS could not be read ({type(exc).__name__})") from None
        return _KeySet(time.monotonic(), {k.key_id: k for k in jwks.keys if k.key_id})

    def _key(self, iss: str, url: str, kid: str, io: bool = True):
        now = time.monotonic()
        cached = self._keys.get(iss)
        if cached is not None:
            age = now - cached.fetched
            key = cached.keys.get(kid)
            if age < self.settings.jwks_cache_seconds:
                if key is not None:
                    return key
                # An unknown kid refreshes the set (key rotation), at most once a second per issuer, so a flood of
                # made-up kids cannot make us hammer the EHR's JWKS endpoint.
                if age <= 1:
                    raise AuthError("no key with this kid in the issuer's JWKS")
            elif key is not None and age < self.settings.jwks_cache_seconds + self.settings.jwks_stale_seconds:
                # Old but not too old: this call goes on with the key at hand while one thread fetches the set
                # (stale-while-revalidate). Before, every call in flight at that moment left the event loop and
                # fetched the JWKS itself, seconds of latency every jwks_cache_seconds.
                self._refresh_in_background(iss, url)
                return key
        if not io:  # on the event loop: the caller goes on in a thread (nothing recorded yet)
            from rarebone.cdshooks.blocking import NeedsIO

            raise NeedsIO()
        cached = self._fetch_once(iss, url, cached)
        key = cached.keys.get(kid)
        if key is None:
            raise AuthError("no key with this kid in the issuer's JWKS")
        return key

    def _fetch_once(self, iss: str, url: str, seen: _KeySet | None) -> _KeySet:
        """Fetch the issuer's key set, one thread at a time: a thread that waited while another fetched uses what
        that one got (calls arriving together at a cold start fetched once each before)."""
        with self._lock:
            fetching = self._fetching.setdefault(iss, threading.Lock())
        with fetching:
            current = self._keys.get(iss)
            if current is not None and current is not seen:
                return current
            fetched = self._fetch(url)
            self._keys[iss] = fetched
            return fetched

    def _refresh_in_background(self, iss: str, url: str) -> None:
        now = time.monotonic()
        with self._lock:
            if iss in self._refreshing or now < self._retry_at.get(iss, 0.0):
                return
            self._refreshing.add(iss)
        seen = self._keys.get(iss)

        def refresh() -> None:
            try:
                self._fetch_once(iss, url, seen)
            except Exception as exc:  # noqa: BLE001 - a thread of its own: log and try again a little later
                log.warning("the JWKS of issuer %s could not be fetched again (%s); its cached keys are used for at "
                            "most %d s more", iss, exc, self.settings.jwks_stale_seconds)
                with self._lock:
                    self._retry_at[iss] = time.monotonic() + JWKS_RETRY_SECONDS
            finally:
                with self._lock:
                    self._refreshing.discard(iss)

        threading.Thread(target=refresh, name="jwks-refresh", daemon=True).start()

    # -- the token -------------------------------------------------------------------------------------------
    def verify(self, authorization: str | None, path: str, io: bool = True) -> dict:
        import jwt

        if not authorization or not authorization.startswith("Bearer "):
            raise AuthError("missing Authorization: Bearer <JWT> (CDS Hooks requires a signed JWT on every call)")
        token = authorization.removeprefix("Bearer ").strip()
        plain = _plain_parse(token)  # (header, claims, signing input, signature) of a plainly written token
        if plain is not None:
            header, claims = plain[0], plain[1]
        else:
            try:
                # header and claims from one parse; the same checks: decode_complete validates the header as
                # get_unverified_header does
                unverified = jwt.api_jwt.decode_complete(token, options={"verify_signature": False})
                header, claims = unverified["header"], unverified["payload"]
            except jwt.PyJWTError:
                raise AuthError("the bearer token is not a JWT") from None
        alg = header.get("alg")
        if alg not in self.settings.algorithms:
            raise AuthError(f"JWT algorithm {alg!r} not accepted (asymmetric algorithms only)")
        if header.get("typ") not in (None, "JWT"):
            raise AuthError("JWT header typ must be JWT")
        kid = header.get("kid")
        if not kid:
            raise AuthError("JWT header has no kid")
        iss = claims.get("iss")
        issuer = self.settings.issuer(iss) if isinstance(iss, str) else None
        if issuer is None:
            raise AuthError("JWT issuer is not on this service's allow-list")
        if header.get("jku") not in (None, issuer.jwks_url):
            raise AuthError("JWT jku is not the JWKS URL configured for this issuer")
        key = self._key(issuer.iss, issuer.jwks_url, kid, io)
        audience = self.settings.audience(path)
        verified = None
        if plain is not None:
            verified = _plain_verify(plain, key, alg, audience, issuer.iss, self.settings.clock_skew_seconds)
        try:
            if verified is None:  # anything the plain path does not vouch for: PyJWT decides, with its own error
                verified = jwt.decode(token, key=key, algorithms=[alg], audience=audience, issuer=issuer.iss,
                                      leeway=self.settings.clock_skew_seconds,
                                      options={"require": ["iss", "aud", "exp", "iat", "jti"]})
        except jwt.InvalidSignatureError:
            raise AuthError("JWT signature does not verify against the issuer's key") from None
        except jwt.ExpiredSignatureError:
            raise AuthError("JWT has expired") from None
        except jwt.InvalidAudienceError:
            raise AuthError(f"JWT aud is not this endpoint ({audience})") from None
        except jwt.ImmatureSignatureError as exc:
            if "(nbf)" in str(exc):
                raise AuthError("JWT nbf is in the future (not yet valid)") from None
            raise AuthError("JWT iat is in the future") from None
        except jwt.MissingRequiredClaimError as exc:
            raise AuthError(f"JWT lacks the required claim {exc.claim}") from None
        except jwt.PyJWTError as exc:
            raise AuthError(f"JWT rejected ({type(exc).__name__})") from None
        if issuer.tenant is not None and verified.get("tenant") != issuer.tenant:
            raise AuthError("JWT tenant is not the one configured for this issuer")
        self._once(issuer.iss, str(verified["jti"]), float(verified["exp"]))
        return verified

    def _once(self, iss: str, jti: str, exp: float) -> None:
        # An expired nonce can no longer be replayed (the token is refused as expired first), so it is forgotten.
        # Why a heap: the tokens of the last few minutes are all alive at once (5-minute tokens at 50 calls/s are
        # 15,000 of them), and rebuilding the whole table on every call once it passed a size cost 2.6 ms a call.
        now = time.time()
        skew = self.settings.clock_skew_seconds
        if self._shared is not None:
            with self._lock:
                if not self._shared.first_use(iss, jti, exp, now, skew):
                    raise AuthError("JWT jti already used (replay)")
            return
        with self._lock:
            expiry = self._expiry
            while expiry and expiry[0][0] + skew <= now:
                _, old = heapq.heappop(expiry)
                self._seen.pop(old, None)
            if (iss, jti) in self._seen:
                raise AuthError("JWT jti already used (replay)")
            self._seen[(iss, jti)] = exp
            heapq.heappush(expiry, (exp, (iss, jti)))


class SharedNonces:
    """The jti store of several worker processes: one SQLite file (WAL; no fsync: it lives only as long as the
    supervisor, in its private directory). The primary key makes "first use" one atomic INSERT across processes."""

    PURGE_EVERY = 256  # calls between deletions of expired nonces (an index on exp keeps each one short)

    def __init__(self, path: str) -> None:
        self._db = sqlite3.connect(path, timeout=10, isolation_level=None, check_same_thread=False)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=OFF")
        self._db.execute("CREATE TABLE IF NOT EXISTS nonce (iss TEXT NOT NULL, jti TEXT NOT NULL, exp REAL NOT NULL,"
                         " PRIMARY KEY (iss, jti)) WITHOUT ROWID")
        self._db.execute("CREATE INDEX IF NOT EXISTS nonce_exp ON nonce (exp)")
        self._calls = 0

    def close(self) -> None:
        self._db.close()

    def first_use(self, iss: str, jti: str, exp: float, now: float, skew: float) -> bool:
        """Record the nonce; False when a live token already used it. A nonce whose token has expired (exp + skew
        passed) is forgotten, as in one process."""
        self._calls += 1
        if self._calls % self.PURGE_EVERY == 0:
            self._db.execute("DELETE FROM nonce WHERE exp + ? <= ?", (skew, now))
        try:
            self._db.execute("INSERT INTO nonce (iss, jti, exp) VALUES (?, ?, ?)", (iss, jti, exp))
            return True
        except sqlite3.IntegrityError:
            # taken, unless by a token that has expired since (not purged yet): then this use is the first
            changed = self._db.execute("UPDATE nonce SET exp = ? WHERE iss = ? AND jti = ? AND exp + ? <= ?",
                                       (exp, iss, jti, skew, now)).rowcount
            return changed == 1


# -- the plain token, without PyJWT's general machinery ----------------------------------------------------------
# Why: every call carries a fresh token (new jti), so nothing about it can be cached, and PyJWT parsed it twice
# (unverified for the issuer, then verified) with a per-character base64 check each time: ~0.1 ms of ~0.6 ms of
# verification, the rest being the signature itself (docs/cds-speed-log.md, Branch cds-cpu). A token written the
# plain way (three unpadded base64url segments, JSON objects, no crit/b64, integer exp, iat and nbf, string iss,
# aud, jti, sub) is read once here; its signature is checked with PyJWT's own algorithm object for the key (the same
# prepare_key, curve check and verify), and its claims with checks at least as strict as PyJWT's. Whenever
# anything is not plain, or any check fails, the token goes to PyJWT exactly as before, so a refusal is always
# PyJWT's (and its sentence ours, unchanged). tests/cdshooks/test_jwt_plain.py compares the two on good tokens
# and on each way a token can be wrong.

_SEGMENT = re.compile(r"[A-Za-z0-9_-]+")
_HANDLED_BY_PYJWT = ("crit", "b64")  # header parameters with meaning beyond alg/kid/typ/jku: PyJWT's path


def _b64(segment: str) -> bytes | None:
    """Strict base64url without padding; None when PyJWT's looser rules would be needed (or it would refuse)."""
    if not _SEGMENT.fullmatch(segment) or len(segment) % 4 == 1:
        return None
    raw = base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))
    # canonical only (no stray bits in the last character), as PyJWT requires
    return raw if base64.urlsafe_b64encode(raw).rstrip(b"=") == segment.encode("ascii") else None


def _plain_parse(token: str):
    if not token.isascii() or token.count(".") != 2:
        return None
    head, body, sig = token.split(".")
    header_raw, payload_raw, signature = _b64(head), _b64(body), _b64(sig)
    if header_raw is None or payload_raw is None or signature is None:
        return None
    try:
        header, claims = json.loads(header_raw), json.loads(payload_raw)
    except (ValueError, RecursionError):
        return None
    if type(header) is not dict or type(claims) is not dict or any(k in header for k in _HANDLED_BY_PYJWT):
        return None
    if "kid" in header and type(header["kid"]) is not str:
        return None
    return header, claims, f"{head}.{body}".encode("ascii"), signature


def _plain_verify(plain, key, alg: str, audience: str, issuer: str, leeway: float) -> dict | None:
    """The verified claims, or None: not vouched for here (PyJWT then decides)."""
    header, claims, signing_input, signature = plain
    if header.get("alg") != alg or getattr(key, "algorithm_name", None) != alg:
        return None
    try:
        algorithm = key.Algorithm
        prepared = algorithm.prepare_key(key.key)
        if algorithm.check_key_length(prepared) or not algorithm.verify(signing_input, prepared, signature):
            return None
    except Exception:  # noqa: BLE001 - any trouble with the key: PyJWT's path names it
        return None
    if any(claims.get(c) is None for c in ("iss", "aud", "exp", "iat", "jti")):
        return None
    exp, iat, aud = claims["exp"], claims["iat"], claims["aud"]
    now = time.time()
    if type(exp) is not int or type(iat) is not int or exp <= now - leeway or iat > now + leeway:
        return None  # PyJWT's tests: expired when exp <= now - leeway, immature when iat > now + leeway
    if "nbf" in claims:  # Epic sends nbf (iat - 5 min); PyJWT: not yet valid when nbf > now + leeway
        nbf = claims["nbf"]
        if type(nbf) is not int or nbf > now + leeway:
            return None
    if type(claims["iss"]) is not str or claims["iss"] != issuer or type(claims["jti"]) is not str:
        return None
    if not (aud == audience if type(aud) is str else
            type(aud) is list and all(type(a) is str for a in aud) and audience in aud):
        return None
    if "sub" in claims and type(claims["sub"]) is not str:
        return None
    return claims

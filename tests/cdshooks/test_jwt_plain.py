"""The plain-token path of auth.Verifier (one strict parse, PyJWT's algorithm object for the signature, claim checks
at least as strict as PyJWT's) against PyJWT alone (the plain path switched off), on good tokens and on each way a
token can be wrong: the same claims or the same 401 sentence, and the plain path must never accept what PyJWT
refuses. The checks the CDS Hooks specification requires (signature against the JWKS, issuer allow-list, audience,
expiry, jti replay, algorithm allow-list) are in test_service.py over HTTP; this file compares the two paths."""

from __future__ import annotations

import base64
import json
import tempfile
import time
import uuid

import pytest

jwt = pytest.importorskip("jwt")

from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa  # noqa: E402

from rarebone.cdshooks import auth  # noqa: E402
from rarebone.cdshooks.settings import CdsSettings  # noqa: E402

EHR, BASE, PATH = "http://ehr.test", "http://127.0.0.1:1", "/cds-services/rarebone-patient-view"
AUD = BASE + PATH
EC384 = ec.generate_private_key(ec.SECP384R1())
EC256 = ec.generate_private_key(ec.SECP256R1())
RSA = rsa.generate_private_key(public_exponent=65537, key_size=2048)
ED = ed25519.Ed25519PrivateKey.generate()
OTHER = ec.generate_private_key(ec.SECP384R1())


def _jwk(key, kid: str, alg: str) -> dict:
    algo = {"ES": jwt.algorithms.ECAlgorithm, "RS": jwt.algorithms.RSAAlgorithm, "PS": jwt.algorithms.RSAAlgorithm,
            "Ed": jwt.algorithms.OKPAlgorithm}[alg[:2]]
    return {**json.loads(algo.to_jwk(key.public_key())), "kid": kid, "alg": alg}


JWKS = {"keys": [_jwk(EC384, "es384", "ES384"), _jwk(EC256, "es256", "ES256"), _jwk(RSA, "rs256", "RS256"),
                 _jwk(RSA, "rs384", "RS384"),
                 _jwk(RSA, "ps256", "PS256"), _jwk(ED, "ed", "EdDSA"), _jwk(EC256, "curve-mismatch", "ES384")]}


def _verifier(tenant: str | None = None) -> auth.Verifier:
    issuer = {"iss": EHR, "jwks_url": EHR + "/jwks.json", **({"tenant": tenant} if tenant else {})}
    settings = CdsSettings(base_url=BASE, issuers=[issuer], registry_db=f"sqlite:///{tempfile.mkdtemp()}/r.sqlite")
    verifier = auth.Verifier(settings)
    keys = {}
    for entry in JWKS["keys"]:
        try:
            keys[entry["kid"]] = jwt.PyJWK.from_dict(entry)
        except jwt.PyJWKError:
            pass
    verifier._keys[EHR] = auth._KeySet(time.monotonic() + 1e6, keys)  # as if fetched from the EHR
    return verifier


def _claims(**changes) -> dict:
    now = int(time.time())
    claims = {"iss": EHR, "aud": AUD, "iat": now, "exp": now + 300, "jti": str(uuid.uuid4())}
    claims.update(changes)
    return {k: v for k, v in claims.items() if v is not None}


def _token(claims: dict | None = None, key=EC384, alg: str = "ES384", kid: str = "es384", **headers) -> str:
    return jwt.encode(claims if claims is not None else _claims(), key, algorithm=alg,
                      headers={"kid": kid, "typ": "JWT", **headers})


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _raw(header: dict, claims: dict, key=EC384) -> str:
    """A token written by hand (what jwt.encode would not write), signed properly with ES384."""
    signing = f"{_b64(json.dumps(header).encode())}.{_b64(json.dumps(claims).encode())}"
    return signing + "." + _b64(jwt.algorithms.ECAlgorithm(jwt.algorithms.ECAlgorithm.SHA384).sign(signing.encode(), key))


def _outcome(verifier, token: str):
    try:
        return "ok", verifier.verify("Bearer " + token, PATH)
    except auth.AuthError as exc:
        return "401", str(exc)


def _both(token: str, tenant: str | None = None, monkeypatch=None):
    plain = _outcome(_verifier(tenant), token)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(auth, "_plain_parse", lambda _token: None)
        pyjwt = _outcome(_verifier(tenant), token)
    assert plain == pyjwt
    return plain


def _now() -> int:
    return int(time.time())


SKEW = CdsSettings(base_url=BASE).clock_skew_seconds

CASES = {
    "good ES384": lambda: _token(),
    "good ES256": lambda: _token(key=EC256, alg="ES256", kid="es256"),
    "good RS256": lambda: _token(key=RSA, alg="RS256", kid="rs256"),
    "good PS256": lambda: _token(key=RSA, alg="PS256", kid="ps256"),
    "good EdDSA": lambda: _token(key=ED, alg="EdDSA", kid="ed"),
    "aud as a list": lambda: _token(_claims(aud=["http://else", AUD])),
    "aud list without us": lambda: _token(_claims(aud=["http://else"])),
    "aud list with a number": lambda: _token(_claims(aud=[AUD, 7])),
    "aud empty list": lambda: _token(_claims(aud=[])),
    "aud other": lambda: _token(_claims(aud=BASE + "/cds-services")),
    "aud number": lambda: _token(_claims(aud=5)),
    "expired beyond the skew": lambda: _token(_claims(iat=_now() - 900, exp=_now() - SKEW - 5)),
    "expired within the skew": lambda: _token(_claims(iat=_now() - 900, exp=_now() - SKEW + 5)),
    "exp as float": lambda: _token(_claims(exp=_now() + 300.5)),
    "exp as text": lambda: _token(_claims(exp="tomorrow")),
    "iat in the future beyond the skew": lambda: _token(_claims(iat=_now() + SKEW + 60, exp=_now() + 900)),
    "iat in the future within the skew": lambda: _token(_claims(iat=_now() + SKEW - 5, exp=_now() + 900)),
    "iat as bool": lambda: _token(_claims(iat=True)),
    "iat as float": lambda: _token(_claims(iat=_now() + 0.5)),
    "nbf in the future": lambda: _token(_claims(nbf=_now() + SKEW + 60)),
    "nbf in the future within the skew": lambda: _token(_claims(nbf=_now() + SKEW - 5)),
    "nbf past": lambda: _token(_claims(nbf=_now() - 60)),
    "nbf as float": lambda: _token(_claims(nbf=_now() - 60.5)),
    "nbf as text": lambda: _token(_claims(nbf="yesterday")),
    "nbf as bool": lambda: _token(_claims(nbf=True)),
    "good RS384": lambda: _token(key=RSA, alg="RS384", kid="rs384"),
    # Epic's CDS Hooks token (its CDS Hooks tutorial, "Trusting CDS Clients"): RS384, jku, typ JWT, nbf 5 min before
    # iat, sub the CDS client id
    "good Epic-shaped RS384": lambda: _token(_claims(nbf=_now() - 300, sub="epic-cds-client"), key=RSA, alg="RS384",
                                             kid="rs384", jku=EHR + "/jwks.json"),
    "missing jti": lambda: _token(_claims(jti=None)),
    "missing exp": lambda: _token(_claims(exp=None)),
    "missing iat": lambda: _token(_claims(iat=None)),
    "missing aud": lambda: _token(_claims(aud=None)),
    "jti number": lambda: _token(_claims(jti=7)),
    "sub number": lambda: _token(_claims(sub=7)),
    "sub text": lambda: _token(_claims(sub="Practitioner/1")),
    "issuer not allowed": lambda: _token(_claims(iss="http://other")),
    "issuer number": lambda: _raw({"alg": "ES384", "kid": "es384"}, _claims(iss=7)),
    "signed by another key": lambda: _token(key=OTHER),
    "signature altered": lambda: (lambda t: t[:-6] + ("AAAAAA" if not t.endswith("AAAAAA") else "BBBBBB"))(_token()),
    "signature truncated": lambda: _token()[:-8],
    "signature of another alg length": lambda: _token().rsplit(".", 1)[0] + "." + _token(key=EC256, alg="ES256", kid="es256").rsplit(".", 1)[1],
    "alg header not the key's": lambda: _token(key=EC256, alg="ES256", kid="es384"),
    "key on the wrong curve for its alg": lambda: _raw({"alg": "ES384", "kid": "curve-mismatch"}, _claims(), key=EC256),
    "unknown kid": lambda: _token(kid="nope"),
    "HS256": lambda: jwt.encode(_claims(), "shared-secret-of-at-least-32-bytes!!", algorithm="HS256", headers={"kid": "es384"}),
    "typ other": lambda: _token(typ="at+jwt"),
    "jku other": lambda: _token(jku="http://evil/jwks.json"),
    "jku ours": lambda: _token(jku=EHR + "/jwks.json"),
    "kid number": lambda: _raw({"alg": "ES384", "kid": 5}, _claims()),
    "crit header": lambda: _raw({"alg": "ES384", "kid": "es384", "crit": ["exp"]}, _claims()),
    "b64 header": lambda: _raw({"alg": "ES384", "kid": "es384", "b64": True, "crit": ["b64"]}, _claims()),
    "header not an object": lambda: _b64(b"[1]") + "." + _token().split(".", 1)[1],
    "payload not an object": lambda: _raw({"alg": "ES384", "kid": "es384"}, [1, 2]),
    "payload not JSON": lambda: (lambda h: h + "." + _b64(b"{nope") + ".AAAA")(_token().split(".")[0]),
    "padded segments": lambda: ".".join(s + "=" * (-len(s) % 4) for s in _token().split(".")),
    "a stray bit in the last character": lambda: (lambda p: ".".join(p[:2]) + "." + p[2][:-1] + chr(ord(p[2][-1]) ^ 1))(_token().split(".")),
    "four segments": lambda: _token() + ".AAAA",
    "two segments": lambda: _token().rsplit(".", 1)[0],
    "not base64": lambda: "!!!." + _token().split(".", 1)[1],
    "non-ASCII": lambda: _token() + "é",
    "empty": lambda: "",
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_plain_path_answers_as_pyjwt(case):
    outcome = _both(CASES[case]())
    if case.startswith("good") or case in ("aud as a list", "expired within the skew",
                                           "iat in the future within the skew", "sub text", "jku ours", "nbf past",
                                           "nbf in the future within the skew"):
        assert outcome[0] == "ok", outcome  # the comparison is not between two refusals only
    if case in ("signed by another key", "signature altered", "expired beyond the skew", "issuer not allowed",
                "aud other", "missing jti", "HS256", "unknown kid", "iat in the future beyond the skew"):
        assert outcome[0] == "401", outcome
    if case == "nbf in the future":
        assert outcome == ("401", "JWT nbf is in the future (not yet valid)")


def test_plain_path_is_taken_for_the_usual_token():
    """Else the comparison above would prove nothing about the fast path."""
    calls = []
    original = auth._plain_verify

    def spy(*args):
        calls.append(original(*args))
        return calls[-1]

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(auth, "_plain_verify", spy)
        assert _outcome(_verifier(), _token())[0] == "ok"
        assert _outcome(_verifier(), CASES["good Epic-shaped RS384"]())[0] == "ok"
    assert len(calls) == 2 and None not in calls


def test_tenant_and_replay_are_checked_on_the_plain_path():
    token = _token(_claims(tenant="t1"))
    assert _both(token, tenant="t2") == ("401", "JWT tenant is not the one configured for this issuer")
    verifier = _verifier()
    token = _token()
    assert _outcome(verifier, token)[0] == "ok"
    assert _outcome(verifier, token) == ("401", "JWT jti already used (replay)")


def test_nonces_are_forgotten_when_their_token_expires_and_not_before(monkeypatch):
    """The jti store forgets a nonce once its token's exp (plus the allowed clock skew) has passed, and only then:
    a live token's jti is refused again however many other tokens came in between (20,000 here: 5-minute tokens at
    ~70 calls/s), and the store does not grow without bound."""
    verifier = _verifier()
    skew = verifier.settings.clock_skew_seconds
    clock = [1_000_000.0]
    monkeypatch.setattr(auth.time, "time", lambda: clock[0])
    verifier._once(EHR, "first", clock[0] + 300)
    for i in range(20_000):
        verifier._once(EHR, f"n{i}", clock[0] + 300 + i / 100)
    with pytest.raises(auth.AuthError, match="replay"):
        verifier._once(EHR, "first", clock[0] + 300)
    clock[0] += 300 + skew - 1  # "first" is still inside its skew: still remembered
    with pytest.raises(auth.AuthError, match="replay"):
        verifier._once(EHR, "first", clock[0] + 300)
    clock[0] += 1  # now past exp + skew: forgotten, with every other token that expired by then
    verifier._once(EHR, "later", clock[0] + 300)
    assert (EHR, "first") not in verifier._seen and (EHR, "n0") not in verifier._seen  # same exp as "first"
    assert (EHR, "n1") in verifier._seen  # 0.01 s later: still alive
    assert len(verifier._seen) == len(verifier._expiry) == 20_000  # 20,001 - 2 expired + "later"
    clock[0] += 10_000
    verifier._once(EHR, "much later", clock[0] + 300)
    assert list(verifier._seen) == [(EHR, "much later")]


def test_worker_processes_share_their_nonces(tmp_path, monkeypatch):
    """Two verifiers on one nonce file (two worker processes): a jti used by one is refused by the other while its
    token lives, forgotten once it has expired (plus the skew), and purged from the file in passing."""
    path = str(tmp_path / "nonces.sqlite")
    first, second = _verifier(), _verifier()
    for v in (first, second):
        v.settings = v.settings.model_copy(update={"nonce_db": path})
        v._shared = auth.SharedNonces(path)
    skew = first.settings.clock_skew_seconds
    clock = [2_000_000.0]
    monkeypatch.setattr(auth.time, "time", lambda: clock[0])
    first._once(EHR, "a", clock[0] + 300)
    with pytest.raises(auth.AuthError, match="replay"):
        second._once(EHR, "a", clock[0] + 300)
    with pytest.raises(auth.AuthError, match="replay"):
        first._once(EHR, "a", clock[0] + 300)
    second._once("http://other-ehr", "a", clock[0] + 300)  # another issuer's nonce space
    assert not first._seen and not second._seen  # nothing kept in memory when the file is shared
    clock[0] += 300 + skew  # "a" expired (exp + skew <= now): a new token may carry it again, once
    second._once(EHR, "a", clock[0] + 300)
    with pytest.raises(auth.AuthError, match="replay"):
        first._once(EHR, "a", clock[0] + 300)
    clock[0] += 10_000
    for i in range(auth.SharedNonces.PURGE_EVERY):
        first._once(EHR, f"n{i}", clock[0] + 300)
    import sqlite3

    with sqlite3.connect(path) as db:
        left = {row[0] for row in db.execute("SELECT jti FROM nonce WHERE iss = ?", (EHR,))}
    assert "a" not in left and len(left) == auth.SharedNonces.PURGE_EVERY

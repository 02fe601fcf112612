"""The issuer's key set when it gets old: fetched again by one background thread while calls go on with the keys at
hand (for at most ``jwks_stale_seconds``), fetched once when many calls arrive together at a cold start, and the
call waits for (and fails with) the fetch once the keys are too old. Against the test EHR's real JWKS endpoint
(it counts the requests it answers and can be made to fail)."""

from __future__ import annotations

import threading
import time

import pytest

from rarebone.cdshooks.auth import AuthError, Verifier
from rarebone.cdshooks.blocking import NeedsIO
from rarebone.cdshooks.settings import CdsSettings, Issuer

AUD = "http://cds.test"
PATH = "/cds-services"


@pytest.fixture()
def ehr_jwks(ehr):
    ehr.jwks_down = False
    yield ehr
    ehr.jwks_down = False


def _verifier(ehr, **settings) -> Verifier:
    return Verifier(CdsSettings(base_url=AUD, issuers=[Issuer(iss=ehr.url, jwks_url=ehr.url + "/jwks.json")],
                                **settings))


def _age(verifier: Verifier, ehr, seconds: float) -> None:
    """Make the cached key set ``seconds`` old (the clock is monotonic: move the fetch time back)."""
    verifier._keys[ehr.url].fetched = time.monotonic() - seconds


def _wait(predicate, seconds: float = 10) -> None:
    deadline = time.monotonic() + seconds
    while not predicate():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.01)


def test_old_keys_are_used_while_one_thread_fetches_them_again(ehr_jwks):
    ehr = ehr_jwks
    verifier = _verifier(ehr)
    verifier.verify(f"Bearer {ehr.sign(AUD + PATH)}", PATH)  # cold: fetched on this call
    before = ehr.jwks_requests
    _age(verifier, ehr, 301)  # older than jwks_cache_seconds (300), within the 60 s after it
    for _ in range(20):  # on the event loop (io=False): no call has to leave it
        assert verifier.verify(f"Bearer {ehr.sign(AUD + PATH)}", PATH, io=False)["iss"] == ehr.url
    _wait(lambda: not verifier._refreshing)
    assert ehr.jwks_requests == before + 1  # twenty calls, one fetch
    assert time.monotonic() - verifier._keys[ehr.url].fetched < 5  # fresh again


def test_keys_older_than_the_stale_allowance_are_fetched_by_the_call(ehr_jwks):
    ehr = ehr_jwks
    verifier = _verifier(ehr)
    verifier.verify(f"Bearer {ehr.sign(AUD + PATH)}", PATH)
    _age(verifier, ehr, 300 + 60)  # exactly at the end of the allowance: no longer used
    token = f"Bearer {ehr.sign(AUD + PATH)}"
    with pytest.raises(NeedsIO):
        verifier.verify(token, PATH, io=False)
    before = ehr.jwks_requests
    assert verifier.verify(token, PATH)["iss"] == ehr.url  # in a thread: waits for the fetch
    assert ehr.jwks_requests == before + 1
    assert not verifier._refreshing


def test_stale_allowance_zero_is_the_old_behaviour(ehr_jwks):
    ehr = ehr_jwks
    verifier = _verifier(ehr, jwks_stale_seconds=0)
    verifier.verify(f"Bearer {ehr.sign(AUD + PATH)}", PATH)
    _age(verifier, ehr, 299.5)  # still fresh
    assert verifier.verify(f"Bearer {ehr.sign(AUD + PATH)}", PATH, io=False)
    _age(verifier, ehr, 300)
    with pytest.raises(NeedsIO):
        verifier.verify(f"Bearer {ehr.sign(AUD + PATH)}", PATH, io=False)


def test_an_unreadable_jwks_keeps_the_old_keys_for_the_allowance_then_calls_fail(ehr_jwks, caplog):
    ehr = ehr_jwks
    verifier = _verifier(ehr)
    verifier.verify(f"Bearer {ehr.sign(AUD + PATH)}", PATH)
    ehr.jwks_down = True
    _age(verifier, ehr, 330)
    before = ehr.jwks_requests
    with caplog.at_level("WARNING", logger="rarebone.cdshooks"):
        assert verifier.verify(f"Bearer {ehr.sign(AUD + PATH)}", PATH, io=False)
        _wait(lambda: not verifier._refreshing)
    assert ehr.jwks_requests == before + 1
    assert "could not be fetched again" in caplog.text and "60 s" in caplog.text
    # the failed fetch is not retried on every call (the endpoint is down): a few seconds pass first
    for _ in range(10):
        assert verifier.verify(f"Bearer {ehr.sign(AUD + PATH)}", PATH, io=False)
    assert not verifier._refreshing and ehr.jwks_requests == before + 1
    _age(verifier, ehr, 360)  # the allowance is over: the call fetches, and fails with the fetch
    with pytest.raises(AuthError, match="JWKS could not be read"):
        verifier.verify(f"Bearer {ehr.sign(AUD + PATH)}", PATH)
    ehr.jwks_down = False
    assert verifier.verify(f"Bearer {ehr.sign(AUD + PATH)}", PATH)["iss"] == ehr.url


def test_calls_arriving_together_at_a_cold_start_fetch_once(ehr_jwks):
    ehr = ehr_jwks
    verifier = _verifier(ehr)
    tokens = [f"Bearer {ehr.sign(AUD + PATH)}" for _ in range(8)]
    before = ehr.jwks_requests
    start = threading.Barrier(len(tokens))
    results: list = []

    def call(token):
        start.wait()
        results.append(verifier.verify(token, PATH)["iss"])

    threads = [threading.Thread(target=call, args=(t,)) for t in tokens]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert results == [ehr.url] * len(tokens)
    assert ehr.jwks_requests == before + 1


def test_an_unknown_kid_still_fetches_again_at_most_once_a_second(ehr_jwks):
    ehr = ehr_jwks
    verifier = _verifier(ehr)
    verifier.verify(f"Bearer {ehr.sign(AUD + PATH)}", PATH)
    before = ehr.jwks_requests
    with pytest.raises(AuthError, match="no key with this kid"):  # fetched less than a second ago
        verifier.verify(f"Bearer {ehr.sign(AUD + PATH, kid='rotated')}", PATH)
    assert ehr.jwks_requests == before
    _age(verifier, ehr, 1.5)
    with pytest.raises(NeedsIO):
        verifier.verify(f"Bearer {ehr.sign(AUD + PATH, kid='rotated')}", PATH, io=False)
    with pytest.raises(AuthError, match="no key with this kid"):
        verifier.verify(f"Bearer {ehr.sign(AUD + PATH, kid='rotated')}", PATH)
    assert ehr.jwks_requests == before + 1
    _age(verifier, ehr, 320)  # old keys and an unknown kid: the call fetches (no stale key to go on with)
    with pytest.raises(NeedsIO):
        verifier.verify(f"Bearer {ehr.sign(AUD + PATH, kid='rotated')}", PATH, io=False)

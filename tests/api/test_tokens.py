"""Personal API tokens (X-11): made by their owner with a fresh second-factor code, scoped to
what the person is, shown once and kept only as a hash, expiring, revocable, on the record."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import time

import pytest
from django.core.cache import cache
from django.urls import reverse

from lers.accounts.mfa import totp_code
from lers.accounts.models import ApiToken
from lers.accounts.tokens import OFFICER_SCOPES, STAFF_SCOPES, token_authenticate, token_create
from lers.agencies.models import Officer
from lers.audit.models import AuditEvent
from lers.core.errors import DomainError, NotPermitted
from tests.api.conftest import Api, token_for
from tests.conftest import PASSWORD, TOTP_SECRET, wrong_totp_code

pytestmark = [pytest.mark.django_db, pytest.mark.req("X-11", "X-01")]


def make(user, **kwargs):
    options = {
        "name": "case system",
        "scopes": list(OFFICER_SCOPES),
        "code": totp_code(TOTP_SECRET),
    }
    return token_create(user=user, **{**options, **kwargs})


def test_a_token_needs_a_current_second_factor_code_used_once(officer_a):
    with pytest.raises(NotPermitted, match="second-factor"):
        make(officer_a, code=wrong_totp_code())
    made = make(officer_a)
    with pytest.raises(NotPermitted, match="already used"):
        make(officer_a)  # the same code again: replayed
    assert ApiToken.objects.count() == 1
    token = made.token
    # Only a hash is kept; the secret itself appears nowhere in the database.
    assert token.secret_sha256 == hashlib.sha256(made.secret.encode()).hexdigest()
    assert made.secret not in str(list(ApiToken.objects.values()))
    event = AuditEvent.objects.get(action="api.token_created")
    assert event.actor_id == officer_a.pk and made.secret not in str(event.payload)


def test_a_code_from_the_step_just_ended_counts_an_older_one_does_not(officer_a):
    """RFC 6238 section 5.2: one step of delay is allowed, so a code typed at the end of its
    30 seconds is not refused for arriving in the next; two steps back is refused."""
    old = totp_code(TOTP_SECRET, time.time() - 65)
    if old in {totp_code(TOTP_SECRET, time.time() + s * 30) for s in (-1, 0, 1)}:
        pytest.skip("the old step's code happens to equal a current one")
    with pytest.raises(NotPermitted, match="wrong"):
        make(officer_a, code=old)
    assert make(officer_a, code=totp_code(TOTP_SECRET, time.time() - 30)).token.pk


def test_scopes_follow_what_the_person_is(officer_a, analyst, outsider):
    with pytest.raises(DomainError, match="choose scopes"):
        make(officer_a, scopes=["cases:decide"])
    staff = make(analyst, scopes=list(STAFF_SCOPES)).token
    assert staff.scopes == list(STAFF_SCOPES)
    cache.clear()
    with pytest.raises(NotPermitted):
        make(outsider, scopes=["cases:read"])


def test_a_token_lasts_at_most_the_configured_days(officer_a, settings, time_machine):
    settings.LERS_API_TOKEN_MAX_DAYS = 30
    with pytest.raises(DomainError, match="1 to 30 days"):
        make(officer_a, days=31)
    secret = token_for(officer_a, days=2)
    assert token_authenticate(secret) is not None
    time_machine.move_to(dt.datetime.now(dt.UTC) + dt.timedelta(days=2, seconds=1))
    assert token_authenticate(secret) is None


def test_a_suspended_officers_token_stops_working(officer_a, entities):
    api = Api(token_for(officer_a))
    assert api.get("/requests").status_code == 200
    Officer.objects.filter(user=officer_a).update(status=Officer.Status.SUSPENDED)
    assert api.get("/requests").status_code == 401


def test_the_tokens_page_makes_shows_once_and_revokes(client, officer_a):
    assert client.login(username=officer_a.username, password=PASSWORD)
    url = reverse("account-tokens")
    page = client.get(url)
    assert page.status_code == 200 and "Make a token" in page.content.decode()
    assert "no-store" in page["Cache-Control"] or "max-age=0" in page["Cache-Control"]
    wrong = client.post(
        url, {"name": "case system", "scopes": ["requests:read"], "days": 30, "code": "12"}
    )
    assert wrong.status_code == 403 and not ApiToken.objects.exists()
    assert "case system" in wrong.content.decode()  # what was typed stays
    made = client.post(
        url,
        {
            "name": "case system",
            "scopes": ["requests:read", "requests:write"],
            "days": 30,
            "code": totp_code(TOTP_SECRET),
        },
    )
    assert made.status_code == 200
    secret = re.search(r'id="new-token">(lers_[^<]+)<', made.content.decode()).group(1)
    assert Api(secret).get("/requests").status_code == 200
    again = client.get(url).content.decode()
    assert secret not in again  # shown once
    token = ApiToken.objects.get()
    assert f"lers_{token.key_id}_" in again
    revoked = client.post(reverse("account-token-revoke", args=[token.pk]))
    assert revoked.status_code == 302
    assert Api(secret).get("/requests").status_code == 401
    assert AuditEvent.objects.filter(action="api.token_revoked", actor_id=officer_a.pk).exists()


def test_nobody_revokes_another_persons_token(client, officer_a, officer_b):
    token = make(officer_a).token
    assert client.login(username=officer_b.username, password=PASSWORD)
    response = client.post(reverse("account-token-revoke", args=[token.pk]))
    assert response.status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


def test_wrong_codes_are_recorded_and_a_few_stop_token_making(officer_a):
    right = totp_code(TOTP_SECRET)
    wrong = wrong_totp_code()
    for _ in range(5):
        with pytest.raises(NotPermitted, match="wrong"):
            make(officer_a, code=wrong)
    with pytest.raises(NotPermitted, match="too many wrong codes"):
        make(officer_a, code=right)  # even the right code waits now
    assert not ApiToken.objects.exists()
    assert AuditEvent.objects.filter(action="api.token_code_refused").count() == 5

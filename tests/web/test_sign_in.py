"""Signing in: a second factor for every account, no hint whether an account exists, and a
limit on guessing (X-01, X-05)."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from lers.accounts.mfa import totp_code
from lers.accounts.models import User
from tests.conftest import PASSWORD, TOTP_SECRET
from tests.web.pages import secret_on_page

pytestmark = [pytest.mark.django_db, pytest.mark.req("X-01")]


def sign_in(client, username: str, password: str = PASSWORD):
    return client.post(reverse("account_login"), {"login": username, "password": password})


def test_a_password_alone_does_not_sign_in(client, analyst):
    response = sign_in(client, "analyst")
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_authenticate")
    assert client.get(reverse("home")).status_code == 302  # still anonymous
    done = client.post(reverse("mfa_authenticate"), {"code": totp_code(TOTP_SECRET)})
    assert done.status_code == 302
    assert client.get(reverse("home")).status_code == 200


def test_a_wrong_code_is_refused(client, analyst):
    sign_in(client, "analyst")
    wrong = f"{(int(totp_code(TOTP_SECRET)) + 1) % 10**6:06d}"
    response = client.post(reverse("mfa_authenticate"), {"code": wrong})
    assert response.status_code == 200
    assert client.get(reverse("home")).status_code == 302


@pytest.mark.req("X-05")
def test_the_answer_does_not_say_whether_the_account_exists(client, analyst):
    def answer(username: str) -> str:
        page = sign_in(client, username, "not the password at all").content.decode()
        page = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", page)
        return page.replace(username, "X")

    wrong_password = answer("analyst")
    assert "not correct" in wrong_password
    assert wrong_password == answer("nobody-here")


@pytest.mark.req("X-05")
def test_guessing_a_password_is_limited(client, analyst):
    for _ in range(5):
        sign_in(client, "analyst", "a wrong guess of the password")
    blocked = sign_in(client, "analyst")  # the right password, too late
    assert blocked.status_code in (200, 429)
    assert blocked.status_code == 429 or "Too many" in blocked.content.decode()
    assert client.get(reverse("home")).status_code == 302


@pytest.mark.req("X-05")
def test_behind_a_proxy_each_address_has_its_own_sign_in_limit(client, analyst, settings):
    """LERS_PROXIES: the client's address is read from X-Forwarded-For for the sign-in limits
    too, so one address guessing does not lock every officer behind the proxy out."""
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1

    def attempt(address: str, username: str, password: str):
        return client.post(
            reverse("account_login"),
            {"login": username, "password": password},
            headers={"X-Forwarded-For": address},
        )

    for n in range(10):
        attempt("198.51.100.7", f"nobody{n}", "a wrong guess")
    assert "Too many" in attempt("198.51.100.7", "analyst", PASSWORD).content.decode()
    signed = attempt("198.51.100.8", "analyst", PASSWORD)
    assert signed.status_code == 302 and signed["Location"] == reverse("mfa_authenticate")


@pytest.mark.req("X-05")
def test_without_a_proxy_a_forwarded_address_changes_nothing(client, analyst):
    for n in range(10):
        client.post(
            reverse("account_login"),
            {"login": f"nobody{n}", "password": "a wrong guess"},
            headers={"X-Forwarded-For": f"198.51.100.{n}"},
        )
    blocked = client.post(
        reverse("account_login"),
        {"login": "analyst", "password": PASSWORD},
        headers={"X-Forwarded-For": "203.0.113.99"},
    )
    assert blocked.status_code != 302 and "Too many" in blocked.content.decode()


def test_an_account_without_a_second_factor_must_set_one_up_first(client):
    User.objects.create_user(username="newstaff", password=PASSWORD, email="n@exchange.example")
    response = sign_in(client, "newstaff")
    assert response.status_code == 302
    page = client.get(reverse("home"))
    assert page.status_code == 302
    assert page["Location"].startswith(reverse("mfa_activate_totp"))
    secret = secret_on_page(client.get(reverse("mfa_activate_totp")))
    client.post(reverse("mfa_activate_totp"), {"code": totp_code(secret)})
    assert client.get(reverse("portal-cases")).status_code == 200


def test_sign_up_is_closed_officers_request_access(client):
    response = client.get(reverse("account_signup"))
    assert "closed" in response.content.decode().lower()


def test_changing_factors_later_asks_for_the_password_again(client, analyst):
    """Only the recovery codes right after the first factor's set-up skip re-authentication."""
    import datetime as dt

    from allauth.mfa.models import Authenticator
    from django.utils import timezone

    Authenticator.objects.filter(user=analyst).update(
        created_at=timezone.now() - dt.timedelta(days=30)
    )
    sign_in(client, "analyst")
    client.post(reverse("mfa_authenticate"), {"code": totp_code(TOTP_SECRET)})
    for name in ("mfa_generate_recovery_codes", "mfa_deactivate_totp"):
        response = client.get(reverse(name))
        assert response.status_code == 302, name
        assert response["Location"].startswith(reverse("account_reauthenticate")), name

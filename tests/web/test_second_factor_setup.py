"""Setting up the first second factor survives what a browser does besides the page: its own
favicon and asset requests, a second tab, a browser closed and opened again (X-01)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from lers.accounts.mfa import has_second_factor, totp_code
from lers.accounts.models import User
from lers.core.middleware import RequireSecondFactorMiddleware
from tests.conftest import PASSWORD
from tests.web.pages import secret_on_page

pytestmark = [pytest.mark.django_db, pytest.mark.req("X-01")]

NEXT = RequireSecondFactorMiddleware.NEXT_SESSION_KEY


@pytest.fixture
def newcomer() -> User:
    return User.objects.create_user(username="newcomer", password=PASSWORD, email="n@x.example")


def signed_in(user: User) -> Client:
    """A browser that signed in with the password (the account has no factor yet)."""
    browser = Client()
    answer = browser.post(reverse("account_login"), {"login": user.username, "password": PASSWORD})
    assert answer.status_code == 302
    return browser


def test_the_secret_shown_stays_the_same_across_loads_tabs_and_sessions(newcomer):
    first = signed_in(newcomer)
    secret = secret_on_page(first.get(reverse("mfa_activate_totp")))
    # The browser asks for its icon; the person opens a second tab.
    first.get("/favicon.ico", HTTP_ACCEPT="image/avif,image/webp,image/*,*/*;q=0.8")
    assert secret_on_page(first.get(reverse("mfa_activate_totp"))) == secret
    # The browser is closed and opened again: a new session, signed in again.
    reopened = signed_in(newcomer)
    assert secret_on_page(reopened.get(reverse("mfa_activate_totp"))) == secret
    # The phone scanned the first page's code: it is the one that activates the factor.
    answer = reopened.post(reverse("mfa_activate_totp"), {"code": totp_code(secret)})
    assert answer.status_code == 302
    assert has_second_factor(User.objects.get(pk=newcomer.pk))


def test_a_fresh_secret_after_the_factor_is_removed_and_set_up_again(newcomer):
    from allauth.mfa.models import Authenticator

    browser = signed_in(newcomer)
    secret = secret_on_page(browser.get(reverse("mfa_activate_totp")))
    browser.post(reverse("mfa_activate_totp"), {"code": totp_code(secret)})
    Authenticator.objects.filter(user=newcomer).delete()
    again = signed_in(newcomer)
    assert secret_on_page(again.get(reverse("mfa_activate_totp"))) != secret


def test_what_is_not_a_page_is_not_sent_to_set_up(newcomer):
    browser = signed_in(newcomer)
    browser.get(reverse("portal-cases"))  # the page the person wanted
    wanted = browser.session[NEXT]
    # The icon and robots.txt pass through (no route: 404), never the set-up page.
    assert browser.get("/favicon.ico").status_code == 404
    assert browser.get("/robots.txt").status_code == 404
    # A fetch that is not for a page is refused, not redirected to a page it cannot show.
    fetched = browser.get(reverse("portal-cases"), HTTP_ACCEPT="application/json")
    assert fetched.status_code == 403
    # Changing the language works before the factor exists.
    language = browser.post(reverse("set_language"), {"language": "zh-hans", "next": "/"})
    assert language.status_code == 302 and language["Location"] == "/"
    assert browser.session[NEXT] == wanted
    # A page is still sent to set-up, and signed-in pages stay closed until then.
    page = browser.get(reverse("portal-cases"))
    assert page.status_code == 302 and page["Location"] == reverse("mfa_activate_totp")

"""A case's live checklist reads the policy: contacts, documents, fields (JU-07, HX-05)."""

from __future__ import annotations

import pytest

from lers.agencies.models import Officer
from lers.cases import services
from lers.cases.lifecycle import State

pytestmark = pytest.mark.django_db


def _missing(case) -> set[str]:
    return {gap.requirement.id for gap in services.case_checklist(case)}


@pytest.mark.req("JU-07")
def test_ju_asks_for_the_work_mobile_too(settings, make_case, officer_a):
    settings.LERS_POLICY = "ju"
    case = make_case(State.DRAFT)
    assert "official-contacts" not in _missing(case)
    Officer.objects.filter(user=officer_a).update(mobile_phone="")
    case.created_by.refresh_from_db()
    assert "official-contacts" in _missing(case)


@pytest.mark.req("HX-05")
def test_hx97_asks_only_for_an_agency_email(settings, make_case, officer_a):
    settings.LERS_POLICY = "hx97"
    case = make_case(State.DRAFT)
    Officer.objects.filter(user=officer_a).update(mobile_phone="", office_phone="")
    case.created_by.refresh_from_db()
    assert "contacts-and-summary" not in _missing(case)


@pytest.mark.req("JU-07", "HX-03")
def test_an_email_outside_the_agency_domains_is_not_an_agency_email(settings, make_case, officer_a):
    settings.LERS_POLICY = "hx97"
    case = make_case(State.DRAFT)
    officer_a.email = "someone@gmail.com"
    officer_a.save(update_fields=["email"])
    case.created_by.refresh_from_db()
    assert "contacts-and-summary" in _missing(case)

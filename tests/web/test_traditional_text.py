"""Under 繁體中文 the profile's own wording shows in traditional characters (issue 16.8): the
request and document types and the checklist come from the profile's traditional text, not
the simplified one nor a conversion made on the fly."""

from __future__ import annotations

import pytest
from django.urls import reverse

from lers.cases.models import Case
from lers.policy import load
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def test_every_chinese_text_of_the_shipped_profiles_has_its_traditional_form():
    for name in ("ju", "hx97", "binance"):
        policy = load(name)
        labelled = [*policy.request_types.values(), *policy.document_types.values()]
        labelled += list(policy.decline_reasons.values())
        assert all(item.label_zh_hant for item in labelled), name
        assert all(rule.message_zh_hant for rule in policy.requirements), name


def test_a_zh_hant_reader_sees_the_profiles_traditional_text(client, settings, entities, officer_a):
    settings.LERS_POLICY = "ju"
    assert client.login(username=officer_a.username, password=PASSWORD)
    hant = {"HTTP_ACCEPT_LANGUAGE": "zh-hant"}
    form = client.get(reverse("portal-request-new"), **hant).content.decode()
    assert "調取證據" in form and "调取证据" not in form
    assert "資料保全" in form and "数据保全" not in form
    client.post(
        reverse("portal-request-new"),
        {"request_types": ["information"], "urgency": "standard", "title": "T"},
        **hant,
    )
    case = Case.objects.latest("pk")
    step = client.get(reverse("portal-request-step", args=[case.reference, "documents"]), **hant)
    page = step.content.decode()
    assert "立案決定書" in page and "立案决定书" not in page
    hans = client.get(
        reverse("portal-request-step", args=[case.reference, "documents"]),
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    ).content.decode()
    assert "立案决定书" in hans

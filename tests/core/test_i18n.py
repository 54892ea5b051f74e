"""The portal speaks English, Simplified and Traditional Chinese (HX-16, JU-17)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import polib
import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation

import lers

PACKAGE = Path(lers.__file__).resolve().parent
CATALOGUES = ["zh_Hans", "zh_Hant"]

pytestmark = pytest.mark.req("HX-16")


@pytest.mark.parametrize("language", CATALOGUES)
def test_every_string_is_translated(language):
    po = polib.pofile(str(PACKAGE / "locale" / language / "LC_MESSAGES" / "django.po"))
    assert [e.msgid for e in po.untranslated_entries()] == []
    assert [e.msgid for e in po.fuzzy_entries()] == []
    mo = PACKAGE / "locale" / language / "LC_MESSAGES" / "django.mo"
    assert mo.stat().st_size > 0  # compiled, so no gettext is needed to run lers


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="gettext is not installed")
def test_the_catalogues_hold_every_string_of_the_code(tmp_path, settings):
    """Re-extract the strings from a copy of the package: nothing may be missing."""
    copy = tmp_path / "lers"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__", "*.mo"))
    settings.LOCALE_PATHS = [copy / "locale"]
    here = Path.cwd()
    os.chdir(copy)
    try:
        call_command(
            "makemessages",
            locale=CATALOGUES,
            ignore_patterns=["identifiers/*", "policy/*"],
            no_obsolete=True,
            verbosity=0,
        )
    finally:
        os.chdir(here)
    for language in CATALOGUES:
        fresh = polib.pofile(str(copy / "locale" / language / "LC_MESSAGES" / "django.po"))
        untranslated = [e.msgid for e in fresh if not e.translated()]
        assert untranslated == [], f"{language}: run makemessages and translate {untranslated}"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "expected"), [("zh-hans", "申请访问"), ("zh-hant", "申請訪問")]
)
def test_pages_render_in_the_chosen_language(client, language, expected):
    response = client.get(reverse("portal-access"), HTTP_ACCEPT_LANGUAGE=language)
    assert expected in response.content.decode()


def test_state_explanations_are_translated():
    from lers.cases.lifecycle import EXPLANATIONS, State

    with translation.override("zh-hans"):
        assert str(EXPLANATIONS[State.AWAITING_INFORMATION]).startswith("合规团队")
    with translation.override("zh-hant"):
        assert str(EXPLANATIONS[State.AWAITING_INFORMATION]).startswith("合規團隊")


@pytest.mark.django_db
def test_the_language_switcher_sets_the_language(client):
    client.post(reverse("set_language"), {"language": "zh-hant", "next": "/portal/access/"})
    assert "申請訪問" in client.get(reverse("portal-access")).content.decode()

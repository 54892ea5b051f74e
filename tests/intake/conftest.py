"""The agencies every intake test writes from: the Metropolitan Police (a registered officer)
and the Shanghai police (no officer)."""

from __future__ import annotations

import pytest

from lers.agencies.models import Agency
from tests.conftest import make_officer


@pytest.fixture(autouse=True)
def agencies(db, settings):
    settings.LERS_POLICY = "ju"  # the profile whose guideline defines the mailbox (JU-03)
    met = Agency.objects.create(
        name="Metropolitan Police Service",
        country="GB",
        email_domains=["met.police.uk"],
        switchboard_phone="+442072301212",
    )
    shanghai = Agency.objects.create(
        name="上海市公安局", country="CN", email_domains=["gaj.sh.gov.cn"]
    )
    return {"met": met, "shanghai": shanghai, "li": make_officer("detective.li", met)}

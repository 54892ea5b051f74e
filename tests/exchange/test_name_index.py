"""lers's index of the exchange's KYC names (issue 17.1): built and refreshed from the
exchange, searched by trigram (FTS5 on SQLite, pg_trgm on PostgreSQL: whichever database the
suite runs on), finding names across scripts, orders, spellings and initials; what it finds
is judged on the exchange's live names."""

from __future__ import annotations

import datetime as dt
import io

import pytest
import sqlalchemy as sa
from django.core.management import call_command

from lers.audit.models import AuditEvent
from lers.cases import services
from lers.cases.lifecycle import State
from lers.demo import exchange as demo
from lers.exchange.active import active_digest, active_name_finder, active_source
from lers.exchange.models import IndexedName, NameHolder, NameIndexRun
from lers.exchange.name_index import NameIndex, names_refresh
from lers.exchange.names import latin_score, name_form, name_keys, name_score
from lers.exchange.resolution import Query, resolve
from lers.jobs.periodic import PERIODIC
from lers.jobs.registry import ensure_discovered, get_handler

pytestmark = [pytest.mark.django_db, pytest.mark.req("X-10", "JU-08", "HX-09")]


def _refresh():
    return names_refresh(active_source(), digest=active_digest())


def _found(name: str, *, names=None) -> list[str]:
    query = Query("name", name)
    finder = NameIndex() if names is None else names
    return [m.uid for m in resolve(active_source(), [query], names=finder).matches[query]]


def _exchange(url: str) -> sa.Engine:
    return sa.create_engine(url)


def test_the_index_keeps_each_name_once_with_its_accounts(small_exchange):
    run = _refresh()
    assert (run.accounts, run.added, run.changed, run.removed) == (4, 4, 0, 0)
    assert run.finished_at is not None and run.names == IndexedName.objects.count()
    # Wang Wei and 王伟 are one key; every account is under its keys
    assert set(NameHolder.objects.filter(uid="10000002").values_list("name__key", flat=True)) == {
        "wang wei"
    }
    assert set(NameHolder.objects.values_list("uid", flat=True)) == {
        "10000001",
        "10000002",
        "10000003",
        "10000004",
    }
    assert active_name_finder() is not None


@pytest.mark.parametrize(
    ("name", "uid"),
    [
        ("王伟", "10000002"),  # characters find the pinyin name
        ("王偉", "10000002"),  # in Traditional too
        ("Wang Wei", "10000002"),
        ("WEI Wang", "10000002"),  # reordered
        ("Chloe Muller", "10000001"),  # without diacritics
        ("Müller, Chloé", "10000001"),
        ("MULLER CHLOE", "10000001"),
        ("C. Müller", "10000001"),  # an initial
        ("Li Fnag", "10000003"),  # a typo
        ("李芳", "10000003"),
        ("Dmitri Okafr", "10000004"),
        ("Okafor Dmitri", "10000004"),
    ],
)
def test_the_index_finds_names_across_scripts_orders_spellings_and_initials(
    small_exchange, name, uid
):
    _refresh()
    found = _found(name)
    assert found and found[0] == uid


def test_the_index_finds_what_the_scan_finds(small_exchange):
    _refresh()
    for name in ("王伟", "Wang Wei", "Chloe Muller", "Li Fnag", "Zebedee Quartermaine"):
        scanned = resolve(active_source(), [Query("name", name)]).matches
        indexed = resolve(active_source(), [Query("name", name)], names=NameIndex()).matches
        assert [m.uid for m in indexed[Query("name", name)]] == [
            m.uid for m in scanned[Query("name", name)]
        ]
    assert _found("Zebedee Quartermaine") == []


def test_a_refresh_adds_renames_and_removes_what_the_exchange_did(small_exchange):
    _refresh()
    engine = _exchange(small_exchange)
    with engine.begin() as conn:
        conn.execute(
            demo.kyc.update()
            .where(demo.kyc.c.uid == "10000003")
            .values(full_name="Li Na", full_name_local="李娜")
        )
        conn.execute(demo.kyc.delete().where(demo.kyc.c.uid == "10000004"))
        conn.execute(
            demo.users.insert().values(
                uid="10000005",
                email="z@example.org",
                phone="+447700900005",
                name="Zoë Ortega",
                name_local=None,
                country="ES",
                status="active",
                created_at=dt.datetime(2026, 3, 1, tzinfo=dt.UTC),
            )
        )
        conn.execute(
            demo.kyc.insert().values(
                uid="10000005",
                full_name="Zoë Ortega",
                full_name_local=None,
                date_of_birth=dt.date(1991, 2, 3),
                nationality="ES",
                document_type="passport",
                document_number="P5",
                verified_at=dt.datetime(2026, 3, 1, tzinfo=dt.UTC),
            )
        )
    engine.dispose()
    run = _refresh()
    assert (run.accounts, run.added, run.changed, run.removed) == (4, 1, 1, 1)
    assert _found("Zoe Ortega") == ["10000005"]
    assert _found("李娜") == ["10000003"]
    assert _found("Li Fang") == []
    assert _found("Dmitri Okafor") == []
    assert not IndexedName.objects.filter(key="dmitri okafor").exists()  # no name left empty


def test_a_name_changed_since_the_refresh_is_judged_as_it_is_now(small_exchange):
    _refresh()
    engine = _exchange(small_exchange)
    with engine.begin() as conn:
        conn.execute(
            demo.kyc.update().where(demo.kyc.c.uid == "10000004").values(full_name="Ivan Petrov")
        )
    engine.dispose()
    assert _found("Dmitri Okafor") == []  # the index still says so; the exchange no longer


def test_an_index_of_another_exchange_is_not_used_and_is_replaced(
    small_exchange, settings, tmp_path
):
    _refresh()
    other = tmp_path / "other-exchange.sqlite3"
    other.write_bytes((tmp_path / "exchange.sqlite3").read_bytes())
    settings.LERS_EXCHANGE_DATABASE_URL = f"sqlite:///{other}"
    assert active_name_finder() is None  # names are scanned until this exchange is indexed
    run = _refresh()
    assert run.added == 4 and active_name_finder() is not None
    assert NameHolder.objects.filter(uid="10000002").count() == 1


def test_triage_searches_names_by_the_index_once_it_is_built(
    small_exchange, make_case, officer_a, analyst
):
    def triage(name: str) -> dict:
        case = make_case(State.DRAFT)
        case.targets.all().delete()
        services.target_add(case=case, by=officer_a, kind="name", value=name)
        services.case_submit(case=case, by=officer_a, accept_incomplete=True)
        case = services.case_start_triage(case=case, by=analyst)
        services.case_resolve_targets(case=case, by=analyst)
        return AuditEvent.objects.filter(action="exchange.lookup").latest("id").payload

    assert triage("Wang Wei")["names_by"] == "scan"
    _refresh()
    payload = triage("WEI Wang")
    assert payload["names_by"] == "index" and payload["candidates"] == ["10000002"]


def test_the_command_builds_with_progress_reports_and_searches(small_exchange):
    out, err = io.StringIO(), io.StringIO()
    call_command("names", "status", stdout=out)
    assert "No name index of this exchange" in out.getvalue()
    call_command("names", "index", stdout=out, stderr=err)
    assert "4 of 4 accounts (100%)" in err.getvalue()
    assert "Name index: 4 accounts under" in out.getvalue()
    out = io.StringIO()
    call_command("names", "status", stdout=out)
    assert "4 accounts under" in out.getvalue()
    out = io.StringIO()
    call_command("names", "search", "王伟", stdout=out)
    assert "Searched by the index." in out.getvalue() and "10000002" in out.getvalue()
    assert NameIndexRun.objects.count() == 1


def test_the_worker_refreshes_the_index_on_a_schedule(small_exchange):
    ensure_discovered()
    assert "names.refresh" in PERIODIC
    get_handler("names.refresh").fn({})
    assert active_name_finder() is not None


def test_chinese_names_read_as_family_name_and_given_name():
    assert name_form("王晓明").words == ("wang", "xiaoming")
    assert name_form("欧阳娜娜").words == ("ouyang", "nana")
    assert name_keys("Wang Xiaoming", "王晓明") == {"wang xiaoming"}
    assert name_keys("Cheung Wai", "張偉") == {"cheung wai", "wei zhang"}


@pytest.mark.parametrize(
    ("query", "candidate", "at_least"),
    [
        ("Xiao Ming Wang", "Wang Xiaoming", 95),  # syllables, reordered
        ("J. Smith", "James Smith", 85),  # an initial, worth less than the word
        ("James Robert Smith", "James Smith", 85),  # a middle name left out
        ("Jmaes Smith", "James Smith", 80),  # letters swapped
    ],
)
def test_latin_names_score_what_letters_do(query, candidate, at_least):
    assert latin_score(name_form(query).words, name_form(candidate).words) >= at_least


def test_an_initial_alone_never_scores_as_sure_as_the_name():
    assert name_score(name_form("J Smith"), "James Smith") < 100
    assert name_score(name_form("Smith"), "James Smith") < 80  # a family name alone is weak

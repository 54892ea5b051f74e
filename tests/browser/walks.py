"""Issue 16's three walks, under any shipped profile and in any language the portal offers.

(a) A new officer asks for access, proves the mailbox, closes the browser in the middle of
setting up the second factor, signs in again in a new one, sets it up, attaches the proof of
authority, and is approved (by a person, or by lers itself where the profile asks no approval).
(b) The officer writes a request through every step of the form and submits it.
(c) Staff take that case from the queue: triage (routing where the profile has several
entities), the accounts behind the targets, the document checks, the call-back, verification;
a review that narrows the scope; a freeze that a second person approves; a production that is
released, and that the officer downloads and opens with the emailed passphrase.

The browser starts bare: nothing is made behind the page's back but the deployment (staff
with their authenticator secrets, the agency directory, the exchange's records). The only
things read out of band are what a person reads elsewhere: the emailed mailbox code and
passphrase, and the TOTP codes. Buttons and links are found by their role and their label in
the walk's language (Django's gettext under ``translation.override``), fields by their names,
forms by the URL they post to: the same steps in English and in Chinese.

Every page the walk passes is pictured (the ``screenshot`` fixture) and checked: axe-core's
serious and critical violations, and, in Chinese, every visible string that is not translated.
What the checks find is gathered page by page and reported once, at the end of the walk.
"""

from __future__ import annotations

import hashlib
import io
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db.models import Choices
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from lers.accounts.mfa import totp_code
from lers.actions.models import Freeze
from lers.agencies.models import AccessRequest, Agency
from lers.cases.lifecycle import State
from lers.cases.models import ApprovedScope, CallBack, Case, SubjectMatch
from lers.core.policy import active_policy
from lers.demo.services import DEMO_PDF
from lers.productions.models import Production
from lers.productions.package import read_archive
from tests.browser.access_flow import Applicant, deliver_mail, last_mail_to
from tests.browser.conftest import DEFAULT_TIMEOUT_MS, VIEWPORT
from tests.browser.flows import TOTP_MARGIN_SECONDS, TOTP_PERIOD, expect
from tests.browser.page_checks import axe_violations, untranslated_on
from tests.conftest import PASSWORD, TOTP_SECRET
from tests.exchange.small import ETH, TRON

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Locator, Page

    from lers.accounts.models import User

# Only the magic number is sniffed (lers.core.uploads).
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


@dataclass(frozen=True)
class Document:
    """A file the officer attaches to the request: its type code, name, and whose ID it is."""

    doc_type: str
    name: str
    officer: str = ""


@dataclass(frozen=True)
class Deployment:
    """One profile's walk: the language it runs in and the people and agency it meets."""

    profile: str
    locale: str  # what the browser asks for
    language: str  # what Django answers in: en, zh-hans, zh-hant
    catalogue: str  # the catalogue the page's strings are checked against ("" in English)
    applicant: Applicant
    agency_name: str
    agency_domains: tuple[str, ...]  # what the directory lists (none: staff confirm it)
    switchboard: str
    case_number: str
    legal_basis: str
    documents: tuple[Document, ...]

    @property
    def id(self) -> str:
        return f"{self.profile}-{self.locale}"


CN_OFFICER = Applicant(
    email="wang.fang@gaj.sh.gov.cn",
    full_name="王芳",
    title="侦查员",
    badge_number="SH031234",
    agency_name="上海市公安局",
    country="CN",
    office_phone="021 2402 3456",
    mobile_phone="139 1234 5678",
    supervisor_name="李强",
    supervisor_email="li.qiang@gaj.sh.gov.cn",
)
HK_OFFICER = Applicant(
    email="chan.taiman@police.gov.hk",
    full_name="陳大文",
    title="督察",
    badge_number="HKP56789",
    agency_name="香港警務處",
    country="HK",
    office_phone="2860 2000",
    mobile_phone="9123 4567",
    supervisor_name="黃志明",
    supervisor_email="wong.chiming@police.gov.hk",
)

# Each walk once per profile and, across the three, once in each language: ju, Hong Kong's
# two entities, in Traditional Chinese; 97, which works in Chinese first, in Simplified; Binance
# in English.
DEPLOYMENTS = [
    Deployment(
        profile="ju",
        locale="zh-HK",
        language="zh-hant",
        catalogue="zh_Hant",
        applicant=HK_OFFICER,
        agency_name="香港警務處",
        # The directory lists no domains for it: a person confirms the address (JU-03).
        agency_domains=(),
        switchboard="+85228602000",
        case_number="HKPF-2026-0417",
        legal_basis="《有組織及嚴重罪行條例》第 2 條；《刑事訴訟程序條例》",
        documents=(
            Document("case_filing_decision", "立案決定書.pdf"),
            Document("official_letter", "協助調取證據通知書.pdf"),
            Document("officer_id", "officer-id-chan.pdf", "陳大文"),
            Document("officer_id", "officer-id-lee.pdf", "李小龍"),
        ),
    ),
    Deployment(
        profile="hx97",
        locale="zh-CN",
        language="zh-hans",
        catalogue="zh_Hans",
        applicant=CN_OFFICER,
        agency_name="上海市公安局",
        agency_domains=("gaj.sh.gov.cn",),
        switchboard="+862124023456",
        case_number="SH-2026-0142",
        legal_basis="Criminal Procedure Law of the PRC, art. 54 and 144",
        documents=(
            Document("court_order", "court-order.pdf"),
            Document("badge_photo", "badge.png"),
            Document("agency_authority", "agency-authority.pdf"),
        ),
    ),
    Deployment(
        profile="binance",
        locale="en-GB",
        language="en",
        catalogue="",
        applicant=Applicant(),
        agency_name="Metropolitan Police Service",
        agency_domains=("met.police.uk",),
        switchboard="+442072301212",
        case_number="CF-2026-0142",
        legal_basis="Fraud Act 2006 s.2; PACE 1984 s.8",
        documents=(Document("court_order", "court-order.pdf"),),
    ),
]


def directory_agency(deployment: Deployment) -> Agency:
    """The deployment's agency directory: the agency the officer works for."""
    return Agency.objects.create(
        name=deployment.agency_name,
        country=deployment.applicant.country,
        email_domains=list(deployment.agency_domains),
        switchboard_phone=deployment.switchboard,
    )


@dataclass
class Officer:
    """What the new officer knows: the address, the passphrase, the authenticator's secret."""

    email: str
    password: str
    secret: str = ""


@dataclass
class Walk:
    """A walk in one language: the tab, its pictures and what the checks found."""

    page: Page
    snap: Callable[..., Any]
    deployment: Deployment
    found: dict[str, list[str]] = field(default_factory=dict)
    seen: list[str] = field(default_factory=list)
    typed: set[str] = field(default_factory=set)
    _last_step: dict[str, int] = field(default_factory=dict)

    def elsewhere(self, tab: Page) -> Walk:
        """The same walk in another browser (another person's): what it finds is reported
        with the rest."""
        return replace(self, page=tab)

    def fill(self, field: Locator, text: str) -> None:
        """Type ``text`` into ``field``; it is data wherever a page shows it again."""
        self.typed.add(text)
        field.fill(text)

    def t(self, text: str) -> str:
        """``text`` as the page shows it in the walk's language."""
        with translation.override(self.deployment.language):
            return gettext(text)

    def button(self, text: str, within: Page | Locator | None = None, **kwargs: Any) -> Locator:
        return (within or self.page).get_by_role("button", name=self.t(text), **kwargs)

    def link(self, text: str, within: Page | Locator | None = None, **kwargs: Any) -> Locator:
        return (within or self.page).get_by_role("link", name=self.t(text), **kwargs)

    def posting_to(self, name: str, *args: Any) -> Locator:
        """The form that posts to one URL (several on a page share field and button names)."""
        return self.page.locator(f'form[action="{reverse(name, args=args)}"]')

    def check(self, label: str, tab: Page | None = None) -> None:
        """Picture the page, and check it: its language, axe-core, and (in Chinese) that
        every visible string is translated."""
        tab = tab or self.page
        tab.wait_for_load_state("load")
        self.seen.append(label)
        self.snap(label, of=tab)
        lang = (tab.locator("html").get_attribute("lang") or "").lower()
        problems = []
        if lang != self.deployment.language:
            problems.append(f"the page is in {lang!r}, not {self.deployment.language}")
        problems += axe_violations(tab)
        if self.deployment.catalogue:
            problems += [
                f"untranslated: {text!r}"
                for text in untranslated_on(tab, self.catalogue, self.typed)
            ]
        if problems:
            self.found.setdefault(f"{label} ({tab.url})", []).extend(problems)

    @property
    def catalogue(self) -> str:
        return self.deployment.catalogue

    def report(self) -> str:
        return "\n".join(
            f"  {label}:\n" + "\n".join(f"    {line}" for line in lines)
            for label, lines in self.found.items()
        )

    # -- signing in and out, as a person does, in the walk's language ----------------------

    def totp(self, who: str, secret: str) -> str:
        """The current code of ``secret``, not one this person signed in with already (a code
        is accepted once). No wait for a step with time left where lers accepts one step of
        delay (MFA_TOTP_TOLERANCE, 1 by default)."""
        left = TOTP_PERIOD - time.time() % TOTP_PERIOD
        if not settings.MFA_TOTP_TOLERANCE and left < TOTP_MARGIN_SECONDS:
            time.sleep(left + 0.2)
        step = int(time.time() // TOTP_PERIOD)
        if self._last_step.get(who) == step:
            time.sleep(TOTP_PERIOD - time.time() % TOTP_PERIOD + 0.2)
            step = int(time.time() // TOTP_PERIOD)
        self._last_step[who] = step
        return totp_code(secret)

    def submit_password(self, login: str, password: str, tab: Page | None = None) -> None:
        tab = tab or self.page
        tab.goto(reverse("account_login"))
        tab.locator('input[name="login"]').fill(login)
        tab.locator('input[name="password"]').fill(password)
        self.button("Sign in", tab.locator("main")).click()
        expect(tab).not_to_have_url(_url("account_login"))

    def sign_in(self, login: str, password: str, secret: str, label: str = "") -> None:
        """Password, then the authenticator's code on allauth's second-factor page."""
        self.submit_password(login, password)
        expect(self.page).to_have_url(_url("mfa_authenticate"))
        if label:
            self.check(f"{label}: second factor")
        self.page.locator('input[name="code"]').fill(self.totp(login, secret))
        self.button("Sign In", self.page.locator("main"), exact=True).first.click()
        expect(self.page).not_to_have_url(_url("mfa_authenticate"))

    def sign_in_staff(self, user: User) -> None:
        self.sign_in(user.username, PASSWORD, TOTP_SECRET)

    def sign_out(self) -> None:
        self.button("Sign out").click()
        expect(self.button("Sign in", self.page.locator("main"))).to_be_visible()


def _url(name: str, *args: Any) -> re.Pattern[str]:
    """The page ``name``, whatever its query string."""
    return re.compile(re.escape(reverse(name, args=args)) + r"(\?.*)?(#.*)?$")


def _file(tmp_path: Path, name: str) -> Path:
    path = tmp_path / name
    path.write_bytes(PNG if name.endswith(".png") else DEMO_PDF)
    return path


# -- (a) access ------------------------------------------------------------------------------


def access_walk(
    walk: Walk, staff_walk: Walk, browser: Browser, base_url: str, staff: User, tmp_path: Path
) -> Officer:
    """From the access request to an approved account, the browser closed and reopened while
    the second factor is being set up; ``staff`` approves in ``staff_walk``'s browser where a
    person decides. Leaves the officer signed in, on the case list."""
    deployment, page = walk.deployment, walk.page
    who = deployment.applicant
    officer = Officer(email=who.email, password=who.password)

    first = browser.new_context(viewport=VIEWPORT, base_url=base_url, locale=deployment.locale)
    first.set_default_timeout(DEFAULT_TIMEOUT_MS)
    try:
        tab = first.new_page()
        tab.goto(reverse("portal-access"))
        expect(tab.get_by_role("heading", level=1)).to_have_text(walk.t("Request access"))
        walk.check("access: the request", tab)
        for name in (
            "email",
            "password",
            "full_name",
            "title",
            "badge_number",
            "agency_name",
            "country",
            "office_phone",
            "mobile_phone",
            "supervisor_name",
            "supervisor_email",
        ):
            tab.locator(f'form input[name="{name}"]').fill(getattr(who, name))
        terms = tab.locator('input[name="terms_acknowledged"]')
        if terms.count():  # the profile asks the officer to acknowledge its terms (HX-15)
            terms.check()
        walk.button("Send me a code", tab.locator("main")).click()
        expect(tab).to_have_url(_url("portal-access-confirm"))
        expect(tab.get_by_role("status")).to_contain_text(who.email)
        walk.check("access: the code sent", tab)

        message = last_mail_to(who.email)
        code = re.search(r"\b(\d{6})\b", message.body)
        assert code, f"no 6-digit code in {message.subject!r}: {message.body!r}"
        tab.locator('input[name="code"]').fill(code.group(1))
        walk.button("Confirm", tab.locator("main"), exact=True).click()
        expect(tab).to_have_url(_url("mfa_activate_totp"))
        expect(tab.get_by_role("status")).to_contain_text(who.email)
        walk.check("access: the second factor, first browser", tab)
        officer.secret = tab.locator("#authenticator_secret").input_value()
        assert re.fullmatch(r"[A-Z2-7]+=*", officer.secret), officer.secret
    finally:
        first.close()  # the officer goes to fetch a phone; the browser is closed

    # A new browser: signing in with the password leads back to the same set-up page.
    walk.submit_password(who.email, who.password)
    expect(page).to_have_url(_url("mfa_activate_totp"))
    step = page.locator('nav.onboarding [aria-current="step"]')
    expect(step).to_have_attribute("data-step", "factor")
    assert page.locator("#authenticator_secret").input_value() == officer.secret
    walk.check("access: the second factor, after the browser was reopened")
    page.locator('input[name="code"]').fill(walk.totp(who.email, officer.secret))
    walk.button("Activate", page.locator("main")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(walk.t("Recovery Codes"))
    walk.check("access: the recovery codes")
    walk.link("I have saved them: continue").click()

    expect(page).to_have_url(_url("portal-access-status"))
    expect(step).to_have_attribute("data-step", "proof")
    walk.check("access: the status, nothing attached")
    kind = active_policy().officer_verification.proof_of_authority_any_of[0]
    proof = _file(tmp_path, "badge.png")
    page.locator('select[name="doc_type"]').select_option(kind)
    page.locator('input[name="file"]').set_input_files(proof)
    walk.button("Attach", page.locator("main")).click()
    expect(page).to_have_url(_url("portal-access-status"))
    expect(page.get_by_role("listitem").filter(has_text=proof.name)).to_be_visible()
    walk.check("access: the proof attached")

    status = page.locator("main .state").first
    if status.inner_text() != _state_label(walk, AccessRequest.Status.APPROVED):
        # A person decides (Binance, BN-02; ju, whose directory does not vouch for the
        # address), in the exchange's office: another browser.
        expect(status).to_have_text(_state_label(walk, AccessRequest.Status.SUBMITTED))
        approve_access(staff_walk, staff, who.email)
        staff_walk.sign_out()
    access_request = AccessRequest.objects.get(user__email=who.email)
    assert access_request.status == AccessRequest.Status.APPROVED, access_request.status
    assert access_request.agency is not None
    assert access_request.agency.name == deployment.agency_name
    approved = last_mail_to(who.email)
    assert deployment.agency_name in approved.body

    # Approved, the officer goes on from the status page (its steps are all done).
    page.reload()
    expect(page.locator("nav.onboarding")).to_have_count(0)
    walk.link("Requests").click()
    expect(page).to_have_url(_url("portal-cases"))
    expect(page.get_by_role("heading", level=1)).to_have_text(walk.t("Your agency's requests"))
    walk.check("portal: the case list, signed in")
    return officer


def approve_access(walk: Walk, staff: User, email: str) -> None:
    """``staff`` approves ``email``'s request into the directory's agency, from the queue."""
    page = walk.page
    walk.sign_in_staff(staff)
    walk.link("Access requests").click()
    expect(page).to_have_url(_url("workbench-access"))
    row = page.get_by_role("row").filter(has_text=email)
    expect(row).to_have_count(1)
    walk.check("workbench: the access queue")
    row.get_by_role("link").first.click()
    expect(page.get_by_text(email).first).to_be_visible()
    walk.check("workbench: the access request")
    decision = page.locator('main form:has(input[name="decision"][value="approve"])')
    decision.locator('select[name="agency"]').select_option(label=walk.deployment.agency_name)
    decision.locator('select[name="kind"]').select_option(Agency.Kind.POLICE)
    if page.locator("#served-holds").count() or not walk.deployment.agency_domains:
        walk.fill(
            decision.locator('input[name="hold_note"]'),
            "Called the agency's switchboard: the address is the officer's.",
        )
    decision.get_by_role("button").click()
    expect(page).to_have_url(_url("workbench-access"))
    expect(page.get_by_role("status")).to_have_text(walk.t("Approved; the officer has been told."))
    expect(page.get_by_role("row").filter(has_text=email)).to_have_count(0)
    walk.check("workbench: the access request approved")


# -- (b) the request -------------------------------------------------------------------------


def request_walk(walk: Walk, tmp_path: Path) -> Case:
    """The officer, signed in on the case list, writes a request step by step and submits it."""
    deployment, page = walk.deployment, walk.page
    policy = active_policy()
    walk.link("New request").click()
    walk.check("portal: a new request")
    freeze_type = next(code for code, t in policy.request_types.items() if t.effect == "freeze")
    for code in ("information", freeze_type):
        page.locator(f'input[name="request_types"][value="{code}"]').check()
    page.locator('input[name="urgency"][value="standard"]').check()
    page.locator('input[name="title"]').fill("Investment fraud, stolen USDT")
    page.locator('input[name="agency_case_number"]').fill(deployment.case_number)
    walk.button("Save and continue").click()
    expect(page).to_have_url(re.compile(r"/edit/legal/$"))
    # The draft's reference, as the page's address shows it.
    found = re.search(r"/cases/([^/]+)/edit/", page.url)
    assert found, page.url
    case = Case.objects.get(reference=found.group(1))
    assert case.agency_case_number == deployment.case_number
    checklist = page.locator("#checklist")
    expect(checklist.locator("li.required").first).to_be_visible()
    walk.check("portal: the request form, legal basis")

    instrument = page.locator('select[name="legal_instrument"]')
    accepted = policy.legal.instruments_accepted
    instrument.select_option(
        next(d.doc_type for d in deployment.documents if d.doc_type in accepted)
    )
    page.locator('textarea[name="legal_basis"]').fill(deployment.legal_basis)
    page.locator('textarea[name="legal_clauses"]').fill("Art. 54, art. 144")
    matter = page.locator('input[name="matter_type"][value="criminal"]')
    if matter.count():  # a profile that serves criminal matters only asks (HX-01, BN-01)
        matter.check()
    walk.button("Save and continue").click()
    expect(page).to_have_url(re.compile(r"/edit/facts/$"))
    walk.check("portal: the request form, facts")

    page.locator('textarea[name="summary"]').fill(
        "2026-03-01 victims paid a fake investment platform; 2026-03-02 the funds reached the "
        "exchange."
    )
    page.locator('textarea[name="findings"]').fill("Two suspects; victims met them online.")
    page.locator('input[name="amount_tokens"]').fill("12,500 USDT")
    page.locator('input[name="amount_usd"]').fill("12500")
    page.locator('textarea[name="amount_breakdown"]').fill("Victim A 8,000; victim B 4,500.")
    page.locator('input[name="timeframe_start"]').fill("2026-01-01T00:00")
    page.locator('input[name="timeframe_end"]').fill("2026-10-31T23:59")
    walk.button("Save and continue").click()
    expect(page).to_have_url(re.compile(r"/edit/scope/$"))
    walk.check("portal: the request form, scope")

    for box in page.locator('input[name="data_categories"]').all():
        box.check()
    page.locator('input[name="duration_days"]').fill("30")
    page.locator('input[name="freeze_assets"]').fill("USDT, ETH")
    page.locator('input[name="freeze_amount"]').fill("the whole balance")
    callback = page.locator('input[name="callback_slots"]')
    callback.fill("Mon-Fri 09:00-18:00 (UTC+8)")
    consent = page.locator('input[name="consent_to_disclose"]')
    if consent.count():
        consent.check()
    walk.button("Save and continue").click()
    expect(page).to_have_url(re.compile(r"/edit/targets/$"))
    walk.check("portal: the request form, targets")

    page.locator('textarea[name="text"]').fill(
        f"Victims paid USDT (TRC20) to {TRON}; the suspect's ETH wallet is {ETH}."
    )
    walk.button("Find identifiers", exact=True).click()
    expect(
        page.get_by_role("heading", name=walk.t("Confirm the identifiers found"))
    ).to_be_visible()
    expect(page.get_by_text(TRON)).to_be_visible()
    walk.check("portal: the identifier candidates")
    walk.button("Add the ticked identifiers").click()
    expect(page.get_by_role("row").filter(has_text=TRON)).to_be_visible()
    assert case.targets.count() == 2
    walk.check("portal: the request form, targets added")

    walk.link("Continue to documents").click()
    expect(page).to_have_url(re.compile(r"/edit/documents/$"))
    walk.check("portal: the request form, documents")
    for document in deployment.documents:
        page.locator('select[name="doc_type"]').select_option(document.doc_type)
        page.locator('input[name="file"]').set_input_files(_file(tmp_path, document.name))
        if document.officer:
            page.locator('input[name="officer_name"]').fill(document.officer)
        walk.button("Attach", page.locator("main")).click()
        expect(page.get_by_role("link", name=document.name)).to_be_visible()
    walk.check("portal: the request form, documents attached")

    walk.link("Continue to review").click()
    expect(page).to_have_url(re.compile(r"/edit/review/$"))
    # Everything the profile requires is there: nothing blocks, nothing to send incomplete.
    expect(checklist.locator("li.required")).to_have_count(0)
    expect(page.locator('input[name="confirm_incomplete"]')).to_have_count(0)
    terms = page.locator('input[name="terms_acknowledged"]')
    if terms.count():
        terms.check()
    walk.check("portal: the request form, review")
    walk.button("Submit the request").click()
    expect(page).to_have_url(_url("portal-case", case.reference))
    submitted = _state_label(walk, State.SUBMITTED)
    expect(page.locator(".card .state").first).to_have_text(submitted)
    walk.check("portal: the case submitted")
    case.refresh_from_db()
    assert case.state == State.SUBMITTED and not case.incomplete

    walk.link("Requests").click()
    expect(page.get_by_role("row").filter(has_text=case.reference)).to_contain_text(submitted)
    walk.check("portal: the case list with the request")
    walk.sign_out()
    return case


def _state_label(walk: Walk, choice: Choices) -> str:
    """A state's (any choice's) label, as the page shows it in the walk's language."""
    with translation.override(walk.deployment.language):
        return str(choice.label)


# -- (c) the workbench -----------------------------------------------------------------------


def _step(walk: Walk, case: Case, name: str, text: str = "") -> None:
    """A step of "Next step": the primary one is on show, the others under "Other steps"."""
    target = walk.posting_to("workbench-transition", case.reference, name)
    if not target.is_visible():
        walk.page.locator("#next-steps summary").click()
    if text:
        walk.fill(target.get_by_role("textbox"), text)
    target.get_by_role("button").click()


def staff_walk(
    walk: Walk,
    officer_walk: Walk,
    case: Case,
    officer: Officer,
    analyst: User,
    reviewer: User,
    approver: User,
    operator: User,
) -> None:
    """The officer's submitted case through the workbench (``walk``: the staff's browser,
    each person signing in in turn) to a production the officer downloads in theirs."""
    page, policy = walk.page, active_policy()
    if walk.page.get_by_role("button", name=walk.t("Sign out")).count():
        walk.sign_out()

    # Triage: the analyst takes the case from the queue of new cases.
    walk.sign_in_staff(analyst)
    page.goto(reverse("home") + "?queue=new")
    walk.check("workbench: the queue of new cases")
    page.locator(f'button[formaction="{reverse("workbench-take", args=[case.reference])}"]').click()
    expect(page).to_have_url(_url("workbench-case", case.reference))
    expect(page.locator("#case-state .state")).to_contain_text(_state_label(walk, State.TRIAGE))
    walk.check("workbench: the case in triage")

    if len(policy.entities) > 1:  # routing to one of the profile's entities (JU-01)
        routing = page.locator("#routing")
        expected = case.agency.country
        entity = next(e for e in policy.entities if e.jurisdiction == expected)
        expect(routing.locator('select[name="entity"]')).to_have_value(entity.code)
        walk.fill(routing.locator('input[name="note"]'), "Victims and subjects in Hong Kong")
        walk.button("Route the case", routing).click()
        expect(page.locator("#routing")).to_contain_text(entity.name)
        walk.check("workbench: the case routed")
        case.refresh_from_db()
        assert case.entity is not None and case.entity.code == entity.code

    held = walk.posting_to("workbench-hold-clear", case.reference)
    if held.count():  # the officer's approval was held for a person (ju: JU-03)
        walk.fill(held.locator('input[name="note"]'), "The agency confirmed the officer's address.")
        held.get_by_role("button").click()
        expect(held).to_have_count(0)
        expect(page.locator("#served-hold")).to_contain_text("The agency confirmed")
        walk.check("workbench: the hold cleared")

    # The accounts behind the targets: the exchange's records searched, the candidates listed,
    # the right one confirmed.
    walk.posting_to("workbench-resolve", case.reference).get_by_role("button").click()
    subjects = page.locator("#subjects")
    confirm = walk.button("Confirm", subjects)
    expect(confirm.first).to_be_visible()
    walk.check("workbench: the candidate accounts")
    confirm.first.click()
    expect(subjects.locator(".state").first).to_have_text(
        _state_label(walk, SubjectMatch.Status.CONFIRMED)
    )
    walk.check("workbench: an account confirmed")

    # Document checks: each official document's seal (JU-18, HX-05).
    checks = page.locator("#document-checks")
    if policy.formats.seal_or_signature == "required":
        present = page.locator('input[name="seal"][value="present"]')
        rows = checks.locator("tr[data-document]").filter(has=present)
        for index in range(rows.count()):
            row = checks.locator(
                f'tr[data-document="{rows.nth(index).get_attribute("data-document")}"]'
            )
            row.locator("form").filter(has=present).get_by_role("button").click()
            expect(row.locator('[data-seal="present"]')).to_be_visible()
        walk.check("workbench: the seals confirmed")

    # The call-back to the agency's directory number.
    callback = walk.posting_to("workbench-callback", case.reference)
    expect(callback.locator('input[name="number"]')).to_have_value(walk.deployment.switchboard)
    callback.locator('select[name="outcome"]').select_option("confirmed")
    walk.fill(callback.locator('input[name="note"]'), "Switchboard put us through to the officer.")
    callback.get_by_role("button").click()
    expect(page.locator("#verification")).to_contain_text(
        _state_label(walk, CallBack.Source.DIRECTORY)
    )
    walk.check("workbench: the call-back recorded")

    for colleague in (reviewer, approver, operator):
        team = walk.posting_to("workbench-assign", case.reference)
        team.locator('select[name="user"]').select_option(label=str(colleague))
        team.get_by_role("button").click()
        expect(page.locator("#staff")).to_contain_text(str(colleague))
    _step(walk, case, "send_to_verification")
    expect(page.locator("#case-state .state")).to_contain_text(
        _state_label(walk, State.VERIFICATION)
    )
    walk.check("workbench: the case in verification")
    _step(walk, case, "verify", "Call-back to the directory number confirmed the officer.")
    expect(page.locator("#case-state .state")).to_contain_text(
        _state_label(walk, State.LEGAL_REVIEW)
    )
    walk.sign_out()

    # Review: the reviewer narrows the scope.
    walk.sign_in_staff(reviewer)
    page.goto(reverse("workbench-case", args=[case.reference]))
    walk.check("workbench: the case in legal review")
    scope = page.locator("#scope-form")
    offered = [
        box.get_attribute("value") for box in scope.locator('input[name="categories"]').all()
    ]
    dropped = [c for c in ("devices", "balances") if c in offered] or offered[-1:]
    for category in dropped:
        scope.locator(f'input[name="categories"][value="{category}"]').uncheck()
    walk.fill(scope.locator('textarea[name="note"]'), "Only what the investigation needs.")
    walk.button("Approve this scope", scope).click()
    expect(page.locator("#scope")).to_contain_text(walk.t("in part"))
    walk.check("workbench: the scope approved in part")
    stored = ApprovedScope.objects.get(case=case)
    assert stored.partial and not set(dropped) & set(stored.categories), stored.categories
    walk.sign_out()

    # Work: the operator asks for a freeze and builds the production.
    walk.sign_in_staff(operator)
    page.goto(reverse("workbench-case", args=[case.reference]))
    _step(walk, case, "start_work")
    expect(page.locator("#case-state .state")).to_contain_text(
        _state_label(walk, State.IN_PROGRESS)
    )
    walk.check("workbench: the case in progress")
    freeze = walk.posting_to("workbench-freeze", case.reference)
    freeze.locator('input[name="days"]').fill("30")
    walk.fill(freeze.locator('input[name="reason"]'), "Proceeds of fraud")
    freeze.get_by_role("button").click()
    expect(page.locator("#actions")).to_contain_text(_state_label(walk, Freeze.State.REQUESTED))
    walk.check("workbench: a freeze asked for")
    walk.posting_to("workbench-production-new", case.reference).get_by_role("button").click()
    expect(page).to_have_url(re.compile(r"/productions/\d+/$"))
    production_url = page.url
    production = Production.objects.get(case=case)
    assert production_url.endswith(
        reverse("workbench-production", args=[case.reference, production.pk])
    )
    walk.check("workbench: the production building")
    deliver_mail()  # the worker builds the package; the page follows it
    expect(page.locator("#production [data-building]")).to_have_count(0)
    expect(page.locator("#production .state")).to_have_text(
        _state_label(walk, Production.State.READY)
    )
    walk.check("workbench: the production ready")
    walk.sign_out()

    # The second person: the approver approves the freeze and releases the production.
    walk.sign_in_staff(approver)
    page.goto(reverse("workbench-case", args=[case.reference]))
    walk.check("workbench: the freeze awaiting a second approval")
    page.locator('#actions form:has(input[name="decision"][value="approve"])').get_by_role(
        "button"
    ).click()
    expect(page.locator('#actions input[name="decision"]')).to_have_count(0)
    frozen = Freeze.objects.get(case=case)
    assert frozen.approved_by == approver, frozen.state
    walk.check("workbench: the freeze approved")
    if page.locator("[data-notices-owed]").count():
        # The profile tells the user before disclosure (BN-08): the notice goes out first.
        walk.posting_to("workbench-notices", case.reference).get_by_role("button").click()
        walk.button("Send notice", page.locator("#actions")).click()
        deliver_mail()  # the notice reaches the exchange, which tells the user
        walk.check("workbench: the user notice sent")
    page.locator("#productions").get_by_role("link", name=f"#{production.pk}").click()
    expect(page).to_have_url(production_url)
    walk.button("Release to the agency").click()
    expect(page.locator("#production .state")).to_have_text(
        _state_label(walk, Production.State.RELEASED)
    )
    production.refresh_from_db()
    assert production.state == Production.State.RELEASED, production.state
    walk.check("workbench: the production released")
    deliver_mail()  # the freeze reaches the exchange; the officers are told
    walk.sign_out()

    # The officer downloads the archive and opens it with the passphrase from the email.
    (letter,) = [
        m
        for m in deliver_mail()
        if officer.email in m.to and re.search(r"^\s{4}\S+$", m.body, re.M)
    ]
    passphrase = re.search(r"^\s{4}(\S+)$", letter.body, re.M)
    assert passphrase, letter.body
    officer_walk.sign_in(officer.email, officer.password, officer.secret, label="officer")
    officer_page = officer_walk.page
    expect(officer_page).to_have_url(_url("portal-cases"))
    officer_page.get_by_role("link", name=case.reference).click()
    expect(officer_page).to_have_url(_url("portal-case", case.reference))
    officer_walk.check("portal: the exchange's response")
    with officer_page.expect_download() as download_info:
        officer_walk.link("Download the encrypted archive").click()
    body = Path(download_info.value.path()).read_bytes()
    production.refresh_from_db()
    assert hashlib.sha256(body).hexdigest() == production.archive_sha256
    names = dict(read_archive(io.BytesIO(body), passphrase.group(1)))
    assert "cover-letter.pdf" in names
    assert not {f"{c}.csv" for c in dropped} & set(names), sorted(names)
    assert production.downloads == 1

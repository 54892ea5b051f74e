"""Benchmark the officers' portal under load (issue 17.6).

A demo deployment in production mode (cached templates, DEBUG off) on PostgreSQL, served by
gunicorn with the README's worker count for this machine, behind what a TLS proxy would
send (``X-Forwarded-Proto: https``). 50 officers of the demo agencies (agency admins: they
see all their agency's cases) sign in through the real forms — password, then their current
TOTP code — and browse without pause for --seconds: their case list, a case page, the list
filtered by a search. Printed: requests, throughput, latency p50 / p95 / p99 / max and
errors, beside the baseline measured in the same run: the same pages requested by one
officer alone, one at a time.

Targets (issue 17.6): p95 < 300 ms, 0 errors.

Usage:
  python bench/portal.py                  # 50 officers, 60 s
  python bench/portal.py --officers 10 --seconds 15
"""

from __future__ import annotations

import argparse
import base64
import http.client
import os
import re
import secrets
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
PG = "postgres://postgres@127.0.0.1:5432"
DB = "lers_bench_portal"
PASSWORD = "bench-portal-pass-2026"


def setup(officers: int) -> None:
    """In a child process (Django configured by the environment): migrate, seed the demo,
    and give it ``officers`` officers with a password and a TOTP secret of their own."""
    import django

    django.setup()
    from django.core.management import call_command

    from lers.accounts.mfa import totp_provision
    from lers.accounts.models import User
    from lers.agencies.models import Agency, Officer
    from lers.demo.services import demo_seed

    call_command("migrate", verbosity=0)
    demo_seed(password=PASSWORD, exchange_users=2000, seed=7)
    agencies = [a for a in Agency.objects.order_by("pk") if a.cases.exists()]
    lines = []
    for index in range(officers):
        agency = agencies[index % len(agencies)]
        username = f"bench.officer{index}"
        user = User.objects.create_user(
            username=username,
            email=f"bench{index}@{agency.email_domains[0]}",
            password=PASSWORD,
        )
        Officer.objects.create(
            user=user,
            agency=agency,
            title="Officer",
            status=Officer.Status.ACTIVE,
            is_agency_admin=True,
        )
        encoded = base64.b32encode(secrets.token_bytes(20)).decode()
        totp_provision(user, encoded)
        reference = agency.cases.order_by("pk").values_list("reference", flat=True).first()
        lines.append(f"{username} {encoded} {reference}")
    (REPO / "var" / "bench" / "portal-officers.txt").write_text("\n".join(lines))


class Browser:
    """One officer's browser: a keep-alive connection and its cookies, sent as a browser
    behind TLS would (the proxy says https; the cookies are Secure)."""

    def __init__(self, port: int, address: str = "198.51.100.1") -> None:
        self.port = port
        self.address = address  # what the proxy says the officer's address is
        self.origin = f"https://127.0.0.1:{port}"
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, form: dict[str, str] | None = None) -> Any:
        headers = {
            "Host": f"127.0.0.1:{self.port}",
            "X-Forwarded-Proto": "https",
            "X-Forwarded-For": self.address,
            "Accept": "text/html",
            "Accept-Language": "en",
        }
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Origin"] = self.origin
            headers["Referer"] = self.origin + path
        self.conn.request(method, path, body=body, headers=headers)
        response = self.conn.getresponse()
        data = response.read()
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name.strip()] = rest.split(";", 1)[0]
        return response.status, response.getheader("Location"), data

    def sign_in(self, username: str, secret: str) -> None:
        status, _, page = self.request("GET", "/accounts/login/")
        token = _csrf(page)
        status, location, _ = self.request(
            "POST",
            "/accounts/login/",
            {"csrfmiddlewaretoken": token, "login": username, "password": PASSWORD},
        )
        if status != 302 or not location:
            raise RuntimeError(f"{username}: sign-in answered {status}")
        status, _, page = self.request("GET", urllib.parse.urlparse(location).path)
        status, location, _ = self.request(
            "POST",
            urllib.parse.urlparse(location).path,
            {"csrfmiddlewaretoken": _csrf(page), "code": totp_code(secret)},
        )
        if status != 302:
            raise RuntimeError(f"{username}: second factor answered {status}")


def totp_code(secret: str) -> str:
    """RFC 6238, as the officer's authenticator app computes it."""
    import base64
    import hashlib
    import hmac
    import struct

    key = base64.b32decode(secret)
    digest = hmac.new(key, struct.pack(">Q", int(time.time() // 30)), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    value = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return f"{value % 1_000_000:06d}"


def _csrf(page: bytes) -> str:
    found = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    if found is None:
        raise RuntimeError("no CSRF token on the page")
    return found.group(1).decode()


def pages(reference: str) -> list[str]:
    return ["/portal/", f"/portal/cases/{reference}/", f"/portal/?q={reference[:6]}"]


def run_load(port: int, accounts: list[list[str]], seconds: float) -> dict[str, Any]:
    browsers = []
    for index, (username, secret, reference) in enumerate(accounts):
        browser = Browser(port, f"10.0.{index // 250}.{index % 250 + 1}")
        browser.sign_in(username, secret)
        browsers.append((browser, pages(reference)))
    times: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    start = threading.Event()
    deadline = [0.0]

    def browse(browser: Browser, paths: list[str]) -> None:
        start.wait()
        mine: list[float] = []
        wrong: list[str] = []
        i = 0
        while time.perf_counter() < deadline[0]:
            path = paths[i % len(paths)]
            i += 1
            began = time.perf_counter()
            try:
                status, _, _ = browser.request("GET", path)
            except Exception as exc:  # a broken connection is an error, counted
                wrong.append(f"{path}: {exc}")
                browser.conn.close()
                continue
            mine.append(time.perf_counter() - began)
            if status != 200:
                wrong.append(f"{path}: {status}")
        with lock:
            times.extend(mine)
            errors.extend(wrong)

    threads = [threading.Thread(target=browse, args=b) for b in browsers]
    for thread in threads:
        thread.start()
    began = time.perf_counter()
    deadline[0] = began + seconds
    start.set()
    for thread in threads:
        thread.join()
    return {"times": times, "errors": errors, "seconds": time.perf_counter() - began}


def alone(port: int, account: list[str], rounds: int = 20) -> list[float]:
    browser = Browser(port)
    browser.sign_in(account[0], account[1])
    times = []
    for _ in range(rounds):
        for path in pages(account[2]):
            began = time.perf_counter()
            status, _, _ = browser.request("GET", path)
            times.append(time.perf_counter() - began)
            if status != 200:
                raise RuntimeError(f"{path} answered {status} to one officer alone")
    return times


def _quantile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--officers", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1) + 1)
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--setup", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()

    bench = REPO / "var" / "bench"
    bench.mkdir(parents=True, exist_ok=True)
    data = bench / "portal-data"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "lers.settings",
        "LERS_MODE": "production",
        "SECRET_KEY": "bench-portal-" + "k" * 40,
        "ALLOWED_HOSTS": "127.0.0.1",
        "LERS_TRUST_X_FORWARDED_PROTO": "1",
        "LERS_PROXIES": "1",  # the proxy appends each officer's own address
        "LERS_BASE_URL": f"https://127.0.0.1:{args.port}",
        "DATABASE_URL": f"{PG}/{DB}",
        "EXCHANGE_DATABASE_URL": f"sqlite:///{bench / 'portal-exchange.sqlite3'}",
        "LERS_DATA_DIR": str(data),
        "LERS_NAME_INDEX_REFRESH_SECONDS": "0",
    }
    if args.setup:
        setup(args.officers)
        return
    subprocess.run(["dropdb", "--if-exists", "-h", "127.0.0.1", "-U", "postgres", DB], check=True)
    subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", DB], check=True)
    data.mkdir(exist_ok=True)
    # lers demo refuses production mode (known passwords): the deployment is seeded in
    # development mode, then served in production mode.
    seed_env = {**env, "LERS_MODE": "development"}
    command = [sys.executable, __file__, "--setup", "--officers", str(args.officers)]
    subprocess.run(command, check=True, env=seed_env)
    accounts = [line.split() for line in (bench / "portal-officers.txt").read_text().splitlines()]
    gunicorn = Path(sys.executable).with_name("gunicorn")
    server = subprocess.Popen(
        [
            str(gunicorn),
            "lers.wsgi",
            "--bind",
            f"127.0.0.1:{args.port}",
            "--workers",
            str(args.workers),
            "--log-level",
            "warning",
        ],
        env=env,
        cwd=REPO,
    )
    try:
        _wait_for(args.port)
        single = alone(args.port, accounts[0])
        load = run_load(args.port, accounts[1 : args.officers], args.seconds)
    finally:
        server.terminate()
        server.wait(timeout=30)
    times = load["times"]
    print(
        f"portal, {args.officers - 1} officers browsing without pause for {args.seconds:.0f} s, "
        f"gunicorn {args.workers} workers, production mode, PostgreSQL"
    )
    print(
        f"  one officer alone   median {statistics.median(single) * 1000:6.0f} ms   "
        f"p95 {_quantile(single, 0.95) * 1000:6.0f} ms   ({len(single)} requests)"
    )
    if times:
        print(
            f"  under load          median {statistics.median(times) * 1000:6.0f} ms   "
            f"p95 {_quantile(times, 0.95) * 1000:6.0f} ms   "
            f"p99 {_quantile(times, 0.99) * 1000:6.0f} ms   max {max(times) * 1000:6.0f} ms"
        )
    print(
        f"  {len(times):,} requests, {len(times) / load['seconds']:.0f} per second, "
        f"{len(load['errors'])} errors (target: p95 < 300 ms, 0 errors)"
    )
    for error in load["errors"][:10]:
        print(f"    {error}")


def _wait_for(port: int, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/accounts/login/", headers={"X-Forwarded-Proto": "https"})
            conn.getresponse().read()
            return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"gunicorn did not answer on port {port}")


if __name__ == "__main__":
    main()

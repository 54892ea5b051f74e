"""A real HTTP back office on localhost for the webhook adapter's tests.

It does what an exchange's back office must: checks the signature, does each idempotency key
once (a repeated key gets the first answer back, marked ``repeated``), and can be told to fail
the next N requests with a 500, to answer slower than the client waits, or to refuse.
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from lers.exchange.actions import (
    IDEMPOTENCY_HEADER,
    SIGNATURE_HEADER,
    TIMESTAMP_HEADER,
    verify_signature,
)

SECRET = "test-webhook-secret"


@dataclass
class BackOffice:
    url: str = ""
    requests: list[dict[str, Any]] = field(default_factory=list)  # every POST received
    done: dict[str, str] = field(default_factory=dict)  # key -> reference: each action once
    fail_next: int = 0
    delay: float = 0.0
    refuse: int | None = None
    lock: threading.Lock = field(default_factory=threading.Lock)

    def effects(self, key: str | None = None) -> int:
        return len(self.done) if key is None else int(key in self.done)


def start_back_office() -> tuple[BackOffice, ThreadingHTTPServer]:
    office = BackOffice()

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:  # quiet
            pass

        def _answer(self, status: int, body: dict[str, Any]) -> None:
            data = json.dumps(body).encode()
            try:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up waiting

        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            key = self.headers.get(IDEMPOTENCY_HEADER, "")
            signed = verify_signature(
                SECRET,
                self.headers.get(TIMESTAMP_HEADER, ""),
                body,
                self.headers.get(SIGNATURE_HEADER, ""),
            )
            with office.lock:
                office.requests.append({"key": key, "signed": signed, "body": json.loads(body)})
                failing = office.fail_next > 0
                if failing:
                    office.fail_next -= 1
            if not signed:
                return self._answer(401, {"error": "bad signature"})
            if key != json.loads(body).get("key"):  # the header is not signed; the body is
                return self._answer(400, {"error": "Idempotency-Key differs from the body"})
            if office.refuse is not None:
                return self._answer(office.refuse, {"error": "no such account"})
            if failing:
                return self._answer(503, {"error": "back office restarting"})
            with office.lock:
                repeated = key in office.done
                if not repeated:
                    office.done[key] = f"BO-{len(office.done) + 1}"
                reference = office.done[key]
            if office.delay:
                time.sleep(office.delay)  # acted, but answers too late
            self._answer(200, {"reference": reference, "repeated": repeated})

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    office.url = f"http://127.0.0.1:{server.server_address[1]}/lers/actions"
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return office, server

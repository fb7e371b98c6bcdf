"""Registertoets traffic from a thread against a running service, every answer classified.

SOAP and REST calls in turn, one connection each (gunicorn's sync workers close after every
answer). An answer is `ok` (a registertoets result), `down` (exactly what the contract says a
caller gets while the database is away: REST 503 problem+json with Retry-After, SOAP `Server`
fault `0051`), or anything else, which a fault test then reports.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass

import httpx

from adapters.rest.headers import PROBLEM_JSON
from adapters.rest.problems import RETRY_AFTER
from soap_service.faults import NIET_BESCHIKBAAR
from tests.soap.conftest import XML_HEADERS, envelope, fout

OK = "ok"
DOWN = "down"
SOAP = "soap"
REST = "rest"
AMSTERDAM = ("0363", "demo-amsterdam")


@dataclass(frozen=True)
class Answer:
    kind: str
    outcome: str
    seconds: float


def rest_outcome(response: httpx.Response) -> str:
    if response.status_code == 200 and "samenloop" in response.json():
        return OK
    problem = response.headers.get("content-type") == PROBLEM_JSON
    if response.status_code == 503 and problem:
        body = response.json()
        retry = response.headers.get("retry-after") == str(RETRY_AFTER)
        if retry and body["type"].endswith(":niet-beschikbaar"):
            return DOWN
    return f"REST {response.status_code} {response.text[:200]}"


def soap_outcome(response: httpx.Response) -> str:
    if response.status_code == 200 and b"RegistertoetsResponse" in response.content:
        return OK
    if response.status_code == 500:
        faultcode, code, omschrijving = fout(response.content)
        expected = (NIET_BESCHIKBAAR.code.value, NIET_BESCHIKBAAR.omschrijving)
        if faultcode.endswith("Server") and (code, omschrijving) == expected:
            return DOWN
    return f"SOAP {response.status_code} {response.text[:200]}"


def call(client: httpx.Client, kind: str, bsn: str) -> str:
    """One registertoets of this kind; its outcome."""
    if kind == SOAP:
        body = envelope("Registertoets", bsn)
        return soap_outcome(client.post("/soap/registertoets", content=body, headers=XML_HEADERS))
    return rest_outcome(client.post("/api/v1/registertoets", json={"bsn": bsn}, auth=AMSTERDAM))


class Traffic(threading.Thread):
    """Calls until stopped; `answers` grows as they come (read it under `changed`)."""

    def __init__(self, base: str, bsn: str, timeout: float = 60.0) -> None:
        super().__init__(name="traffic", daemon=True)
        self.base, self.bsn, self.timeout = base, bsn, timeout
        self.answers: list[Answer] = []
        self.changed = threading.Condition()
        self._stopping = threading.Event()

    def run(self) -> None:
        with httpx.Client(base_url=self.base, timeout=self.timeout) as client:
            while not self._stopping.is_set():
                for kind in (SOAP, REST):
                    self._record(kind, client)

    def _record(self, kind: str, client: httpx.Client) -> None:
        began = time.monotonic()
        try:
            outcome = call(client, kind, self.bsn)
        except httpx.HTTPError as exc:
            outcome = f"{kind} transport error {type(exc).__name__}"
        answer = Answer(kind, outcome, time.monotonic() - began)
        with self.changed:
            self.answers.append(answer)
            self.changed.notify_all()

    def mark(self) -> int:
        with self.changed:
            return len(self.answers)

    def wait_for(self, outcome: str, since: int, each: int = 2, timeout: float = 30) -> None:
        """Until both kinds have given `each` answers with this outcome after index since."""

        def enough() -> bool:
            return all(count(self.answers[since:], kind, outcome) >= each for kind in (SOAP, REST))

        with self.changed:
            if not self.changed.wait_for(enough, timeout):
                raise AssertionError(
                    f"no {each} x {outcome} per kind in {timeout} s: {summary(self.answers[since:])}"
                )

    def stop(self) -> list[Answer]:
        self._stopping.set()
        self.join(timeout=self.timeout + 5)
        assert not self.is_alive(), "the traffic thread hangs"
        return list(self.answers)


def count(answers: Sequence[Answer], kind: str, outcome: str) -> int:
    return sum(1 for a in answers if a.kind == kind and a.outcome == outcome)


def summary(answers: Sequence[Answer]) -> dict[str, int]:
    """How many answers of each (kind, outcome), for an assertion message."""
    seen: dict[str, int] = {}
    for a in answers:
        seen[f"{a.kind}: {a.outcome}"] = seen.get(f"{a.kind}: {a.outcome}", 0) + 1
    return seen

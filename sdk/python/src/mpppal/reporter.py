"""Reporting to the MPPPal operator API off the request path (the Rust SDK's
api_reporter.rs): deferred receipts in batches to `POST /v1/receipts` (they are what MPPPal
settles), sessions' open, latest voucher and close to `/v1/sessions`. Reports only queue; a
background thread sends them with retries. The API stores each receipt once per (account,
challenge id) and each session once per channel, so a report sent twice does no harm."""

from __future__ import annotations

import logging
import queue
import threading
from dataclasses import dataclass, field
from typing import Any

import httpx

from .api_call import ApiCredentials, call
from .effects import Send, run_sync
from .errors import ApiError, MppPalError

log = logging.getLogger("mpppal.reporter")
BATCH = 200


@dataclass
class Delivered:
    """What the API made of what was sent so far."""

    stored: int = 0
    duplicate: int = 0
    conflict: int = 0
    invalid: int = 0
    failed: int = 0
    sessions_opened: int = 0
    vouchers: int = 0
    sessions_closed: int = 0
    errors: list[str] = field(default_factory=list)


class Reporter:
    """Receives what the paying client did; `ApiReporter` sends it to MPPPal."""

    def receipt(self, report: dict[str, Any]) -> None:
        """A deferred receipt paid with (`POST /v1/receipts` body item, without accountId)."""

    def session_opened(self, channel: str, url: str) -> None: ...

    def voucher(self, channel: str, cumulative: int, expires_at: int, signature: str) -> None: ...

    def session_closed(self, channel: str, tx: str) -> None: ...

    def flush(self, timeout: float = 30.0) -> Delivered:
        return Delivered()

    def close(self) -> None: ...


class ApiReporter(Reporter):
    """Reports for one account (`acct_…`) with a key holding the `agent` scope."""

    def __init__(self, api: ApiCredentials, account_id: str) -> None:
        self._api = api
        self._account = account_id
        self._queue: queue.Queue[tuple[str, Any]] = queue.Queue()
        self._http = httpx.Client(timeout=30.0)
        self.totals = Delivered()
        self._sessions: dict[str, str] = {}
        # Vouchers are cumulative: only the latest per channel is worth sending.
        self._latest: dict[str, tuple[int, int, str]] = {}
        self._thread = threading.Thread(target=self._run, name="mpppal-reporter", daemon=True)
        self._thread.start()

    def receipt(self, report: dict[str, Any]) -> None:
        self._queue.put(("receipt", {"accountId": self._account, **report}))

    def session_opened(self, channel: str, url: str) -> None:
        self._queue.put(("opened", (channel, url)))

    def voucher(self, channel: str, cumulative: int, expires_at: int, signature: str) -> None:
        self._queue.put(("voucher", (channel, cumulative, expires_at, signature)))

    def session_closed(self, channel: str, tx: str) -> None:
        self._queue.put(("closed", (channel, tx)))

    def flush(self, timeout: float = 30.0) -> Delivered:
        """Waits until everything queued so far was delivered or given up on."""
        done = threading.Event()
        self._queue.put(("flush", done))
        done.wait(timeout)
        return self.totals

    def close(self) -> None:
        self.flush()
        self._queue.put(("stop", None))
        self._thread.join(timeout=5)
        self._http.close()

    # the background thread

    def _send(self, effect: Send) -> httpx.Response:
        return self._http.send(effect.request)

    def _post(self, path: str, body: Any) -> dict[str, Any] | None:
        try:
            response = run_sync(
                call(self._api, "POST", path, body=body, expect=(200, 201)), self._send
            )
        except (ApiError, MppPalError, httpx.HTTPError) as error:
            self.totals.errors.append(f"{path}: {error}")
            log.warning("MPPPal report to %s failed: %s", path, error)
            return None
        answer = response.json()
        return answer if isinstance(answer, dict) else {}

    def _run(self) -> None:
        while True:
            try:
                # While sessions run, their latest vouchers go out about once a second.
                kind, item = self._queue.get(timeout=1.0)
            except queue.Empty:
                self._send_vouchers()
                continue
            batch: list[dict[str, Any]] = []
            flushes: list[threading.Event] = []
            stop = False
            while True:
                if kind == "receipt":
                    batch.append(item)
                    if len(batch) == BATCH:
                        self._receipts(batch)
                        batch = []
                elif kind == "flush":
                    flushes.append(item)
                elif kind == "stop":
                    stop = True
                else:
                    if batch:
                        self._receipts(batch)
                        batch = []
                    self._session(kind, item)
                try:
                    kind, item = self._queue.get_nowait()
                except queue.Empty:
                    break
            if batch:
                self._receipts(batch)
            if flushes or stop:
                self._send_vouchers()
            for done in flushes:
                done.set()
            if stop:
                return

    def _receipts(self, batch: list[dict[str, Any]]) -> None:
        answer = self._post("/v1/receipts", {"receipts": batch})
        if answer is None:
            self.totals.failed += len(batch)
            return
        for result in answer.get("results", []):
            outcome = result.get("outcome")
            if outcome in ("stored", "duplicate", "conflict"):
                setattr(self.totals, outcome, getattr(self.totals, outcome) + 1)
            else:
                self.totals.invalid += 1
                self.totals.errors.append(str(result))

    def _session(self, kind: str, item: Any) -> None:
        if kind == "opened":
            channel, url = item
            body = {"accountId": self._account, "channel": channel, "providerEndpoint": url}
            answer = self._post("/v1/sessions", body)
            if answer and answer.get("sessionId"):
                self._sessions[channel] = str(answer["sessionId"])
                self.totals.sessions_opened += 1
        elif kind == "voucher":
            channel, cumulative, expires_at, signature = item
            held = self._latest.get(channel)
            if held is None or held[0] < cumulative:
                self._latest[channel] = (cumulative, expires_at, signature)
        elif kind == "closed":
            channel, tx = item
            self._send_vouchers()
            session = self._sessions.get(channel)
            if session and self._post(f"/v1/sessions/{session}/close", {"tx": tx}) is not None:
                self.totals.sessions_closed += 1

    def _send_vouchers(self) -> None:
        for channel, (cumulative, expires_at, signature) in list(self._latest.items()):
            session = self._sessions.get(channel)
            if session is None:
                continue
            body = {"cumulative": cumulative, "expiresAt": expires_at, "signature": signature}
            if self._post(f"/v1/sessions/{session}/vouchers", body) is not None:
                self.totals.vouchers += 1
            del self._latest[channel]

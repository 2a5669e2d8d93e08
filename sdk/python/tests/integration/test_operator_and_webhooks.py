"""The operator client and webhooks against the real API and worker."""

from __future__ import annotations

import http.server
import queue
import threading
from collections.abc import Iterator

import pytest

import mpppal

from .helpers import policy
from .stack import Stack, free_port


class Receiver(http.server.BaseHTTPRequestHandler):
    deliveries: queue.Queue[tuple[bytes, dict[str, str]]] = queue.Queue()

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("content-length", "0")))
        self.deliveries.put((body, {k: v for k, v in self.headers.items()}))
        self.send_response(204)
        self.end_headers()

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def receiver() -> Iterator[str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", free_port()), Receiver)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/hooks"
    finally:
        server.shutdown()


def test_a_real_delivery_verifies_and_a_bad_signature_is_refused(
    stack: Stack, receiver: str
) -> None:
    with stack.operator() as api:
        endpoint = api.create_webhook(receiver, ["account.paused"])
        assert endpoint.secret is not None
        account, _ = stack.account(policy(), funds=0)
        api.pause(account.account_id)
    body, headers = Receiver.deliveries.get(timeout=60)
    event = mpppal.verify_webhook(body, headers, endpoint.secret)
    assert event.type == "account.paused"
    assert event.id.startswith("evt_")
    tampered = dict(headers)
    tampered["webhook-signature"] = "v1,c2lnbmF0dXJlIGJ5IHNvbWVvbmUgZWxzZQ=="
    with pytest.raises(mpppal.WebhookVerificationError):
        mpppal.verify_webhook(body, tampered, endpoint.secret)
    with pytest.raises(mpppal.WebhookVerificationError):
        mpppal.verify_webhook(body.replace(b"paused", b"unpaused"), headers, endpoint.secret)


def test_the_operator_client_drives_the_api(stack: Stack) -> None:
    with stack.operator() as api:
        me = api.operator()
        assert me.key_id == stack.key_id
        account, _ = stack.account(policy(escalationThreshold=2_000_000), funds=0)
        assert any(a.account_id == account.account_id for a in api.iter_accounts(limit=1))
        replaced = api.replace_policy(
            account.account_id, {"maxSingleTransfer": 1_000, "maxDailySpend": 2_000}
        )
        assert replaced.version == 2
        assert [v.version for v in api.policy_versions(account.account_id)] == [2, 1]
        with pytest.raises(mpppal.ApiError) as error:
            api.replace_policy(
                account.account_id, {"maxSingleTransfer": 3_000, "maxDailySpend": 2_000}
            )
        assert (error.value.status, error.value.code, error.value.reason) == (
            400, "invalid_policy", "single_above_daily")  # fmt: skip
        key = api.create_api_key("reader", ["read"])
        api.revoke_api_key(key.key_id)
        assert any(k.key_id == key.key_id and k.revoked for k in api.list_api_keys())


async def test_the_async_operator_client(stack: Stack) -> None:
    async with mpppal.AsyncMppPal(
        key_id=stack.key_id, secret=stack.secret, base_url=stack.api_url
    ) as api:
        overview = await api.overview()
        assert overview.day
        assert (await api.verify_audit()).intact

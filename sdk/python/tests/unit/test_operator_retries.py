"""The operator client's own behaviour, against a scripted transport: what it sends on
retries, and how it reads problems. (The real server is exercised in tests/integration.)"""

from __future__ import annotations

import httpx
import pytest

from mpppal import ApiError, AsyncMppPal, MppPal, api_call, signing

ACCOUNT = {
    "accountId": "acct_1", "name": "a", "custody": "custodial", "status": "active",
    "solanaAddress": "x", "usdcTokenAccount": "y", "walletKey": "z", "agentAddress": "w",
    "createdAt": "2026-12-04T00:00:00Z",
}  # fmt: skip


@pytest.fixture(autouse=True)
def no_backoff(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(api_call, "_retry_after", lambda response, attempt: 0.0)


def scripted(answers: list[httpx.Response | Exception], seen: list[httpx.Request]) -> httpx.Client:
    def handle(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        answer = answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer

    return httpx.Client(transport=httpx.MockTransport(handle))


def test_a_mutation_keeps_its_idempotency_key_across_retries() -> None:
    seen: list[httpx.Request] = []
    answers: list[httpx.Response | Exception] = [
        httpx.ConnectError("refused"),
        httpx.Response(503, json={"code": "not_ready", "detail": "db"}),
        httpx.Response(429),
        httpx.Response(201, json=ACCOUNT),
    ]
    api = MppPal(
        key_id="mpk_1", secret="s", base_url="http://api.test", http_client=scripted(answers, seen)
    )
    account = api.create_account(
        {
            "name": "a",
            "custody": "custodial",
            "policy": {"maxSingleTransfer": 1, "maxDailySpend": 2},
        }
    )
    assert account.account_id == "acct_1"
    keys = {r.headers["idempotency-key"] for r in seen}
    assert len(seen) == 4
    assert len(keys) == 1


def test_every_request_is_signed_over_method_path_query_and_body() -> None:
    seen: list[httpx.Request] = []
    api = MppPal(
        key_id="mpk_1",
        secret="s3cret",
        base_url="http://api.test/base",
        http_client=scripted([httpx.Response(200, json={"items": [], "nextCursor": None})], seen),
    )
    api.list_transfers(status="pending", limit=5)
    request = seen[0]
    assert request.url.path == "/base/v1/transfers"
    header = request.headers["authorization"]
    timestamp = int(header.split("Timestamp=")[1].split(",")[0])
    expected = signing.authorization(
        "mpk_1", "s3cret", "GET", "/base/v1/transfers", "status=pending&limit=5", timestamp, b""
    )
    assert header == expected
    assert "idempotency-key" not in request.headers


def test_a_problem_becomes_an_api_error_with_code_status_and_detail() -> None:
    seen: list[httpx.Request] = []
    body = {"code": "payment_denied", "detail": "over", "reason": "over_daily_limit"}
    api = MppPal(
        key_id="mpk_1",
        secret="s",
        base_url="http://api.test",
        http_client=scripted([httpx.Response(422, json=body)], seen),
    )
    with pytest.raises(ApiError) as raised:
        api.create_transfer({"accountId": "acct_1", "to": "x", "amount": 5})
    assert (raised.value.status, raised.value.code, raised.value.reason) == (
        422, "payment_denied", "over_daily_limit")  # fmt: skip


def test_pages_are_followed_to_the_end() -> None:
    seen: list[httpx.Request] = []
    pages: list[httpx.Response | Exception] = [
        httpx.Response(200, json={"items": [ACCOUNT], "nextCursor": "c2"}),
        httpx.Response(200, json={"items": [ACCOUNT, ACCOUNT], "nextCursor": None}),
    ]
    api = MppPal(
        key_id="mpk_1", secret="s", base_url="http://api.test", http_client=scripted(pages, seen)
    )
    assert len(list(api.iter_accounts(limit=2))) == 3
    assert seen[1].url.params["cursor"] == "c2"


def test_bad_arguments_fail_at_once() -> None:
    with pytest.raises(ValueError, match="mpk_"):
        MppPal(key_id="nope", secret="s", base_url="http://api.test")
    with pytest.raises(ValueError, match="http"):
        MppPal(key_id="mpk_1", secret="s", base_url="ftp://x")


async def test_the_async_client_retries_the_same_way() -> None:
    attempts = []

    def handle(request: httpx.Request) -> httpx.Response:
        attempts.append(request.headers["idempotency-key"])
        if len(attempts) < 2:
            return httpx.Response(502)
        return httpx.Response(
            200,
            json={
                "escalationId": "esc_1",
                "amount": 1,
                "threshold": 1,
                "status": "approved",
                "accountId": "a",
                "transferId": "t",
                "expiresAt": "x",
                "createdAt": "y",
            },
        )

    client = httpx.AsyncClient(transport=httpx.MockTransport(handle))
    async with AsyncMppPal(
        key_id="mpk_1", secret="s", base_url="http://api.test", http_client=client
    ) as api:
        escalation = await api.approve_escalation("esc_1", note="ok")
    assert escalation.status == "approved"
    assert len(set(attempts)) == 1
    assert len(attempts) == 2

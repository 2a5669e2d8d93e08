"""The operator client: typed methods for the `/v1` routes, each request HMAC-signed, each
mutation under one `Idempotency-Key` reused by its retries, retries with backoff on network
errors, 429 and 5xx. `MppPal` is synchronous, `AsyncMppPal` the same methods with `await`;
both only run the flows of routes.py, and a unit test keeps their method lists equal."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from types import TracebackType
from typing import Any, TypeVar

import httpx

from . import models as m
from . import routes
from .api_call import ApiCredentials
from .effects import Flow, Send, run_async, run_sync

T = TypeVar("T")


class MppPal:
    """`MppPal(key_id="mpk_…", secret="mps_…", base_url="https://mpppal.example.com")`."""

    def __init__(
        self,
        *,
        key_id: str,
        secret: str,
        base_url: str,
        http_client: httpx.Client | None = None,
        timeout: float = 30.0,
    ) -> None:
        self._api = ApiCredentials(key_id=key_id, secret=secret, base_url=base_url)
        self._owns_http = http_client is None
        self._http = http_client or httpx.Client(timeout=timeout)

    @property
    def credentials(self) -> ApiCredentials:
        return self._api

    def _send(self, effect: Send) -> httpx.Response:
        return self._http.send(effect.request)

    def _run(self, flow: Flow[T]) -> T:
        return run_sync(flow, self._send)

    def close(self) -> None:
        if self._owns_http:
            self._http.close()

    def __enter__(self) -> MppPal:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def operator(self) -> m.Operator:
        """Who the key belongs to, its scopes and the owner address."""
        return self._run(routes.operator(self._api))

    def overview(self) -> m.Overview:
        """The operator's day at a glance."""
        return self._run(routes.overview(self._api))

    def spend(self, **params: Any) -> m.Spend:
        """Spend over time (`from`, `to`, `bucket`, `by`)."""
        return self._run(routes.spend(self._api, **params))

    def create_account(
        self, body: m.NewAccountBody | dict[str, Any], *, idempotency_key: str | None = None
    ) -> m.AccountView:
        """Creates an agent account and its wallet on chain."""
        return self._run(routes.create_account(self._api, body, idempotency_key))

    def list_accounts(self, **params: Any) -> m.AccountPage:
        """One page of accounts (`status`, `limit`, `cursor`)."""
        return self._run(routes.list_accounts(self._api, **params))

    def get_account(self, account_id: str) -> m.AccountView:
        return self._run(routes.get_account(self._api, account_id))

    def balance(self, account_id: str) -> m.Balance:
        """The wallet's balance and spend, read from the chain now."""
        return self._run(routes.balance(self._api, account_id))

    def get_policy(self, account_id: str) -> m.PolicyView:
        return self._run(routes.get_policy(self._api, account_id))

    def policy_versions(self, account_id: str) -> list[m.PolicyView]:
        return self._run(routes.policy_versions(self._api, account_id))

    def replace_policy(
        self, account_id: str, policy: m.PolicyBody | dict[str, Any]
    ) -> m.PolicyView:
        return self._run(routes.replace_policy(self._api, account_id, policy))

    def pause(self, account_id: str) -> m.PolicyView:
        """Stops every payment from the wallet, on chain."""
        return self._run(routes.pause(self._api, account_id))

    def unpause(self, account_id: str) -> m.PolicyView:
        return self._run(routes.unpause(self._api, account_id))

    def resolve_handle(self, handle: str) -> m.HandleResolution:
        return self._run(routes.resolve_handle(self._api, handle))

    def list_api_keys(self) -> list[m.ApiKey]:
        return self._run(routes.list_api_keys(self._api))

    def create_api_key(self, name: str, scopes: list[str]) -> m.CreatedApiKey:
        """A new key; its secret is shown this once."""
        return self._run(routes.create_api_key(self._api, name, scopes))

    def revoke_api_key(self, key_id: str) -> None:
        return self._run(routes.revoke_api_key(self._api, key_id))

    def create_transfer(
        self, body: m.NewTransferBody | dict[str, Any], *, idempotency_key: str | None = None
    ) -> m.TransferView:
        """Pays from a custodial account (`pending`, or `pending_approval` above the threshold)."""
        return self._run(routes.create_transfer(self._api, body, idempotency_key))

    def list_transfers(self, **params: Any) -> m.TransferPage:
        return self._run(routes.list_transfers(self._api, **params))

    def get_transfer(self, transfer_id: str) -> m.TransferView:
        return self._run(routes.get_transfer(self._api, transfer_id))

    def list_escalations(self, **params: Any) -> m.EscalationPage:
        return self._run(routes.list_escalations(self._api, **params))

    def get_escalation(self, escalation_id: str) -> m.EscalationView:
        return self._run(routes.get_escalation(self._api, escalation_id))

    def approve_escalation(self, escalation_id: str, note: str | None = None) -> m.EscalationView:
        return self._run(routes.decide_escalation(self._api, escalation_id, "approve", note))

    def deny_escalation(self, escalation_id: str, note: str | None = None) -> m.EscalationView:
        return self._run(routes.decide_escalation(self._api, escalation_id, "deny", note))

    def list_receipts(self, **params: Any) -> m.ReceiptPage:
        return self._run(routes.list_receipts(self._api, **params))

    def report_receipts(self, receipts: list[dict[str, Any]]) -> m.ReceiptResults:
        return self._run(routes.report_receipts(self._api, receipts))

    def list_sessions(self, **params: Any) -> m.SessionPage:
        return self._run(routes.list_sessions(self._api, **params))

    def get_session(self, session_id: str) -> m.SessionView:
        return self._run(routes.get_session(self._api, session_id))

    def create_webhook(self, url: str, events: list[str] | None = None) -> m.Webhook:
        """A webhook endpoint; `secret` (whsec_…) is shown this once."""
        return self._run(routes.create_webhook(self._api, url, events))

    def list_webhooks(self) -> list[m.Webhook]:
        return self._run(routes.list_webhooks(self._api))

    def disable_webhook(self, endpoint_id: str) -> None:
        return self._run(routes.disable_webhook(self._api, endpoint_id))

    def enable_webhook(self, endpoint_id: str) -> None:
        return self._run(routes.enable_webhook(self._api, endpoint_id))

    def rotate_webhook_secret(self, endpoint_id: str) -> m.RotatedSecret:
        return self._run(routes.rotate_webhook_secret(self._api, endpoint_id))

    def resend_event(self, endpoint_id: str, event_id: int) -> None:
        return self._run(routes.resend_event(self._api, endpoint_id, event_id))

    def list_deliveries(self, endpoint_id: str, **params: Any) -> m.DeliveryPage:
        return self._run(routes.list_deliveries(self._api, endpoint_id, **params))

    def dead_jobs(self, **params: Any) -> m.DeadJobPage:
        return self._run(routes.dead_jobs(self._api, **params))

    def replay_job(self, job_id: str) -> m.ReplayedJob:
        return self._run(routes.replay_job(self._api, job_id))

    def audit(self, **params: Any) -> m.AuditPage:
        return self._run(routes.audit(self._api, **params))

    def verify_audit(self) -> m.AuditVerification:
        return self._run(routes.verify_audit(self._api))

    def reconciliation(self) -> list[m.DifferenceView]:
        return self._run(routes.reconciliation(self._api))

    def iter_accounts(self, **params: Any) -> Iterator[m.AccountView]:
        """Every item, page after page."""
        while True:
            page = self._run(routes.list_accounts(self._api, **params))
            yield from page.items
            if not page.next_cursor:
                return
            params = {**params, "cursor": page.next_cursor}

    def iter_transfers(self, **params: Any) -> Iterator[m.TransferView]:
        """Every item, page after page."""
        while True:
            page = self._run(routes.list_transfers(self._api, **params))
            yield from page.items
            if not page.next_cursor:
                return
            params = {**params, "cursor": page.next_cursor}

    def iter_escalations(self, **params: Any) -> Iterator[m.EscalationView]:
        """Every item, page after page."""
        while True:
            page = self._run(routes.list_escalations(self._api, **params))
            yield from page.items
            if not page.next_cursor:
                return
            params = {**params, "cursor": page.next_cursor}

    def iter_receipts(self, **params: Any) -> Iterator[m.ReceiptView]:
        """Every item, page after page."""
        while True:
            page = self._run(routes.list_receipts(self._api, **params))
            yield from page.items
            if not page.next_cursor:
                return
            params = {**params, "cursor": page.next_cursor}

    def iter_sessions(self, **params: Any) -> Iterator[m.SessionView]:
        """Every item, page after page."""
        while True:
            page = self._run(routes.list_sessions(self._api, **params))
            yield from page.items
            if not page.next_cursor:
                return
            params = {**params, "cursor": page.next_cursor}

    def iter_deliveries(self, endpoint_id: str, **params: Any) -> Iterator[m.DeliveryView]:
        """Every item, page after page."""
        while True:
            page = self._run(routes.list_deliveries(self._api, endpoint_id, **params))
            yield from page.items
            if not page.next_cursor:
                return
            params = {**params, "cursor": page.next_cursor}

    def iter_dead_jobs(self, **params: Any) -> Iterator[m.DeadJob]:
        """Every item, page after page."""
        while True:
            page = self._run(routes.dead_jobs(self._api, **params))
            yield from page.items
            if not page.next_cursor:
                return
            params = {**params, "cursor": page.next_cursor}


class AsyncMppPal:
    """The asynchronous operator client: the methods of `MppPal`, awaited."""

    def __init__(
        self,
        *,
        key_id: str,
        secret: str,
        base_url: str,
        http_client: httpx.AsyncClient | None = None,
        timeout: float = 30.0,
    ) -> None:
        self._api = ApiCredentials(key_id=key_id, secret=secret, base_url=base_url)
        self._owns_http = http_client is None
        self._http = http_client or httpx.AsyncClient(timeout=timeout)

    @property
    def credentials(self) -> ApiCredentials:
        return self._api

    async def _send(self, effect: Send) -> httpx.Response:
        return await self._http.send(effect.request)

    async def _run(self, flow: Flow[T]) -> T:
        return await run_async(flow, self._send)

    async def aclose(self) -> None:
        if self._owns_http:
            await self._http.aclose()

    async def __aenter__(self) -> AsyncMppPal:
        return self

    async def __aexit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def operator(self) -> m.Operator:
        """Who the key belongs to, its scopes and the owner address."""
        return await self._run(routes.operator(self._api))

    async def overview(self) -> m.Overview:
        """The operator's day at a glance."""
        return await self._run(routes.overview(self._api))

    async def spend(self, **params: Any) -> m.Spend:
        """Spend over time (`from`, `to`, `bucket`, `by`)."""
        return await self._run(routes.spend(self._api, **params))

    async def create_account(
        self, body: m.NewAccountBody | dict[str, Any], *, idempotency_key: str | None = None
    ) -> m.AccountView:
        """Creates an agent account and its wallet on chain."""
        return await self._run(routes.create_account(self._api, body, idempotency_key))

    async def list_accounts(self, **params: Any) -> m.AccountPage:
        """One page of accounts (`status`, `limit`, `cursor`)."""
        return await self._run(routes.list_accounts(self._api, **params))

    async def get_account(self, account_id: str) -> m.AccountView:
        return await self._run(routes.get_account(self._api, account_id))

    async def balance(self, account_id: str) -> m.Balance:
        """The wallet's balance and spend, read from the chain now."""
        return await self._run(routes.balance(self._api, account_id))

    async def get_policy(self, account_id: str) -> m.PolicyView:
        return await self._run(routes.get_policy(self._api, account_id))

    async def policy_versions(self, account_id: str) -> list[m.PolicyView]:
        return await self._run(routes.policy_versions(self._api, account_id))

    async def replace_policy(
        self, account_id: str, policy: m.PolicyBody | dict[str, Any]
    ) -> m.PolicyView:
        return await self._run(routes.replace_policy(self._api, account_id, policy))

    async def pause(self, account_id: str) -> m.PolicyView:
        """Stops every payment from the wallet, on chain."""
        return await self._run(routes.pause(self._api, account_id))

    async def unpause(self, account_id: str) -> m.PolicyView:
        return await self._run(routes.unpause(self._api, account_id))

    async def resolve_handle(self, handle: str) -> m.HandleResolution:
        return await self._run(routes.resolve_handle(self._api, handle))

    async def list_api_keys(self) -> list[m.ApiKey]:
        return await self._run(routes.list_api_keys(self._api))

    async def create_api_key(self, name: str, scopes: list[str]) -> m.CreatedApiKey:
        """A new key; its secret is shown this once."""
        return await self._run(routes.create_api_key(self._api, name, scopes))

    async def revoke_api_key(self, key_id: str) -> None:
        return await self._run(routes.revoke_api_key(self._api, key_id))

    async def create_transfer(
        self, body: m.NewTransferBody | dict[str, Any], *, idempotency_key: str | None = None
    ) -> m.TransferView:
        """Pays from a custodial account (`pending`, or `pending_approval` above the threshold)."""
        return await self._run(routes.create_transfer(self._api, body, idempotency_key))

    async def list_transfers(self, **params: Any) -> m.TransferPage:
        return await self._run(routes.list_transfers(self._api, **params))

    async def get_transfer(self, transfer_id: str) -> m.TransferView:
        return await self._run(routes.get_transfer(self._api, transfer_id))

    async def list_escalations(self, **params: Any) -> m.EscalationPage:
        return await self._run(routes.list_escalations(self._api, **params))

    async def get_escalation(self, escalation_id: str) -> m.EscalationView:
        return await self._run(routes.get_escalation(self._api, escalation_id))

    async def approve_escalation(
        self, escalation_id: str, note: str | None = None
    ) -> m.EscalationView:
        return await self._run(routes.decide_escalation(self._api, escalation_id, "approve", note))

    async def deny_escalation(
        self, escalation_id: str, note: str | None = None
    ) -> m.EscalationView:
        return await self._run(routes.decide_escalation(self._api, escalation_id, "deny", note))

    async def list_receipts(self, **params: Any) -> m.ReceiptPage:
        return await self._run(routes.list_receipts(self._api, **params))

    async def report_receipts(self, receipts: list[dict[str, Any]]) -> m.ReceiptResults:
        return await self._run(routes.report_receipts(self._api, receipts))

    async def list_sessions(self, **params: Any) -> m.SessionPage:
        return await self._run(routes.list_sessions(self._api, **params))

    async def get_session(self, session_id: str) -> m.SessionView:
        return await self._run(routes.get_session(self._api, session_id))

    async def create_webhook(self, url: str, events: list[str] | None = None) -> m.Webhook:
        """A webhook endpoint; `secret` (whsec_…) is shown this once."""
        return await self._run(routes.create_webhook(self._api, url, events))

    async def list_webhooks(self) -> list[m.Webhook]:
        return await self._run(routes.list_webhooks(self._api))

    async def disable_webhook(self, endpoint_id: str) -> None:
        return await self._run(routes.disable_webhook(self._api, endpoint_id))

    async def enable_webhook(self, endpoint_id: str) -> None:
        return await self._run(routes.enable_webhook(self._api, endpoint_id))

    async def rotate_webhook_secret(self, endpoint_id: str) -> m.RotatedSecret:
        return await self._run(routes.rotate_webhook_secret(self._api, endpoint_id))

    async def resend_event(self, endpoint_id: str, event_id: int) -> None:
        return await self._run(routes.resend_event(self._api, endpoint_id, event_id))

    async def list_deliveries(self, endpoint_id: str, **params: Any) -> m.DeliveryPage:
        return await self._run(routes.list_deliveries(self._api, endpoint_id, **params))

    async def dead_jobs(self, **params: Any) -> m.DeadJobPage:
        return await self._run(routes.dead_jobs(self._api, **params))

    async def replay_job(self, job_id: str) -> m.ReplayedJob:
        return await self._run(routes.replay_job(self._api, job_id))

    async def audit(self, **params: Any) -> m.AuditPage:
        return await self._run(routes.audit(self._api, **params))

    async def verify_audit(self) -> m.AuditVerification:
        return await self._run(routes.verify_audit(self._api))

    async def reconciliation(self) -> list[m.DifferenceView]:
        return await self._run(routes.reconciliation(self._api))

    async def iter_accounts(self, **params: Any) -> AsyncIterator[m.AccountView]:
        """Every item, page after page."""
        while True:
            page = await self._run(routes.list_accounts(self._api, **params))
            for item in page.items:
                yield item
            if not page.next_cursor:
                return
            params = {**params, "cursor": page.next_cursor}

    async def iter_transfers(self, **params: Any) -> AsyncIterator[m.TransferView]:
        """Every item, page after page."""
        while True:
            page = await self._run(routes.list_transfers(self._api, **params))
            for item in page.items:
                yield item
            if not page.next_cursor:
                return
            params = {**params, "cursor": page.next_cursor}

    async def iter_escalations(self, **params: Any) -> AsyncIterator[m.EscalationView]:
        """Every item, page after page."""
        while True:
            page = await self._run(routes.list_escalations(self._api, **params))
            for item in page.items:
                yield item
            if not page.next_cursor:
                return
            params = {**params, "cursor": page.next_cursor}

    async def iter_receipts(self, **params: Any) -> AsyncIterator[m.ReceiptView]:
        """Every item, page after page."""
        while True:
            page = await self._run(routes.list_receipts(self._api, **params))
            for item in page.items:
                yield item
            if not page.next_cursor:
                return
            params = {**params, "cursor": page.next_cursor}

    async def iter_sessions(self, **params: Any) -> AsyncIterator[m.SessionView]:
        """Every item, page after page."""
        while True:
            page = await self._run(routes.list_sessions(self._api, **params))
            for item in page.items:
                yield item
            if not page.next_cursor:
                return
            params = {**params, "cursor": page.next_cursor}

    async def iter_deliveries(
        self, endpoint_id: str, **params: Any
    ) -> AsyncIterator[m.DeliveryView]:
        """Every item, page after page."""
        while True:
            page = await self._run(routes.list_deliveries(self._api, endpoint_id, **params))
            for item in page.items:
                yield item
            if not page.next_cursor:
                return
            params = {**params, "cursor": page.next_cursor}

    async def iter_dead_jobs(self, **params: Any) -> AsyncIterator[m.DeadJob]:
        """Every item, page after page."""
        while True:
            page = await self._run(routes.dead_jobs(self._api, **params))
            for item in page.items:
                yield item
            if not page.next_cursor:
                return
            params = {**params, "cursor": page.next_cursor}

"""The `/v1` routes as flows (effects.py): each builds its call and parses the answer into
the generated models. `operator.py` exposes them as sync and async methods."""

from __future__ import annotations

from typing import Any, TypeVar

from pydantic import BaseModel

from . import models as m
from .api_call import ApiCredentials, call
from .effects import Flow

M = TypeVar("M", bound=BaseModel)


def _parsed(flow: Flow[Any], model: type[M]) -> Flow[M]:
    response = yield from flow
    return model.model_validate(response.json())


def _none(flow: Flow[Any]) -> Flow[None]:
    yield from flow
    return None


def _body(value: BaseModel | dict[str, Any] | None) -> Any:
    if isinstance(value, BaseModel):
        return value.model_dump(by_alias=True, exclude_none=True, mode="json")
    return value


def operator(api: ApiCredentials) -> Flow[m.Operator]:
    return _parsed(call(api, "GET", "/v1/operator"), m.Operator)


def overview(api: ApiCredentials) -> Flow[m.Overview]:
    return _parsed(call(api, "GET", "/v1/overview"), m.Overview)


def spend(api: ApiCredentials, **params: Any) -> Flow[m.Spend]:
    return _parsed(call(api, "GET", "/v1/spend", params=params), m.Spend)


# accounts


def create_account(
    api: ApiCredentials, body: m.NewAccountBody | dict[str, Any], idempotency_key: str | None
) -> Flow[m.AccountView]:
    flow = call(
        api,
        "POST",
        "/v1/accounts",
        body=_body(body),
        expect=(201,),
        idempotency_key=idempotency_key,
    )
    return _parsed(flow, m.AccountView)


def list_accounts(api: ApiCredentials, **params: Any) -> Flow[m.AccountPage]:
    return _parsed(call(api, "GET", "/v1/accounts", params=params), m.AccountPage)


def get_account(api: ApiCredentials, account_id: str) -> Flow[m.AccountView]:
    return _parsed(call(api, "GET", f"/v1/accounts/{account_id}"), m.AccountView)


def balance(api: ApiCredentials, account_id: str) -> Flow[m.Balance]:
    return _parsed(call(api, "GET", f"/v1/accounts/{account_id}/balance"), m.Balance)


def get_policy(api: ApiCredentials, account_id: str) -> Flow[m.PolicyView]:
    return _parsed(call(api, "GET", f"/v1/accounts/{account_id}/policy"), m.PolicyView)


def policy_versions(api: ApiCredentials, account_id: str) -> Flow[list[m.PolicyView]]:
    response = yield from call(api, "GET", f"/v1/accounts/{account_id}/policy/versions")
    return [m.PolicyView.model_validate(item) for item in response.json()]


def replace_policy(
    api: ApiCredentials, account_id: str, policy: m.PolicyBody | dict[str, Any]
) -> Flow[m.PolicyView]:
    flow = call(api, "PUT", f"/v1/accounts/{account_id}/policy", body=_body(policy))
    return _parsed(flow, m.PolicyView)


def pause(api: ApiCredentials, account_id: str) -> Flow[m.PolicyView]:
    return _parsed(call(api, "POST", f"/v1/accounts/{account_id}/pause"), m.PolicyView)


def unpause(api: ApiCredentials, account_id: str) -> Flow[m.PolicyView]:
    return _parsed(call(api, "POST", f"/v1/accounts/{account_id}/unpause"), m.PolicyView)


def resolve_handle(api: ApiCredentials, handle: str) -> Flow[m.HandleResolution]:
    return _parsed(call(api, "GET", f"/v1/handles/{handle}"), m.HandleResolution)


# keys


def list_api_keys(api: ApiCredentials) -> Flow[list[m.ApiKey]]:
    response = yield from call(api, "GET", "/v1/api-keys")
    return [m.ApiKey.model_validate(item) for item in response.json()]


def create_api_key(api: ApiCredentials, name: str, scopes: list[str]) -> Flow[m.CreatedApiKey]:
    flow = call(api, "POST", "/v1/api-keys", body={"name": name, "scopes": scopes}, expect=(201,))
    return _parsed(flow, m.CreatedApiKey)


def revoke_api_key(api: ApiCredentials, key_id: str) -> Flow[None]:
    return _none(call(api, "DELETE", f"/v1/api-keys/{key_id}", expect=(204,)))


# transfers and escalations


def create_transfer(
    api: ApiCredentials, body: m.NewTransferBody | dict[str, Any], idempotency_key: str | None
) -> Flow[m.TransferView]:
    flow = call(
        api,
        "POST",
        "/v1/transfers",
        body=_body(body),
        expect=(201, 202),
        idempotency_key=idempotency_key,
    )
    return _parsed(flow, m.TransferView)


def list_transfers(api: ApiCredentials, **params: Any) -> Flow[m.TransferPage]:
    return _parsed(call(api, "GET", "/v1/transfers", params=params), m.TransferPage)


def get_transfer(api: ApiCredentials, transfer_id: str) -> Flow[m.TransferView]:
    return _parsed(call(api, "GET", f"/v1/transfers/{transfer_id}"), m.TransferView)


def list_escalations(api: ApiCredentials, **params: Any) -> Flow[m.EscalationPage]:
    return _parsed(call(api, "GET", "/v1/escalations", params=params), m.EscalationPage)


def get_escalation(api: ApiCredentials, escalation_id: str) -> Flow[m.EscalationView]:
    return _parsed(call(api, "GET", f"/v1/escalations/{escalation_id}"), m.EscalationView)


def decide_escalation(
    api: ApiCredentials, escalation_id: str, decision: str, note: str | None
) -> Flow[m.EscalationView]:
    body = {} if note is None else {"note": note}
    flow = call(api, "POST", f"/v1/escalations/{escalation_id}/{decision}", body=body)
    return _parsed(flow, m.EscalationView)


# receipts and sessions (what agents report)


def list_receipts(api: ApiCredentials, **params: Any) -> Flow[m.ReceiptPage]:
    return _parsed(call(api, "GET", "/v1/receipts", params=params), m.ReceiptPage)


def report_receipts(api: ApiCredentials, receipts: list[dict[str, Any]]) -> Flow[m.ReceiptResults]:
    flow = call(api, "POST", "/v1/receipts", body={"receipts": receipts})
    return _parsed(flow, m.ReceiptResults)


def list_sessions(api: ApiCredentials, **params: Any) -> Flow[m.SessionPage]:
    return _parsed(call(api, "GET", "/v1/sessions", params=params), m.SessionPage)


def get_session(api: ApiCredentials, session_id: str) -> Flow[m.SessionView]:
    return _parsed(call(api, "GET", f"/v1/sessions/{session_id}"), m.SessionView)


# webhooks, jobs, audit, reconciliation


def create_webhook(api: ApiCredentials, url: str, events: list[str] | None) -> Flow[m.Webhook]:
    body: dict[str, Any] = {"url": url}
    if events is not None:
        body["events"] = events
    return _parsed(call(api, "POST", "/v1/webhooks", body=body, expect=(201,)), m.Webhook)


def list_webhooks(api: ApiCredentials) -> Flow[list[m.Webhook]]:
    response = yield from call(api, "GET", "/v1/webhooks")
    return [m.Webhook.model_validate(item) for item in response.json()]


def disable_webhook(api: ApiCredentials, endpoint_id: str) -> Flow[None]:
    return _none(call(api, "DELETE", f"/v1/webhooks/{endpoint_id}", expect=(204,)))


def enable_webhook(api: ApiCredentials, endpoint_id: str) -> Flow[None]:
    return _none(call(api, "POST", f"/v1/webhooks/{endpoint_id}/enable", expect=(204,)))


def rotate_webhook_secret(api: ApiCredentials, endpoint_id: str) -> Flow[m.RotatedSecret]:
    flow = call(api, "POST", f"/v1/webhooks/{endpoint_id}/rotate-secret")
    return _parsed(flow, m.RotatedSecret)


def resend_event(api: ApiCredentials, endpoint_id: str, event_id: int) -> Flow[None]:
    flow = call(
        api, "POST", f"/v1/webhooks/{endpoint_id}/resend", body={"eventId": event_id}, expect=(202,)
    )
    return _none(flow)


def list_deliveries(api: ApiCredentials, endpoint_id: str, **params: Any) -> Flow[m.DeliveryPage]:
    flow = call(api, "GET", f"/v1/webhooks/{endpoint_id}/deliveries", params=params)
    return _parsed(flow, m.DeliveryPage)


def dead_jobs(api: ApiCredentials, **params: Any) -> Flow[m.DeadJobPage]:
    return _parsed(call(api, "GET", "/v1/jobs/dead", params=params), m.DeadJobPage)


def replay_job(api: ApiCredentials, job_id: str) -> Flow[m.ReplayedJob]:
    flow = call(api, "POST", f"/v1/jobs/{job_id}/replay", expect=(202,))
    return _parsed(flow, m.ReplayedJob)


def audit(api: ApiCredentials, **params: Any) -> Flow[m.AuditPage]:
    return _parsed(call(api, "GET", "/v1/audit", params=params), m.AuditPage)


def verify_audit(api: ApiCredentials) -> Flow[m.AuditVerification]:
    flow = call(api, "POST", "/v1/audit/verify", mutation=False)
    return _parsed(flow, m.AuditVerification)


def reconciliation(api: ApiCredentials) -> Flow[list[m.DifferenceView]]:
    response = yield from call(api, "GET", "/v1/reconciliation")
    return [m.DifferenceView.model_validate(item) for item in response.json()]

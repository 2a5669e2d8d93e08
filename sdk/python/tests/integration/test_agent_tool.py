from __future__ import annotations

import mpppal
from examples.agent_tool import make_fetch_tool

from .helpers import policy, wallet_of
from .stack import Provider, Stack


def test_the_agent_tool_pays_and_reports_refusals_as_text(stack: Stack, provider: Provider) -> None:
    account, agent = stack.account(policy())
    with mpppal.Client(
        wallet=wallet_of(account, agent), rpc_url=stack.rpc_url, max_price=20_000
    ) as client:
        fetch = make_fetch_tool(client)
        answer = fetch(f"{provider.url}/charge")
    assert answer.startswith("HTTP 200 (paid 10000 base units)")
    assert "a paid answer" in answer
    with mpppal.Client(
        wallet=wallet_of(account, agent), rpc_url=stack.rpc_url, max_price=1
    ) as client:
        refused = make_fetch_tool(client)(f"{provider.url}/charge")
    assert refused.startswith("not paid: no payable challenge")

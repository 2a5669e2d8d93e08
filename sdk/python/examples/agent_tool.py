"""An agent tool that pays: a plain, typed function an agent framework can register as a tool
(the OpenAI Agents SDK's `function_tool(fetch_paid)`, LangChain's `StructuredTool.from_function`
...), without `mpppal` depending on either. The policy, the caller's price cap and the wallet's
balance still decide every payment; a refusal comes back as text the model can act on."""

from __future__ import annotations

from collections.abc import Callable

import mpppal


def make_fetch_tool(client: mpppal.Client, max_chars: int = 4_000) -> Callable[[str], str]:
    def fetch_paid(url: str) -> str:
        """Fetch a URL, paying for it from the agent's wallet if the service asks for payment.

        Args:
            url: the http(s) URL to fetch.
        """
        try:
            response = client.get(url)
        except (mpppal.PaymentRefusedError, mpppal.ChallengeRejectedError) as error:
            return f"not paid: {error}"
        paid = mpppal.payment_of(response)
        cost = f" (paid {paid.amount} base units)" if paid else ""
        return f"HTTP {response.status_code}{cost}: {response.text[:max_chars]}"

    return fetch_paid

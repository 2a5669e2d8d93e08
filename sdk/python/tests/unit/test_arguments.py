"""Bad input fails at once, with a typed error naming what is wrong."""

from __future__ import annotations

import pytest
from solders.keypair import Keypair

import mpppal
from mpppal import InvalidArgumentError


def test_wallets_and_limits_refuse_bad_input_at_once() -> None:
    with pytest.raises(InvalidArgumentError, match="base58"):
        mpppal.AgentWallet.of(Keypair(), "not-a-key")
    with pytest.raises(InvalidArgumentError, match="origins"):
        mpppal.Client(wallet=Keypair(), rpc_url="http://127.0.0.1:1", allowed_origins="x")
    with pytest.raises(InvalidArgumentError, match="acct_"):
        mpppal.CustodialAccount(
            mpppal.ApiCredentials("mpk_1", "s", "http://api.test"), "nope", Keypair().pubkey()
        )


def test_the_paying_client_refuses_bad_limits() -> None:
    with pytest.raises(mpppal.InvalidArgumentError, match="max_price"):
        mpppal.Client(wallet=Keypair(), rpc_url="http://127.0.0.1:1", max_price=-1)
    with pytest.raises(mpppal.InvalidArgumentError, match="rpc_url"):
        mpppal.Client(wallet=Keypair())

"""The real MPPPal stack for integration tests: `mpppal localnet`, `mpppal serve --worker` on a
fresh PostgreSQL database and its own Redis stream, an operator, and `mpppal provider`s. Every
process started here is stopped, and the database dropped, by `Stack.stop()`."""

from __future__ import annotations

import os
import re
import secrets
import socket
import subprocess
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import httpx
from solders.keypair import Keypair
from solders.pubkey import Pubkey

import mpppal

SDK = Path(__file__).resolve().parents[2]
REPO = SDK.parents[1]
LOGS = SDK / "test-results" / "stack"
PG = os.environ.get("MPPPAL_TEST_POSTGRES", "postgres://postgres@127.0.0.1:5432")
REDIS = os.environ.get("MPPPAL_TEST_REDIS", "redis://127.0.0.1:6379")
USDC = 1_000_000


def binary() -> str:
    """`$MPPPAL_BIN`, else the debug build under `$CARGO_TARGET_DIR` or the repository's target/;
    a missing binary fails the run loudly rather than skipping it."""
    explicit = os.environ.get("MPPPAL_BIN")
    candidates = [Path(explicit)] if explicit else []
    if not explicit:
        target = os.environ.get("CARGO_TARGET_DIR")
        if target:
            candidates.append(Path(target) / "debug" / "mpppal")
        candidates.append(REPO / "target" / "debug" / "mpppal")
    for path in candidates:
        if path.is_file() and os.access(path, os.X_OK):
            return str(path)
    raise RuntimeError(
        f"no mpppal binary (looked at {[str(c) for c in candidates]}); set MPPPAL_BIN"
    )


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Process:
    name: str
    popen: subprocess.Popen[bytes]
    output: list[str] = field(default_factory=list)

    def wait_for(self, pattern: str, timeout: float = 120.0) -> re.Match[str]:
        deadline = time.monotonic() + timeout
        regex = re.compile(pattern)
        while time.monotonic() < deadline:
            for line in list(self.output):
                found = regex.search(line)
                if found:
                    return found
            if self.popen.poll() is not None:
                raise RuntimeError(f"{self.name} exited ({self.popen.returncode}); see {LOGS}")
            time.sleep(0.05)
        raise TimeoutError(f"{self.name} did not print {pattern!r}; see {LOGS}")

    def stop(self) -> None:
        if self.popen.poll() is None:
            self.popen.terminate()
            try:
                self.popen.wait(5)
            except subprocess.TimeoutExpired:
                self.popen.kill()
                self.popen.wait()


def start(name: str, args: list[str], env: dict[str, str] | None = None) -> Process:
    LOGS.mkdir(parents=True, exist_ok=True)
    log = (LOGS / f"{name}.log").open("wb")
    popen = subprocess.Popen(
        args, env=env, stdout=subprocess.PIPE, stderr=log, stdin=subprocess.DEVNULL
    )
    process = Process(name, popen)

    def pump(stream: IO[bytes]) -> None:
        for raw in stream:
            log.write(raw)
            log.flush()
            process.output.append(raw.decode(errors="replace"))

    assert popen.stdout is not None
    threading.Thread(target=pump, args=(popen.stdout,), daemon=True).start()
    return process


def psql(sql: str) -> None:
    subprocess.run(
        ["psql", f"{PG}/postgres", "-v", "ON_ERROR_STOP=1", "-qAtc", sql],
        check=True, capture_output=True,
    )  # fmt: skip


def rpc(url: str, method: str, params: list[Any]) -> Any:
    answer = httpx.post(
        url, json={"jsonrpc": "2.0", "id": 1, "method": method, "params": params}, timeout=30
    ).json()
    if "error" in answer:
        raise RuntimeError(f"{method}: {answer['error']}")
    return answer["result"]


def confirm(rpc_url: str, signature: str) -> None:
    for _ in range(150):
        status = rpc(rpc_url, "getSignatureStatuses", [[signature]])["value"][0]
        if status and status.get("confirmationStatus") in ("confirmed", "finalized"):
            return
        time.sleep(0.1)
    raise TimeoutError(f"{signature} not confirmed")


@dataclass
class Provider:
    url: str
    recipient: Pubkey
    process: Process


@dataclass
class Stack:
    bin: str
    rpc_url: str
    api_url: str
    database: str
    env: dict[str, str]
    key_id: str
    secret: str
    mint: Pubkey
    processes: list[Process]

    def operator(self) -> mpppal.MppPal:
        return mpppal.MppPal(key_id=self.key_id, secret=self.secret, base_url=self.api_url)

    def provider(self, price: int, *extra: str) -> Provider:
        return self.provider_on(free_port(), price, *extra)

    def provider_on(self, port: int, price: int, *extra: str) -> Provider:
        process = start(f"provider-{port}", [
            self.bin, "provider", "--rpc", self.rpc_url, "--bind", f"127.0.0.1:{port}",
            "--price", str(price), *extra,
        ])  # fmt: skip
        found = process.wait_for(r"paid to (\w+)")
        self.processes.append(process)
        return Provider(f"http://127.0.0.1:{port}", Pubkey.from_string(found.group(1)), process)

    def airdrop(self, to: Pubkey, lamports: int = 1_000_000_000) -> None:
        confirm(self.rpc_url, rpc(self.rpc_url, "requestAirdrop", [str(to), lamports]))

    def faucet(self, owner: Pubkey, amount: int) -> None:
        rpc(self.rpc_url, "mpppal_requestUsdc", [str(owner), amount])

    def lamports(self, owner: Pubkey) -> int:
        return int(rpc(self.rpc_url, "getBalance", [str(owner)])["value"])

    def usdc(self, owner: Pubkey) -> int:
        account = mpppal.programs.token_account(owner, self.mint)
        try:
            value = rpc(self.rpc_url, "getTokenAccountBalance", [str(account)])
        except RuntimeError:
            return 0
        return int(value["value"]["amount"])

    def signatures_for(self, address: Pubkey) -> list[str]:
        rows = rpc(self.rpc_url, "getSignaturesForAddress", [str(address), {"limit": 1000}])
        return [row["signature"] for row in rows if row.get("err") is None]

    def account(
        self, policy: dict[str, Any], *, custody: str = "non_custodial", funds: int = 100 * USDC
    ) -> tuple[mpppal.models.AccountView, Keypair | None]:
        """A new agent account with `policy`, its wallet funded with `funds`."""
        agent = Keypair() if custody == "non_custodial" else None
        body: dict[str, Any] = {
            "name": f"agent {secrets.token_hex(3)}",
            "custody": custody,
            "policy": policy,
        }
        if agent is not None:
            body["agentPublicKey"] = str(agent.pubkey())
        with self.operator() as api:
            account = api.create_account(body)
        if funds:
            self.faucet(Pubkey.from_string(account.solana_address), funds)
        return account, agent

    def stop(self) -> None:
        for process in reversed(self.processes):
            process.stop()
        try:
            psql(f"DROP DATABASE IF EXISTS {self.database} WITH (FORCE)")
        except subprocess.CalledProcessError as error:
            print(f"could not drop {self.database}: {error.stderr!r}")
        # The run's own job stream goes too (other suites share this Redis).
        subprocess.run(["redis-cli", "-u", REDIS, "DEL", self.env["MPPPAL_JOB_STREAM"]],
                       capture_output=True, check=False)  # fmt: skip


def start_stack() -> Stack:
    bin_ = binary()
    processes: list[Process] = []
    database = f"mpppal_pysdk_{secrets.token_hex(6)}"
    created = False
    try:
        chain_port, api_port = free_port(), free_port()
        chain = start("localnet", [bin_, "localnet", "--port", str(chain_port)])
        processes.append(chain)
        psql(f"CREATE DATABASE {database}")
        created = True
        chain.wait_for(r"JSON-RPC on")
        rpc_url = f"http://127.0.0.1:{chain_port}"
        api_url = f"http://127.0.0.1:{api_port}"
        env = {
            **os.environ,
            "DATABASE_URL": f"{PG}/{database}",
            "REDIS_URL": REDIS,
            "MPPPAL_JOB_STREAM": f"mpppal:jobs:{database}",
            "MPPPAL_MASTER_KEY": secrets.token_hex(32),
            "SOLANA_RPC_URL": rpc_url,
            "MPPPAL_WEBHOOK_ALLOW_PRIVATE": "1",
            "MPPPAL_RECEIPT_BATCH_SECONDS": "1",
            "MPPPAL_WORKER_BACKOFF_SECONDS": "1",
            "RUST_LOG": os.environ.get("RUST_LOG", "info"),
        }
        serve = start("serve", [bin_, "serve", "--worker", "--bind", f"127.0.0.1:{api_port}"], env)
        processes.append(serve)
        deadline = time.monotonic() + 120
        while True:
            try:
                if httpx.get(f"{api_url}/health", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if serve.popen.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"mpppal serve did not start; see {LOGS}/serve.log")
            time.sleep(0.2)
        created_op = subprocess.run(
            [bin_, "operator", "create", "--name", "Python SDK tests"],
            env=env,
            check=True,
            capture_output=True,
            text=True,
        ).stdout

        def field_(name: str) -> str:
            found = re.search(rf"^{name}\s+(\S+)", created_op, re.MULTILINE)
            if not found:
                raise RuntimeError(f"unexpected output of operator create: {created_op}")
            return found.group(1)

        info = rpc(rpc_url, "mpppal_info", [])
        stack = Stack(
            bin_,
            rpc_url,
            api_url,
            database,
            env,
            field_("key id"),
            field_("secret"),
            Pubkey.from_string(info["usdcMint"]),
            processes,
        )
        with stack.operator() as api:
            owner = api.operator().owner_address
        assert owner is not None
        stack.airdrop(Pubkey.from_string(owner), 10_000_000_000)
        return stack
    except BaseException:
        for process in reversed(processes):
            process.stop()
        if created:
            psql(f"DROP DATABASE IF EXISTS {database} WITH (FORCE)")
        raise

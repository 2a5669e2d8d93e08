"""The real operator API for the spec-driven fuzzing: `mpppal localnet`, a fresh PostgreSQL
database, `mpppal serve --worker` on it and Redis, and an operator whose key signs every request
schemathesis makes (`MPPPal-HMAC-SHA256`, docs/api.md)."""

from __future__ import annotations

import hashlib
import hmac
import os
import re
import secrets
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
import schemathesis

ROOT = Path(__file__).resolve().parents[2]
PG = "postgres://postgres@127.0.0.1:5432"


def binary() -> str:
    path = os.environ.get("MPPPAL_BIN")
    if not path:
        target = Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target"))
        path = str(target / "debug" / "mpppal")
    if not os.access(path, os.X_OK):
        raise RuntimeError(f"no mpppal binary at {path}: set MPPPAL_BIN or build it")
    return path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Signed(requests.auth.AuthBase):
    """Signs each prepared request: method, path, raw query, timestamp and body hash. The API
    accepts one signature once, so a request repeated within a second is signed with the next
    second (the window allows 300 s)."""

    def __init__(self, key_id: str, secret: str) -> None:
        self.key_id = key_id
        self.key = hashlib.sha256(secret.encode()).digest()
        self.last: dict[str, int] = {}

    def __call__(self, r: requests.PreparedRequest) -> requests.PreparedRequest:
        path, _, query = (r.path_url or "/").partition("?")
        body = r.body or b""
        if isinstance(body, str):
            body = body.encode()
        what = "\n".join([r.method or "GET", path, query, hashlib.sha256(body).hexdigest()])
        second = max(int(time.time()), self.last.get(what, 0) + 1)
        self.last[what] = second
        method, path_, query_, digest = what.split("\n")
        canonical = "\n".join([method, path_, query_, str(second), digest])
        mac = hmac.new(self.key, canonical.encode(), hashlib.sha256).hexdigest()
        r.headers["Authorization"] = (
            f"MPPPal-HMAC-SHA256 KeyId={self.key_id}, Timestamp={second}, Signature={mac}"
        )
        return r


def wait_for(url: str, what: str, seconds: float = 60) -> None:
    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            if requests.get(url, timeout=2).status_code < 500:
                return
        except requests.RequestException:
            pass
        time.sleep(0.25)
    raise RuntimeError(f"{what} did not answer at {url}")


@pytest.fixture(scope="session")
def api() -> Iterator[tuple[str, requests.Session]]:
    bin_ = binary()
    database = f"mpppal_apifuzz_{secrets.token_hex(6)}"
    chain_port, api_port = free_port(), free_port()
    logs = ROOT / "tests" / "api-fuzz" / "test-results"
    logs.mkdir(exist_ok=True)
    procs: list[subprocess.Popen[bytes]] = []
    subprocess.run(["psql", f"{PG}/postgres", "-qc", f"CREATE DATABASE {database}"], check=True)
    try:
        with open(logs / "localnet.log", "wb") as log:
            procs.append(
                subprocess.Popen([bin_, "localnet", "--port", str(chain_port)], stdout=log, stderr=log)
            )
        env = {
            **os.environ,
            "DATABASE_URL": f"{PG}/{database}",
            "REDIS_URL": "redis://127.0.0.1:6379",
            "MPPPAL_MASTER_KEY": secrets.token_hex(32),
            "SOLANA_RPC_URL": f"http://127.0.0.1:{chain_port}",
            "MPPPAL_JOB_STREAM": f"mpppal:jobs:{database}",
            "MPPPAL_WEBHOOK_ALLOW_PRIVATE": "true",
            # Schemathesis asks as fast as it can, from one address, with one key.
            "MPPPAL_RATE_LIMIT_PER_KEY": "off",
            "MPPPAL_RATE_LIMIT_PER_ADDRESS": "off",
            "MPPPAL_RATE_LIMIT_SIGN_IN": "off",
            "RUST_LOG": "info",
        }
        wait_for(f"http://127.0.0.1:{chain_port}", "the local chain")
        with open(logs / "serve.log", "wb") as log:
            procs.append(
                subprocess.Popen(
                    [bin_, "serve", "--worker", "--bind", f"127.0.0.1:{api_port}"],
                    env=env,
                    stdout=log,
                    stderr=log,
                )
            )
        base = f"http://127.0.0.1:{api_port}"
        wait_for(f"{base}/health", "mpppal serve")
        created = subprocess.run(
            [bin_, "operator", "create", "--name", "API fuzzing"],
            env=env,
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        field = lambda name: re.search(rf"^{name}\s+(\S+)", created, re.M)  # noqa: E731
        key_id, secret = field("key id"), field("secret")
        if not key_id or not secret:
            raise RuntimeError(f"unexpected output of operator create: {created}")
        session = requests.Session()
        session.auth = Signed(key_id.group(1), secret.group(1))
        yield base, session
    finally:
        for proc in reversed(procs):
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
        subprocess.run(
            ["psql", f"{PG}/postgres", "-qc", f"DROP DATABASE IF EXISTS {database} WITH (FORCE)"],
            check=False,
        )


@pytest.fixture(scope="session")
def api_schema(api: tuple[str, requests.Session]) -> schemathesis.BaseSchema:
    base, _ = api
    return schemathesis.openapi.from_url(f"{base}/openapi.json")

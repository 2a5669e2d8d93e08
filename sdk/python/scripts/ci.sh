#!/usr/bin/env bash
# The Python SDK's whole check: a virtualenv from the pinned requirements, lint, format, strict
# types, then unit and integration tests (the latter start the real `mpppal` binaries, so
# MPPPAL_BIN must point at one, or the repository's debug build must exist).
# Fails when any step fails or when no test ran.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON="${PYTHON:-python3}"
if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
.venv/bin/python -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
.venv/bin/python -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .

# solana-pay-kit's server (the interop tests' other implementation) pins older solana/solders
# than this SDK, so it gets a virtualenv of its own.
if [ ! -x .venv-paykit/bin/python ] || ! cmp -s tests/interop/requirements-paykit.txt .venv-paykit/requirements.txt; then
  "$PYTHON" -m venv .venv-paykit
  .venv-paykit/bin/python -m pip install --quiet --disable-pip-version-check -r tests/interop/requirements-paykit.txt
  cp tests/interop/requirements-paykit.txt .venv-paykit/requirements.txt
fi

.venv/bin/ruff check .
.venv/bin/ruff format --check .
.venv/bin/mypy

set +e
.venv/bin/pytest "$@" | tee .venv/pytest.log
status=${PIPESTATUS[0]}
set -e
# pytest exits 5 when it collected nothing; treat that, and any failure, as a failed check.
if [ "$status" -ne 0 ]; then
  echo "pytest failed (exit $status)" >&2
  exit "$status"
fi
if ! grep -Eq '[0-9]+ passed' .venv/pytest.log; then
  echo "no test passed" >&2
  exit 1
fi

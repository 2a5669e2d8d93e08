"""Every `/v1` operation of the server's own OpenAPI description, with requests generated from
it and signed: the server never answers 5xx, every answer has a content type and a body the
description declares (errors as problem+json), every status is one it lists, and no signed
request is refused as unauthenticated (so the fuzzing reaches the handlers)."""

from __future__ import annotations

import os

import requests
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

schema = schemathesis.pytest.from_fixture("api_schema").include(path_regex="^/v1/")

EXAMPLES = int(os.environ.get("MPPPAL_API_FUZZ_EXAMPLES", "10"))


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)
def test_the_api_answers_as_its_description_says(
    case: schemathesis.Case, api: tuple[str, requests.Session]
) -> None:
    base, session = api
    response = case.call_and_validate(
        base_url=base,
        session=session,
        checks=[
            schemathesis.checks.not_a_server_error,
            status_code_conformance,
            content_type_conformance,
            response_schema_conformance,
        ],
    )
    # Every request is signed right: a 401 would mean the fuzzing never got past the door.
    assert response.status_code != 401, response.text

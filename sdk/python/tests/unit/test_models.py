"""The API models are what scripts/gen_models.py makes of the server's OpenAPI description."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path

from mpppal import models

ROOT = Path(__file__).resolve().parents[2]
SPEC = ROOT.parents[1] / "dashboard" / "openapi.json"


def generator() -> object:
    spec = importlib.util.spec_from_file_location("gen_models", ROOT / "scripts" / "gen_models.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_committed_models_match_the_openapi_description(tmp_path: Path) -> None:
    out = tmp_path / "models.py"
    out.write_text(generator().generate(SPEC))  # type: ignore[attr-defined]
    ruff = Path(sys.executable).parent / "ruff"
    subprocess.run([str(ruff), "format", "--quiet", str(out)], check=True, cwd=ROOT)
    committed = (ROOT / "src" / "mpppal" / "models.py").read_text()
    assert out.read_text() == committed, "run scripts/gen_models.py and commit models.py"


def test_every_schema_has_a_model_with_its_required_fields() -> None:
    schemas = json.loads(SPEC.read_text())["components"]["schemas"]
    for name, schema in schemas.items():
        model = getattr(models, name)
        if "enum" in schema:
            continue
        aliases = {f.alias for f in model.model_fields.values()}
        assert set(schema.get("required", [])) <= aliases, name

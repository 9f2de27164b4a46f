"""Check requests the bot sends against LINE's official OpenAPI description (../shared/line-openapi).

OpenAPI's `discriminator` is not JSON Schema, so each base schema with a mapping is rewritten into
if/then branches that pick the concrete schema by its `type`, and the concrete schemas' `allOf` point at
the base without its discriminator (so they do not recurse).
"""

from __future__ import annotations

import copy
import re
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from jsonschema import Draft202012Validator

SPEC = Path(__file__).resolve().parents[2] / "shared" / "line-openapi" / "messaging-api.yml"


def available() -> bool:
    return SPEC.exists()


@cache
def _document() -> dict[str, Any]:
    spec = yaml.safe_load(SPEC.read_text(encoding="utf-8"))
    schemas: dict[str, Any] = spec["components"]["schemas"]
    for name, schema in list(schemas.items()):
        discriminator = schema.get("discriminator")
        if not discriminator or "mapping" not in discriminator:
            continue
        core_name = f"{name}__core"
        core = copy.deepcopy(schema)
        del core["discriminator"]
        schemas[core_name] = core
        base_ref = f"#/components/schemas/{name}"
        for target in discriminator["mapping"].values():
            concrete = schemas[target.rsplit("/", 1)[-1]]
            for part in concrete.get("allOf", []):
                if part.get("$ref") == base_ref:
                    part["$ref"] = f"#/components/schemas/{core_name}"
        prop = discriminator["propertyName"]
        schemas[name] = {
            "allOf": [
                {"$ref": f"#/components/schemas/{core_name}"},
                *(
                    {
                        "if": {"properties": {prop: {"const": value}}, "required": [prop]},
                        "then": {"$ref": target},
                    }
                    for value, target in discriminator["mapping"].items()
                ),
            ]
        }
    return spec


def _request_schema(method: str, path: str) -> str:
    spec = _document()
    operation = spec["paths"][path][method.lower()]
    ref = operation["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    return ref


def problems(method: str, path: str, body: Any) -> list[str]:
    """Every way `body` breaks the spec's request schema for this endpoint."""
    document = _document()
    root = {"components": document["components"], "$ref": _request_schema(method, path)}
    validator = Draft202012Validator(root)
    return [
        f"{'/'.join(map(str, error.absolute_path))}: {error.message}" for error in validator.iter_errors(body)
    ]


def operation(method: str, path: str) -> dict[str, Any] | None:
    """The spec's operation for a concrete request path ("/v2/bot/message/4711/content"), or None.

    For requests without a JSON body (downloads): the path must match one of the spec's path templates, and
    the template must have the method."""
    for template, item in _document()["paths"].items():
        pattern = "^" + re.sub(r"\\\{[^/]+?\\\}", "[^/]+", re.escape(template)) + "$"
        if re.match(pattern, path) and method.lower() in item:
            return dict(item[method.lower()])
    return None

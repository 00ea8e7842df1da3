"""The API's OpenAPI schema for tests: fetched as a client would, and its schemas as JSON Schema
to validate real bodies and the examples with (``jsonschema``).

OpenAPI 3.0's ``nullable`` is no JSON Schema keyword: it becomes ``"null"`` among the types. And
an object that lists its properties takes no others here (unless it says
``additionalProperties``), so a misspelt key in an example or a body is caught.
"""

from typing import Any

from jsonschema import Draft202012Validator
from rest_framework.test import APIClient

ERROR_REF = "#/components/schemas/Error"
WRITES = ("post", "put", "patch")
METHODS = ("get", "post", "put", "patch", "delete")


def openapi_schema(client: APIClient | None = None) -> dict[str, Any]:
    response = (client or APIClient()).get(
        "/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json"
    )
    assert response.status_code == 200
    return response.json()


def operations(schema: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    """Every operation as ``(path, method, operation)``."""
    return [
        (path, method, operation)
        for path, item in schema["paths"].items()
        for method, operation in item.items()
        if method in METHODS
    ]


def operation(schema: dict[str, Any], path: str, method: str) -> dict[str, Any]:
    return schema["paths"][path][method]


def _as_json_schema(node: Any) -> Any:
    if isinstance(node, list):
        return [_as_json_schema(item) for item in node]
    if not isinstance(node, dict):
        return node
    converted = {key: _as_json_schema(value) for key, value in node.items()}
    if converted.get("type") == "object" and "properties" in converted:
        converted.setdefault("additionalProperties", False)
    if converted.pop("nullable", False):
        if isinstance(converted.get("type"), str):
            converted["type"] = [converted["type"], "null"]
            if "enum" in converted:
                converted["enum"] = [*converted["enum"], None]
        else:
            converted = {"anyOf": [converted, {"type": "null"}]}
    return converted


def validator(schema: dict[str, Any], body_schema: dict[str, Any]) -> Draft202012Validator:
    """A validator of ``body_schema`` (a ``$ref`` or an inline schema) whose references reach
    the schema's components."""
    components = _as_json_schema(schema["components"])
    return Draft202012Validator({"allOf": [_as_json_schema(body_schema)], "components": components})


def errors_of(schema: dict[str, Any], body_schema: dict[str, Any], value: Any) -> list[str]:
    """What is wrong with ``value`` by ``body_schema``: nothing when it fits."""
    found = validator(schema, body_schema).iter_errors(value)
    return [f"{'/'.join(map(str, error.absolute_path))}: {error.message}" for error in found]


def error_schema(schema: dict[str, Any]) -> dict[str, Any]:
    return {"$ref": ERROR_REF}

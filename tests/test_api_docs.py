"""/api/docs: what "Try it out" fills in must be a request the API accepts."""

from __future__ import annotations

from typing import Any

import pytest

from chat.languages import LANGUAGES, LEVELS
from chat.models import Conversation
from tests.helpers import register

pytestmark = pytest.mark.django_db


def swagger_sample(schema: dict[str, Any], components: dict[str, Any]) -> Any:
    """Return the value Swagger UI's "Try it out" puts in a request body for `schema`.

    Its rules (swagger-ui's getSampleSchema): an example, else the default, else the first
    allowed value, else a placeholder of the type ("string", 0, true).
    """
    if "$ref" in schema:
        return swagger_sample(components[schema["$ref"].rsplit("/", 1)[1]], components)
    for key in ("example", "default"):
        if key in schema:
            return schema[key]
    if schema.get("examples"):
        return schema["examples"][0]
    if schema.get("enum"):
        return schema["enum"][0]
    if schema.get("type") == "object":
        return {
            name: swagger_sample(field, components)
            for name, field in schema.get("properties", {}).items()
        }
    return {"string": "string", "integer": 0, "number": 0, "boolean": True}[schema["type"]]


@pytest.fixture
def published(client) -> dict[str, Any]:
    return client.get("/api/openapi.json").json()


def test_the_schema_lists_the_languages_and_levels_a_conversation_accepts(published):
    fields = published["components"]["schemas"]["ConversationIn"]["properties"]

    assert fields["language"]["enum"] == list(LANGUAGES)
    assert fields["feedback_language"]["enum"] == list(LANGUAGES)
    assert fields["level"]["enum"] == list(LEVELS)


def test_try_it_out_with_the_default_body_starts_a_conversation(client, published):
    register(client)
    operation = published["paths"]["/api/conversations"]["post"]
    body_schema = operation["requestBody"]["content"]["application/json"]["schema"]
    body = swagger_sample(body_schema, published["components"]["schemas"])

    response = client.post("/api/conversations", body, content_type="application/json")

    assert response.status_code == 201, response.content
    assert Conversation.objects.get().language == body["language"]

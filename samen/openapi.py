"""The OpenAPI schema documents the error answers every operation can give.

drf-spectacular documents the success answers of each view; the errors come from DRF
itself for every view alike, so they are added here once, for every operation (a
postprocessing hook, SPECTACULAR_SETTINGS["POSTPROCESSING_HOOKS"]):
- 400 where the operation takes parameters or a body: the fields and their messages;
- 401 without (valid) credentials, 403 without the right, 429 past the rate limit;
- 404 where the path names an object or the list is paged (a page that does not exist).
"""

ERROR = {
    "type": "object",
    "description": "What is wrong, in Dutch (the language of the API's users).",
    "required": ["detail"],
    "properties": {"detail": {"type": "string"}},
}
# DRF's validation errors: per field (or `non_field_errors`) a list of messages, nested for
# nested fields; a body that is no JSON at all gives {"detail": "..."}.
VALIDATION_ERRORS = {
    "type": "object",
    "description": "Per field its messages (in Dutch); `non_field_errors` for the whole.",
    "additionalProperties": {
        "anyOf": [
            {"type": "string"},
            {"type": "array", "items": {"type": ["string", "object"]}},
            {"type": "object"},
        ]
    },
}
DESCRIPTIONS = {
    "400": "Invalid input: per field what is wrong.",
    "401": "No API key or session, or not a valid one.",
    "403": "Not allowed for this caller.",
    "404": "Not found (or not visible to this caller), or a page that does not exist.",
    "429": "Too many requests: wait the time given in Retry-After.",
}


def _answer(code: str, ref: str) -> dict:
    return {
        "description": DESCRIPTIONS[code],
        "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{ref}"}}},
    }


def document_error_answers(result, generator, request, public):
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas["Error"] = ERROR
    schemas["ValidationErrors"] = VALIDATION_ERRORS
    for path, operations in result.get("paths", {}).items():
        for operation in operations.values():
            responses = operation.setdefault("responses", {})
            parameters = {p.get("name") for p in operation.get("parameters", [])}
            wanted = {"401": "Error", "403": "Error", "429": "Error"}
            if parameters or "requestBody" in operation:
                wanted["400"] = "ValidationErrors"
            if "{" in path or "page" in parameters:
                wanted["404"] = "Error"
            for code, ref in wanted.items():
                responses.setdefault(code, _answer(code, ref))
    return result

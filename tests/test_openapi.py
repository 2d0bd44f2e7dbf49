"""The OpenAPI document: committed, current, complete, and served with its docs page."""

import re
from pathlib import Path

import pytest

import yaml
from openapi_spec_validator import validate

from api import create_app

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def spec_app(tmp_path_factory):
    url = f"sqlite:///{tmp_path_factory.mktemp('spec')}/spec.db"
    return create_app({"TESTING": True, "DATABASE_URL": url})


@pytest.fixture(scope="module")
def generated(spec_app):
    runner = spec_app.test_cli_runner()
    result = runner.invoke(args=["openapi", "print", "--format=yaml"])
    assert result.exit_code == 0, result.output
    return result.output


def test_committed_openapi_yaml_is_current(generated):
    # Text, not parsed: the order of media types is part of the contract.
    committed = (ROOT / "openapi.yaml").read_text()
    assert committed == generated, (
        "openapi.yaml is stale: run `make openapi` and commit it"
    )


def _parameter_names(spec: dict, parameters: list[dict]) -> list[str]:
    shared = spec["components"].get("parameters", {})
    return [
        shared[p["$ref"].rsplit("/", 1)[1]]["name"] if "$ref" in p else p["name"]
        for p in parameters
    ]


def test_generated_clients_read_json_and_get_distinct_parameters():
    # Generators take a response's first media type as its type and make one
    # argument per parameter name: GeoJSON listed first made a client parse
    # every JSON list as a FeatureCollection, and /actors/{actor_id}/events
    # taking an actor_id filter too made it rename the path's.
    spec = yaml.safe_load((ROOT / "openapi.yaml").read_text())
    for path, operations in spec["paths"].items():
        common = _parameter_names(spec, operations.get("parameters", []))
        for method, operation in operations.items():
            if method == "parameters":
                continue
            where = f"{method.upper()} {path}"
            for status, response in operation["responses"].items():
                media = list(response.get("content", {}))
                if "application/json" in media:
                    assert media[0] == "application/json", (where, status, media)
            names = common + _parameter_names(spec, operation.get("parameters", []))
            assert len(names) == len(set(names)), (where, names)


def test_document_is_valid_openapi(generated):
    validate(yaml.safe_load(generated))


def test_every_operation_is_documented(generated):
    spec = yaml.safe_load(generated)
    seen = set()
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            if method == "parameters":
                continue
            where = f"{method.upper()} {path}"
            assert operation.get("summary"), where
            assert operation.get("operationId"), where
            assert operation["operationId"] not in seen, where
            seen.add(operation["operationId"])
            responses = operation["responses"]
            assert "default" in responses, where
            if "{" in path:
                assert "404" in responses, where
            content = operation.get("requestBody", {}).get("content", {})
            if "application/json" in content:
                assert {"400", "422"} <= responses.keys(), where
                body = content["application/json"]
                assert "example" in body or "examples" in body, where
            elif content:
                assert "422" in responses, where
    assert len(seen) >= 30


def test_error_responses_are_problem_details(generated):
    spec = yaml.safe_load(generated)
    for name, response in spec["components"]["responses"].items():
        for content_type in response.get("content", {}):
            assert content_type == "application/problem+json", name


def test_server_owned_fields_are_read_only(generated):
    schemas = yaml.safe_load(generated)["components"]["schemas"]
    for name in ("Article", "Actor", "Location", "Event"):
        for field in ("id", "created_at", "updated_at"):
            assert schemas[name]["properties"][field]["readOnly"] is True
        assert "id" not in schemas[f"{name}Write"]["properties"]


def test_openapi_json_and_offline_docs_page(spec_app):
    client = spec_app.test_client()
    response = client.get("/openapi.json")
    assert response.status_code == 200
    assert response.get_json()["info"]["title"] == "Dateline"

    response = client.get("/docs/")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "/openapi.json" in page
    assert "//cdn" not in page and "unpkg" not in page
    for asset in ("swagger-ui-bundle.js", "swagger-ui.css"):
        assert asset in page
        assert client.get(f"/docs/{asset}").status_code == 200


def test_patch_bodies_document_no_defaults():
    # A field left out of a PATCH keeps its value; a documented default is
    # what generated clients send when the caller sets nothing.
    schemas = yaml.safe_load((ROOT / "openapi.yaml").read_text())["components"]
    patches = {n: s for n, s in schemas["schemas"].items() if n.endswith("Patch")}
    assert set(patches) >= {"EventPatch", "ActorPatch", "LocationPatch", "ArticlePatch"}
    for name, schema in patches.items():
        for field, definition in schema["properties"].items():
            assert "default" not in definition, (name, field)


def test_lists_document_the_headers_that_lead_to_their_next_page(generated):
    spec = yaml.safe_load(generated)
    lists = 0
    for path, operations in spec["paths"].items():
        get = operations.get("get", {})
        names = _parameter_names(spec, get.get("parameters", []))
        if "page" in names or "after" in names:
            lists += 1
            headers = get["responses"]["200"]["headers"]
            assert {"Link", "X-Next-Cursor"} <= set(headers), path
    assert lists >= 9


def _operations(spec: dict):
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            if method != "parameters":
                yield f"{method.upper()} {path}", operation


def test_generated_clients_send_no_page_number_unasked(generated):
    # A documented default is what generated clients send when the caller
    # sets nothing: page=1 beside a cursor is refused, and page_size on an
    # export pages it. The defaults hold all the same; the description says so.
    spec = yaml.safe_load(generated)
    pages = 0
    for where, operation in _operations(spec):
        for parameter in operation.get("parameters", []):
            if parameter.get("name") in ("page", "page_size"):
                pages += 1
                assert "default" not in parameter["schema"], (where, parameter)
                assert "when absent" in parameter["description"], where
    assert pages >= 16


def test_every_operation_says_more_than_its_summary(generated):
    for where, operation in _operations(yaml.safe_load(generated)):
        description = operation.get("description", "").strip()
        assert description, where
        assert description != operation["summary"], where
        assert description.endswith("."), where


class _Yaml12Loader(yaml.SafeLoader):
    """Reads plain scalars as YAML 1.2's core schema does, where 1.1 differs."""


_Yaml12Loader.add_implicit_resolver(
    "tag:yaml.org,2002:int",
    re.compile(r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$"),
    list("-+0123456789"),
)
_Yaml12Loader.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    re.compile(r"^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$"),
    list("-+.0123456789"),
)


def test_yaml_reads_the_same_under_yaml_1_1_and_1_2(generated):
    # Spectral and JavaScript read YAML 1.2, where an unquoted 0871 is the
    # number 871: CAMEO codes and other digit strings must be quoted.
    assert yaml.load(generated, Loader=_Yaml12Loader) == yaml.safe_load(generated)
    assert "event_code: '0871'" in generated
    assert "&id" not in generated, "aliases: write shared objects out in full"


def test_lists_answer_json_only_and_tell_the_other_formats(generated):
    # Generated clients type a response as the union of its media types: a
    # list offering CSV beside JSON typed every list's data as JSON or text.
    spec = yaml.safe_load(generated)
    lists = exports = 0
    for where, operation in _operations(spec):
        ok = operation["responses"].get("200", {})
        schema = ok.get("content", {}).get("application/json", {}).get("schema", {})
        if schema.get("type") != "array":
            continue
        lists += 1
        assert list(ok["content"]) == ["application/json"], where
        told = ok.get("x-export-content", {})
        if told:
            exports += 1
            assert "`text/csv`" in ok["description"], where
            for media in told:
                assert f"`{media}`" in ok["description"], (where, media)
            assert "406" in operation["responses"], where
    assert lists >= 18
    assert exports >= 8


def _refs(node):
    if isinstance(node, dict):
        if "$ref" in node:
            yield node["$ref"]
        for value in node.values():
            yield from _refs(value)
    elif isinstance(node, list):
        for value in node:
            yield from _refs(value)


def test_every_reference_resolves(generated):
    # Extensions are written as given, not resolved by apispec.
    spec = yaml.safe_load(generated)
    for ref in set(_refs(spec)):
        node = spec
        for step in ref.removeprefix("#/").split("/"):
            node = node[step.replace("~1", "/").replace("~0", "~")]
        assert node, ref


def test_open_reads_take_the_documents_security(generated):
    # An operation stating any requirement, [{}, ...] included, is generated
    # as needing a key; open reads state none and take the document's.
    spec = yaml.safe_load(generated)
    assert spec["security"] == [{}, {"bearerAuth": []}]
    open_reads = 0
    for where, operation in _operations(spec):
        security = operation.get("security")
        if where.startswith("GET") and security is None:
            open_reads += 1
        elif security is None:
            pytest.fail(f"{where} is a write: it needs a key")
        else:
            assert security in ([], [{"bearerAuth": []}]), where
    assert open_reads >= 18

"""Calling the app's Dash callbacks over HTTP as the browser does (POST /_dash-update-component),
with any values. The tests for hostile input and microdata, the load test and the benchmark use it,
through Flask's test client or, for a real server, through `HttpSession`, which answers alike."""

from __future__ import annotations

import base64
import json
import urllib.error
import urllib.request
from dataclasses import dataclass


@dataclass(frozen=True)
class Callback:
    output: str  # the key Dash knows the callback by
    outputs: list[tuple[object, str]]
    inputs: list[tuple[object, str]]
    state: list[tuple[object, str]]


def _component_id(raw: str, match: str):
    """A plain id, or a pattern-matching one with MATCH/ALL made concrete."""
    if not raw.startswith("{"):
        return raw
    parsed = json.loads(raw)
    return {key: (match if value in (["MATCH"], ["ALL"], ["ALLSMALLER"]) else value) for key, value in parsed.items()}


def _outputs(output: str) -> list[tuple[str, str]]:
    parts = output[2:-2].split("...") if output.startswith("..") else [output]
    return [tuple(part.rsplit(".", 1)) for part in parts]


def server_callbacks(client, match: str = "x") -> list[Callback]:
    """Every callback that runs on the server (clientside ones never reach it)."""
    callbacks = []
    for spec in client.get("/_dash-dependencies").get_json():
        if spec.get("clientside_function"):
            continue
        callbacks.append(
            Callback(
                output=spec["output"],
                outputs=[(_component_id(i, match), p) for i, p in _outputs(spec["output"])],
                inputs=[(_component_id(i["id"], match), i["property"]) for i in spec["inputs"]],
                state=[(_component_id(i["id"], match), i["property"]) for i in spec["state"]],
            )
        )
    return callbacks


def callbacks_by_first_output(callbacks: list[Callback], first_ids: dict) -> dict:
    """{key: the callback whose first output is that component}, for each key of first_ids that has
    one: how the benchmark and the load test find the callback that draws a page."""
    found = {}
    for key, first_id in first_ids.items():
        match = [c for c in callbacks if c.output.startswith(f"..{first_id}.")]
        if match:
            found[key] = match[0]
    return found


def body(callback: Callback, values: dict[str, object], default=None) -> dict:
    """The request a browser sends, every input changed. `values` maps "id.property" (or just the
    property) to the value sent; the rest get `default`."""

    def entry(component_id, prop):
        key = f"{component_id}.{prop}" if isinstance(component_id, str) else prop
        return {"id": component_id, "property": prop, "value": values.get(key, values.get(prop, default))}

    def prop_id(component_id, prop):
        text = component_id if isinstance(component_id, str) else json.dumps(component_id, separators=(",", ":"), sort_keys=True)
        return f"{text}.{prop}"

    return {
        "output": callback.output,
        "outputs": [{"id": i, "property": p} for i, p in callback.outputs]
        if len(callback.outputs) > 1 or callback.output.startswith("..")
        else {"id": callback.outputs[0][0], "property": callback.outputs[0][1]},
        "inputs": [entry(i, p) for i, p in callback.inputs],
        "state": [entry(i, p) for i, p in callback.state],
        "changedPropIds": [prop_id(i, p) for i, p in callback.inputs],
    }


def call(client, callback: Callback, values: dict[str, object], default=None, headers=None):
    return client.post("/_dash-update-component", json=body(callback, values, default), headers=headers or {})


class HttpResponse:
    """The parts of a Flask test response that the callers read."""

    def __init__(self, status_code: int, data: bytes, headers):
        self.status_code = status_code
        self.data = data
        self.headers = headers

    def get_data(self, as_text: bool = False):
        return self.data.decode("utf-8", "replace") if as_text else self.data

    def get_json(self):
        return json.loads(self.data)


class HttpSession:
    """A real server at `base` (e.g. http://127.0.0.1:8050), with Flask's test-client interface."""

    def __init__(self, base: str, user: str | None = None, password: str | None = None, timeout: float = 60):
        self.base = base.rstrip("/")
        self.timeout = timeout
        self._auth = {}
        if password is not None:
            token = base64.b64encode(f"{user}:{password}".encode()).decode()
            self._auth = {"Authorization": f"Basic {token}"}

    def _send(self, request: urllib.request.Request) -> HttpResponse:
        for key, value in self._auth.items():
            request.add_header(key, value)
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                return HttpResponse(response.status, response.read(), response.headers)
        except urllib.error.HTTPError as error:  # 4xx and 5xx are answers, not failures, here
            return HttpResponse(error.code, error.read(), error.headers)

    def get(self, path: str, headers=None) -> HttpResponse:
        return self._send(urllib.request.Request(self.base + path, headers=headers or {}))

    def post(self, path: str, json=None, headers=None) -> HttpResponse:
        data = _json_dumps(json).encode()
        request = urllib.request.Request(self.base + path, data=data, method="POST", headers=headers or {})
        request.add_header("Content-Type", "application/json")
        return self._send(request)


def _json_dumps(value) -> str:
    return json.dumps(value, separators=(",", ":"))

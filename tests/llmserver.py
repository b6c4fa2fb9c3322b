"""A chat-completions server on 127.0.0.1 for the LLM tests: real sockets, real HTTP.

It reads the passage out of each request and answers from fixtures registered for that
passage's text (or for a text the passage holds) (a JSON answer, prose around it, invalid JSON, an error first, a slow first
answer), else from a gold file (acting as a perfect model), else with no relation. It
counts every request and remembers the Authorization headers it saw.
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

PASSAGE = "\n\nPassage:\n"


@dataclass
class Fixture:
    """How to answer one passage: `content` (str, or a dict sent as JSON); the first
    `fail` attempts get `status` (with `retry_after`) or, for status 0, a `delay` sleep."""

    content: Any
    fail: int = 0
    status: int = 0
    retry_after: str | None = None
    delay: float = 0.0


class LLMServer:
    """Start with `with LLMServer() as srv:`; `srv.url` is the base URL (…/v1)."""

    def __init__(self, gold: list[dict] | None = None, schema: bool = True, delay: float = 0.0):
        self.fixtures: dict[str, Fixture] = {}
        self.gold = {r["text"]: r for r in gold or []}
        self.schema = schema  # False: answer 400 to a json_schema response_format
        self.delay = delay  # seconds before every answer
        self.requests: list[dict] = []  # (passage, time, status) of every request
        self.auth: list[str] = []
        self.attempts: dict[str, int] = {}
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}/v1"

    def __enter__(self) -> LLMServer:
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    def total(self) -> int:
        """Requests received (counted on arrival, before any answer)."""
        with self._lock:
            return sum(self.attempts.values())

    def count(self, status: int = 200) -> int:
        """Requests answered with `status` (counted once the answer is sent)."""
        with self._lock:
            return sum(1 for r in self.requests if r["status"] == status)

    def _answer(self, body: dict) -> tuple[int, dict[str, str], bytes, float]:
        user = body["messages"][-1]["content"]
        passage = user.split(PASSAGE, 1)[1] if PASSAGE in user else user
        with self._lock:
            n = self.attempts.get(passage, 0)
            self.attempts[passage] = n + 1
        fmt = (body.get("response_format") or {}).get("type")
        if fmt == "json_schema" and not self.schema:
            return 400, {}, _error("response_format json_schema is not supported"), 0.0
        fx = self.fixtures.get(passage) or next(
            (f for text, f in self.fixtures.items() if text in passage), None
        )  # exact passage first, else one that holds a fixture's text (a fetched page)
        if fx is not None and n < fx.fail:
            if fx.status:
                headers = {"Retry-After": fx.retry_after} if fx.retry_after else {}
                return fx.status, headers, _error(f"fixture status {fx.status}"), 0.0
            return 200, {}, _completion(body, passage, fx.content), fx.delay
        if fx is not None:
            content = fx.content
        elif passage in self.gold:
            g = self.gold[passage]
            content = {"entities": g.get("entities", []), "relations": g.get("relations", [])}
        else:
            content = {"entities": [], "relations": []}
        return 200, {}, _completion(body, passage, content), self.delay

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = json.loads(self.rfile.read(length))
                with server._lock:
                    server.auth.append(self.headers.get("Authorization") or "")
                status, headers, payload, delay = server._answer(body)
                if delay:
                    time.sleep(delay)
                user = body["messages"][-1]["content"]
                with server._lock:
                    server.requests.append(
                        {"passage": user.split(PASSAGE, 1)[-1], "time": time.monotonic(),
                         "status": status, "format": (body.get("response_format") or {}).get("type")}
                    )  # fmt: skip
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(payload)))
                    for k, v in headers.items():
                        self.send_header(k, v)
                    self.end_headers()
                    self.wfile.write(payload)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (a timeout)

        return Handler


def _error(message: str) -> bytes:
    return json.dumps({"error": {"message": message, "type": "fixture"}}).encode()


def _completion(body: dict, passage: str, content: Any) -> bytes:
    text = content if isinstance(content, str) else json.dumps(content)
    return json.dumps(
        {
            "id": "chatcmpl-fixture",
            "object": "chat.completion",
            "created": int(time.time()),
            "model": body.get("model"),
            "choices": [
                {
                    "index": 0,
                    "message": {"role": "assistant", "content": text},
                    "finish_reason": "stop",
                }
            ],
            "usage": {
                "prompt_tokens": len(passage) // 4 + 500,
                "completion_tokens": len(text) // 4 + 1,
                "total_tokens": len(passage) // 4 + 501 + len(text) // 4,
            },
        }
    ).encode()

"""A local stand-in for the WeCom, DingTalk and Feishu robot webhooks, on the loopback only.

It checks each request the way the platform does — the payload's shape and, when the robot has
a secret, the signature recomputed from the shared secret — and answers in the platform's own
words: ``{"errcode": 0}`` / ``{"code": 0}`` when it takes the message, the platform's refusal
code otherwise. A test scripts failures: ``fail_next(500)`` answers HTTP 500 without taking the
message, ``drop_next()`` takes the message and then closes the connection without answering
(the message *was* posted, the sender cannot know)."""

import base64
import hashlib
import hmac
import json
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Received:
    path: str
    query: dict
    body: dict


@dataclass
class Robot:
    kind: str  # "wecom" | "dingtalk" | "feishu"
    secret: str = ""
    requests: list = field(default_factory=list)  # every request that arrived
    accepted: list = field(default_factory=list)  # the messages the "platform" posted
    script: list = field(default_factory=list)  # what to do with the next requests
    problems: list = field(default_factory=list)  # why a request was refused

    def fail_next(self, status=500, times=1):
        self.script.extend([("status", status)] * times)

    def drop_next(self):
        self.script.append(("drop", None))

    # -- the platform's checks ---------------------------------------------------------------

    def verify(self, received: Received) -> str | None:
        body, query = received.body, received.query
        if self.kind == "wecom":
            if "key" not in query:
                return "missing key"
            if body.get("msgtype") != "markdown" or not isinstance(
                body.get("markdown", {}).get("content"), str
            ):
                return "not a markdown message"
            if len(body["markdown"]["content"].encode()) > 4096:
                return "content too long"
            return None
        if self.kind == "dingtalk":
            if self.secret:
                timestamp, sign = query.get("timestamp"), query.get("sign")
                if not timestamp or not sign:
                    return "missing sign"
                if abs(int(timestamp) - time.time() * 1000) > 3600 * 1000:
                    return "timestamp expired"
                expected = base64.b64encode(
                    hmac.new(
                        self.secret.encode(),
                        f"{timestamp}\n{self.secret}".encode(),
                        hashlib.sha256,
                    ).digest()
                ).decode()
                if sign != expected:  # the query string was URL-decoded by the parser
                    return "sign not match"
            markdown = body.get("markdown", {})
            if body.get("msgtype") != "markdown" or not markdown.get("title"):
                return "not a markdown message"
            if not isinstance(markdown.get("text"), str):
                return "not a markdown message"
            return None
        if self.kind == "feishu":
            if self.secret:
                timestamp, sign = body.get("timestamp"), body.get("sign")
                if not timestamp or not sign:
                    return "missing sign"
                if abs(int(timestamp) - time.time()) > 3600:
                    return "timestamp expired"
                key = f"{timestamp}\n{self.secret}".encode()
                expected = base64.b64encode(hmac.new(key, b"", hashlib.sha256).digest()).decode()
                if sign != expected:
                    return "sign match fail"
            if body.get("msg_type") == "interactive":
                card = body.get("card", {})
                if not card.get("header", {}).get("title", {}).get("content"):
                    return "card without title"
                return None
            if body.get("msg_type") == "text" and body.get("content", {}).get("text"):
                return None
            return "unknown msg_type"
        return "unknown platform"

    def answer(self, problem: str | None) -> dict:
        if self.kind == "feishu":
            return (
                {"code": 0, "msg": "success", "data": {}}
                if problem is None
                else {
                    "code": 19021,
                    "msg": problem,
                    "data": {},
                }
            )
        if problem is None:
            return {"errcode": 0, "errmsg": "ok"}
        return {"errcode": 310000 if self.kind == "dingtalk" else 40008, "errmsg": problem}


class _Handler(BaseHTTPRequestHandler):
    robot: Robot

    def log_message(self, *args):  # quiet
        pass

    def do_POST(self):  # noqa: N802 (http.server's name)
        length = int(self.headers.get("Content-Length", "0"))
        raw = self.rfile.read(length)
        parts = urllib.parse.urlsplit(self.path)
        query = dict(urllib.parse.parse_qsl(parts.query))
        try:
            body = json.loads(raw.decode("utf-8"))
        except ValueError:
            body = {}
        received = Received(parts.path, query, body)
        robot = self.server.robot
        robot.requests.append(received)
        action, value = robot.script.pop(0) if robot.script else ("answer", None)
        if action == "status":
            self.send_response(value)
            self.end_headers()
            return
        problem = robot.verify(received)
        if problem is None:
            robot.accepted.append(received)
        else:
            robot.problems.append(problem)
        if action == "drop":
            # Posted, then the connection is gone before the answer.
            self.close_connection = True
            self.connection.shutdown(2)
            return
        data = json.dumps(robot.answer(problem)).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


class Receiver:
    """A threaded HTTP server on 127.0.0.1 (a random port unless one is given)."""

    def __init__(self, robot: Robot, port: int = 0):
        self.robot = robot
        self.server = ThreadingHTTPServer(("127.0.0.1", port), _Handler)
        self.server.robot = robot
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()

    def url(self, kind: str) -> str:
        base = f"http://127.0.0.1:{self.port}"
        return {
            "wecom": f"{base}/cgi-bin/webhook/send?key=wecom-test-key",
            "dingtalk": f"{base}/robot/send?access_token=ding-test-token",
            "feishu": f"{base}/open-apis/bot/v2/hook/feishu-test-hook",
        }[kind]


def free_port() -> int:
    """A loopback port nobody listens on (yet): connecting to it is refused."""
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]

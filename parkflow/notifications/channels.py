"""The outside channels: how a message is written for each platform, how it is signed, how it
is sent, and what the platform's answer means (R-MON-2).

Every send answers an ``Outcome``:

* ``ACCEPTED``  the platform took the message (HTTP 200 and its "ok" code; the mail server took
                the envelope);
* ``RETRY``     it certainly did *not* take it, and trying later may work: the connection was
                refused or timed out before the request was complete, HTTP 429 or 5xx, the
                platform's "too many messages" codes;
* ``REJECTED``  it did not take it and will not (bad key, bad signature, keyword filter, HTTP
                4xx): given up at once, shown on the delivery log;
* ``UNKNOWN``   the request went out whole and no readable answer came back (a read timeout, the
                connection dropped while waiting): it may have been posted. Never retried
                automatically — the outbox marks the delivery "outcome unknown" (D38).

Message formats, from each platform's documentation of its custom group robot:

* WeCom (企业微信): ``{"msgtype": "markdown", "markdown": {"content": ...}}`` (content ≤ 4096
  bytes); the webhook URL carries the robot's key; no signature.
* DingTalk (钉钉): ``{"msgtype": "markdown", "markdown": {"title", "text"}, "at": {...}}``; with
  a secret, ``timestamp`` (ms) and ``sign`` query parameters, ``sign`` =
  urlencode(base64(HMAC-SHA256(key=secret, msg=f"{timestamp}\\n{secret}"))).
* Feishu (飞书): ``{"timestamp", "sign", "msg_type": "interactive", "card": {...}}`` (or
  ``"text"``); ``timestamp`` in seconds, ``sign`` = base64(HMAC-SHA256(key=f"{timestamp}\\n
  {secret}", msg=b"")) — the key and message the other way round from DingTalk.
"""

import base64
import contextlib
import hashlib
import hmac
import http.client
import json
import logging
import smtplib
import socket
import ssl
import time
import urllib.parse
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import EmailMessage, get_connection

from .choices import Channel

logger = logging.getLogger(__name__)

ACCEPTED, RETRY, REJECTED, UNKNOWN = "accepted", "retry", "rejected", "unknown"


@dataclass(frozen=True)
class Outcome:
    kind: str
    detail: str = ""


@dataclass(frozen=True)
class Letter:
    """What is sent, whatever the channel."""

    title: str
    body: str
    url: str = ""  # absolute link to the object, or ""
    mentions: tuple[str, ...] = ()  # names of the people the message is for
    mobiles: tuple[str, ...] = ()  # their mobile numbers (DingTalk's @)


# Platform codes meaning "not accepted now, try later" (rate limits, busy).
RETRYABLE_CODES = {
    Channel.WECOM: {-1, 45009},  # system busy; API frequency out of limit
    Channel.DINGTALK: {-1, 130101},  # system busy; send too fast (20 a minute)
    Channel.FEISHU: {9499, 11232, 99991400},  # busy / frequency limited
}

# What the commonest refusals mean, for the delivery log.
REJECTION_HINTS = {
    310000: "：签名、关键词或 IP 校验未通过",  # DingTalk
    19021: "：签名校验失败或时间戳过期",  # Feishu
    19024: "：未包含自定义关键词",  # Feishu
    93000: "：Webhook 地址无效",  # WeCom
    40008: "：消息格式无效",  # WeCom
}

WECOM_MAX_BYTES = 4096


def _setting(name, default):
    return getattr(settings, name, default)


# ---------------------------------------------------------------------------------------------
# Signing


def dingtalk_sign(secret: str, timestamp_ms: int) -> str:
    string_to_sign = f"{timestamp_ms}\n{secret}".encode()
    digest = hmac.new(secret.encode(), string_to_sign, hashlib.sha256).digest()
    return urllib.parse.quote_plus(base64.b64encode(digest))


def feishu_sign(secret: str, timestamp_s: int) -> str:
    key = f"{timestamp_s}\n{secret}".encode()
    return base64.b64encode(hmac.new(key, b"", hashlib.sha256).digest()).decode()


# ---------------------------------------------------------------------------------------------
# Formats


def _truncate_bytes(text: str, limit: int) -> str:
    data = text.encode("utf-8")
    if len(data) <= limit:
        return text
    return data[: limit - 3].decode("utf-8", "ignore") + "…"


def _markdown_lines(letter: Letter) -> list[str]:
    lines = []
    if letter.body:
        lines.append(letter.body)
    if letter.mentions:
        lines.append("提醒：" + "、".join(letter.mentions))
    if letter.url:
        lines.append(f"[查看详情]({letter.url})")
    return lines


def wecom_payload(letter: Letter) -> dict:
    content = "\n".join([f"**{letter.title}**", *_markdown_lines(letter)])
    return {
        "msgtype": "markdown",
        "markdown": {"content": _truncate_bytes(content, WECOM_MAX_BYTES)},
    }


def dingtalk_payload(letter: Letter) -> dict:
    lines = [f"### {letter.title}", *_markdown_lines(letter)]
    if letter.mobiles:
        # DingTalk rings the @-mentioned only when the text names them too.
        lines.append(" ".join(f"@{m}" for m in letter.mobiles))
    return {
        "msgtype": "markdown",
        "markdown": {"title": letter.title, "text": "\n\n".join(lines)},
        "at": {"atMobiles": list(letter.mobiles), "isAtAll": False},
    }


def feishu_payload(letter: Letter, *, card: bool = True) -> dict:
    if not card:
        text = "\n".join([letter.title, *([letter.body] if letter.body else [])])
        return {"msg_type": "text", "content": {"text": text}}
    elements = []
    body = "\n".join(line for line in _markdown_lines(letter) if not line.startswith("[查看详情]"))
    if body:
        elements.append({"tag": "div", "text": {"tag": "lark_md", "content": body}})
    if letter.url:
        elements.append(
            {
                "tag": "action",
                "actions": [
                    {
                        "tag": "button",
                        "text": {"tag": "plain_text", "content": "查看详情"},
                        "type": "primary",
                        "url": letter.url,
                    }
                ],
            }
        )
    return {
        "msg_type": "interactive",
        "card": {
            "config": {"wide_screen_mode": True},
            "header": {
                "title": {"tag": "plain_text", "content": letter.title},
                "template": "blue",
            },
            "elements": elements,
        },
    }


def network_reason(exc: BaseException) -> str:
    """A network failure in the administrator's words (the delivery log shows no English);
    the exception itself goes to the log."""
    if isinstance(exc, ConnectionRefusedError):
        return "连接被拒绝"
    if isinstance(exc, TimeoutError):
        return "连接超时"
    if isinstance(exc, ssl.SSLError):
        return "安全连接（TLS）失败"
    if isinstance(exc, socket.gaierror):
        return "域名无法解析"
    if isinstance(exc, ConnectionError | http.client.HTTPException):
        return "连接被中断"
    return "网络错误"


# ---------------------------------------------------------------------------------------------
# HTTP: what went wrong *before* the request was complete is told apart from what went wrong
# after it


class NotSent(Exception):
    """Nothing (or an incomplete request) reached the platform: safe to try again."""


class MaybeSent(Exception):
    """The whole request went out; no usable answer came back."""


def post_json(url: str, payload: dict) -> tuple[int, bytes]:
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError("webhook address is not an http(s) URL")
    connect_timeout = _setting("PARKFLOW_NOTIFY_CONNECT_TIMEOUT", 5)
    read_timeout = _setting("PARKFLOW_NOTIFY_READ_TIMEOUT", 10)
    cls = http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
    conn = cls(parts.hostname, parts.port, timeout=connect_timeout)
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    data = json.dumps(payload, ensure_ascii=False).encode("utf-8")
    headers = {"Content-Type": "application/json; charset=utf-8"}
    try:
        try:
            conn.connect()
        except OSError as exc:  # refused, unreachable, connect timeout, TLS handshake
            raise NotSent(f"连接失败：{network_reason(exc)}，消息未发出") from exc
        conn.sock.settimeout(read_timeout)
        try:
            conn.request("POST", path, body=data, headers=headers)
        except OSError as exc:
            # sendall() failed: the request is incomplete and no server acts on half a body.
            raise NotSent(f"发送中断：{network_reason(exc)}，请求不完整，平台不会受理") from exc
        try:
            response = conn.getresponse()
            return response.status, response.read(65536)
        except (OSError, http.client.HTTPException) as exc:
            raise MaybeSent(f"已发出请求但未收到应答：{network_reason(exc)}") from exc
    finally:
        conn.close()


def classify(kind: str, status: int, body: bytes) -> Outcome:
    """What the platform's answer means (see the module docstring)."""
    if status == 429 or status >= 500:
        return Outcome(RETRY, f"平台暂时无法受理（HTTP {status}）")
    if not 200 <= status < 300:
        return Outcome(REJECTED, f"平台拒绝请求（HTTP {status}）")
    try:
        answer = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return Outcome(UNKNOWN, "平台应答无法解析")
    if not isinstance(answer, dict):
        return Outcome(UNKNOWN, "平台应答无法解析")
    if kind == Channel.FEISHU:
        code = answer.get("code", answer.get("StatusCode"))
        text = answer.get("msg", answer.get("StatusMessage", ""))
    else:
        code, text = answer.get("errcode"), answer.get("errmsg", "")
    if code is None:
        return Outcome(UNKNOWN, "平台应答缺少结果码")
    if code == 0:
        return Outcome(ACCEPTED)
    logger.info("%s robot answered %s %s", kind, code, text)
    if code in RETRYABLE_CODES.get(kind, ()):
        return Outcome(RETRY, f"平台限流或繁忙（错误码 {code}）")
    return Outcome(REJECTED, f"平台拒收（错误码 {code}{REJECTION_HINTS.get(code, '')}）")


def robot_request(kind: str, webhook_url: str, secret: str, letter: Letter, *, now=None):
    """(url, payload) for one robot message, signed when the robot has a secret."""
    now = time.time() if now is None else now
    if kind == Channel.WECOM:
        return webhook_url, wecom_payload(letter)
    if kind == Channel.DINGTALK:
        url = webhook_url
        if secret:
            timestamp = int(now * 1000)
            joiner = "&" if urllib.parse.urlsplit(url).query else "?"
            url = f"{url}{joiner}timestamp={timestamp}&sign={dingtalk_sign(secret, timestamp)}"
        return url, dingtalk_payload(letter)
    if kind == Channel.FEISHU:
        payload = feishu_payload(letter)
        if secret:
            timestamp = int(now)
            payload = {
                "timestamp": str(timestamp),
                "sign": feishu_sign(secret, timestamp),
            } | payload
        return webhook_url, payload
    raise ValueError(kind)


def send_robot(kind: str, webhook_url: str, secret: str, letter: Letter) -> Outcome:
    try:
        url, payload = robot_request(kind, webhook_url, secret, letter)
        status, body = post_json(url, payload)
    except ValueError:
        return Outcome(REJECTED, "配置无效：Webhook 地址不是 http(s) 地址")
    except NotSent as exc:
        logger.info("%s robot not reached: %r", kind, exc.__cause__)
        return Outcome(RETRY, str(exc)[:300])
    except MaybeSent as exc:
        logger.warning("%s robot: request sent, no answer: %r", kind, exc.__cause__)
        return Outcome(UNKNOWN, str(exc)[:300])
    return classify(kind, status, body)


def send_email(address: str, letter: Letter) -> Outcome:
    """Through Django's mail backend. Opening the connection is before anything was handed
    over (retry); the server refusing sender or recipients is a rejection; anything else
    while sending may have delivered the mail (unknown)."""
    body = "\n\n".join(part for part in (letter.body, letter.url) if part)
    mail = EmailMessage(
        subject=f"[ParkFlow] {letter.title}",
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[address],
    )
    connection = get_connection(fail_silently=False)
    try:
        connection.open()
    except (OSError, smtplib.SMTPException) as exc:
        logger.info("mail server: %s", exc)
        return Outcome(RETRY, f"邮件服务器连接失败：{network_reason(exc)}")
    try:
        sent = connection.send_messages([mail])
    except (smtplib.SMTPRecipientsRefused, smtplib.SMTPSenderRefused) as exc:
        logger.info("mail server: %s", exc)
        return Outcome(REJECTED, "邮件服务器拒收（发件人或收件人被拒绝）")
    except (OSError, smtplib.SMTPException) as exc:
        logger.info("mail server: %s", exc)
        return Outcome(UNKNOWN, f"邮件发送中断：{network_reason(exc)}")
    finally:
        with contextlib.suppress(OSError, smtplib.SMTPException):
            connection.close()
    return Outcome(ACCEPTED) if sent else Outcome(UNKNOWN, "邮件服务器未确认")


# ---------------------------------------------------------------------------------------------
# Showing a setting without giving it away


def masked(value: str, keep: int = 4) -> str:
    """A secret as the page shows it: its last characters only."""
    if not value:
        return ""
    return "••••" + value[-keep:] if len(value) > keep * 2 else "••••"


def masked_url(url: str) -> str:
    """A webhook address without its key or token (they are what lets anyone post)."""
    if not url:
        return ""
    parts = urllib.parse.urlsplit(url)
    path = parts.path
    if parts.query:
        return f"{parts.scheme}://{parts.netloc}{path}?••••{parts.query[-4:]}"
    head, _sep, tail = path.rpartition("/")
    return f"{parts.scheme}://{parts.netloc}{head}/••••{tail[-4:]}" if tail else url

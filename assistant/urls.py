"""URLs given by the user (the digest's `--webhook`, the drafting endpoint `llm.base_url`): checked before any
work, and shown with their credentials masked.

A URL may carry a password (`http://user:secret@host/`) or a token in its query (`?token=...`); every message and
log line shows it through `masked`, which keeps the scheme, host, port and path and replaces the user information
and every query value by `***`.
"""

from __future__ import annotations

import ipaddress
import re
import unicodedata
from urllib.parse import parse_qsl, urlsplit

SCHEMES = ("http", "https")
MASK = "***"
# a host name: dot-separated labels of letters, digits and hyphens (international names as typed are allowed too)
HOST_LABEL = re.compile(r"^(?!-)[\w-]{1,63}(?<!-)$")


def printable(text: str) -> str:
    """Text from elsewhere (a server's answer, a URL) safe to print: control and format characters are shown
    escaped (`\\x1b`), so a terminal escape sequence or a line break cannot act or forge a line."""
    return "".join(ch if ch.isprintable() or ch == " " else ascii(ch)[1:-1] for ch in str(text))


def masked(url: str) -> str:
    """The URL with its user information and query values replaced by `***`, safe to print or log (control
    characters escaped).

    Never raises: a URL that does not even parse is shown as its scheme only.
    """
    return printable(_masked(str(url)))


def _masked(text: str) -> str:
    try:
        parts = urlsplit(text)
        netloc = parts.netloc
    except ValueError:
        scheme = text.split(":", 1)[0] if ":" in text else ""
        return f"{scheme}:{MASK}" if scheme.isalnum() else MASK
    if "@" in netloc:
        netloc = f"{MASK}@{netloc.rsplit('@', 1)[1]}"
    shown = f"{parts.scheme}://{netloc}{parts.path}" if parts.scheme or netloc else parts.path
    if parts.query:
        pairs = parse_qsl(parts.query, keep_blank_values=True)
        shown += "?" + "&".join(f"{key}={MASK}" for key, _ in pairs) if pairs else f"?{MASK}"
    if parts.fragment:
        shown += f"#{MASK}"
    return shown


def check_url(url: str | None, option: str) -> str | None:
    """The URL unchanged when it is an http(s) URL with a valid host and port; ValueError naming `option`
    (e.g. `--webhook` or `llm.base_url`) and showing the URL masked otherwise. None passes (not set)."""
    if url is None:
        return None
    text = str(url)
    shown = masked(text)
    if not text.strip():
        raise ValueError(f"{option} is empty; expected an http:// or https:// URL")
    if any(unicodedata.category(ch)[0] in "CZ" for ch in text):
        raise ValueError(f"{option} holds a space or a control character: {shown!r}")
    try:
        parts = urlsplit(text)
    except ValueError as exc:  # e.g. an unclosed IPv6 bracket
        raise ValueError(f"{option} is not a URL ({exc}): {shown}") from None
    if parts.scheme.lower() not in SCHEMES:
        raise ValueError(f"{option} expects an http:// or https:// URL, got {shown}")
    host = parts.hostname
    if not host:
        raise ValueError(f"{option} names no host: {shown}")
    if not _valid_host(host):
        raise ValueError(f"{option} has an invalid host {host!r}: {shown}")
    try:
        port = parts.port
    except ValueError:
        given = parts.netloc.rsplit("@", 1)[-1].rsplit("]", 1)[-1].partition(":")[2]
        raise ValueError(f"{option} has an invalid port {given!r} (a number from 1 to 65535): {shown}") from None
    if port == 0:
        raise ValueError(f"{option} has an invalid port '0' (a number from 1 to 65535): {shown}")
    return text


def _valid_host(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
        return True
    except ValueError:
        pass
    labels = host.rstrip(".").split(".")
    return len(host) <= 253 and all(HOST_LABEL.match(label) and "_" not in label for label in labels)


def scrubbed(text: str, url: str) -> str:
    """`text` (e.g. an error message from an HTTP library) with `url` and its credentials replaced by the masked
    URL and `***`."""
    text = str(text).replace(url, masked(url))
    try:
        parts = urlsplit(url)
        secrets = [parts.password, *(value for _, value in parse_qsl(parts.query))]
    except ValueError:
        secrets = [url.split("://", 1)[-1].split("/", 1)[0]]
    for secret in sorted(filter(None, secrets), key=len, reverse=True):
        if len(secret) >= 3:
            text = text.replace(secret, MASK)
    return text

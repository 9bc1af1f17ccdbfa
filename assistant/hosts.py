"""Which hosts are this machine: one answer for the web app's bind address and for the drafting endpoint.

"Local" is decided from the parsed host, never by a prefix: `localhost` or a loopback IP address
(127.0.0.0/8, ::1). `0.0.0.0` listens on every interface, so it is not local; neither is
`127.0.0.1.attacker.example`, a name that only starts like a loopback address.
"""

from __future__ import annotations

import ipaddress
from urllib.parse import urlparse

LOCALHOST_NAMES = frozenset({"localhost"})


def is_loopback_host(host: str | None) -> bool:
    """Whether a host name or IP address is this machine's loopback (nothing sent to it leaves the machine)."""
    if not host:
        return False
    host = host.strip().strip("[]").rstrip(".").lower()
    if host in LOCALHOST_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def is_local_endpoint(base_url: str | None) -> bool:
    """Whether an endpoint URL points at this machine."""
    if not base_url:
        return False
    try:
        host = urlparse(base_url).hostname
    except ValueError:
        return False
    return is_loopback_host(host)

"""The client's address, for rate limits: the TCP peer, unless that peer is one of the configured
reverse proxies (``BEDSIDE_TRUSTED_PROXIES``); only then is ``X-Forwarded-For`` believed, read from
the right and skipping the trusted proxies, so a client cannot choose its own address by sending
the header itself."""

from __future__ import annotations

import ipaddress
from functools import lru_cache
from typing import Any

from litestar import Request

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def parse_networks(raw: str) -> tuple[Network, ...]:
    """``"10.0.0.0/8, 127.0.0.1"`` → networks; ValueError names a bad entry."""
    networks = []
    for part in raw.split(","):
        part = part.strip()
        if not part:
            continue
        try:
            networks.append(ipaddress.ip_network(part, strict=False))
        except ValueError:
            raise ValueError(f"{part!r} is not an IP address or network (like 10.0.0.0/8)") from None
    return tuple(networks)


@lru_cache(maxsize=8)
def _parsed(proxies: tuple[str, ...]) -> tuple[Network, ...]:
    return parse_networks(",".join(proxies))


def _trusted(address: str, proxies: tuple[Network, ...]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in net for net in proxies)


def client_address(request: Request[Any, Any, Any], trusted_proxies: tuple[str, ...]) -> str:
    """The address rate limits count for this request (``trusted_proxies`` as in ``Settings``)."""
    peer = request.client.host if request.client else "unknown"
    proxies = _parsed(trusted_proxies)
    if not proxies or not _trusted(peer, proxies):
        return peer
    hops = [h.strip() for value in request.headers.getall("x-forwarded-for", []) for h in value.split(",")]
    for hop in reversed(hops):
        try:
            ip = ipaddress.ip_address(hop)
        except ValueError:
            break  # not an address: believe nothing further to the left
        if not _trusted(str(ip), proxies):
            return str(ip)
    return peer

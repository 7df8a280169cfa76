"""The ``actor`` dependency: the claiming device when ``Authorization: Bearer <token>`` is sent, else
the session. The request link itself (what the QR code shows) does not act: it only opens and claims."""

from __future__ import annotations

from typing import Any

from litestar import Request

from ..assessments.actor import Actor
from ..auth.dependencies import provide_principal
from .links import bearer_token, require_device, resolve_link


async def provide_actor(request: Request[Any, Any, Any]) -> Actor:
    token = bearer_token(request)
    if token is None:
        return Actor.of(await provide_principal(request))
    link = await resolve_link(request.app.state.db, request, token)
    require_device(link)
    return link.actor

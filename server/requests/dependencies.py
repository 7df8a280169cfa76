"""The ``actor`` dependency: a request link when ``Authorization: Bearer <token>`` is sent, else the session."""

from __future__ import annotations

from typing import Any

from litestar import Request

from ..assessments.actor import Actor
from ..auth.dependencies import provide_principal
from .links import bearer_token, resolve_link


async def provide_actor(request: Request[Any, Any, Any]) -> Actor:
    token = bearer_token(request)
    if token is None:
        return Actor.of(await provide_principal(request))
    return (await resolve_link(request.app.state.db, request, token)).actor

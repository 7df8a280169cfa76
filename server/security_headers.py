"""Security headers on every response: a pure ASGI middleware that adds them to ``http.response.start``.

A header the handler already set is left as it is. The Content-Security-Policy allows only this
origin's own files: no inline script or style, no ``eval``, no framing (the PWA keeps its code in
files and sets styles through the CSSOM only; the app shell inlines three of them and allows exactly
those by hash, server/pwa_shell.py). Personal API answers
get ``Cache-Control: no-store``; the public catalog reads stay cacheable. HSTS only in production,
where the app is served over HTTPS.
"""

from __future__ import annotations

from litestar.types import ASGIApp, Message, Receive, Scope, Send



def content_security_policy(*, scripts: list[str] | tuple[str, ...] = (), styles: list[str] | tuple[str, ...] = ()) -> str:
    """The policy; ``scripts`` and ``styles`` are the hashes (``'sha256-…'``) of inline blocks a page may
    run (only the app shell has any: server/pwa_shell.py)."""
    script_src = " ".join(["'self'", *scripts])
    style_src = " ".join(["'self'", *styles])
    return (
        f"default-src 'self'; script-src {script_src}; style-src {style_src}; img-src 'self' data:; "
        "connect-src 'self'; font-src 'self'; manifest-src 'self'; worker-src 'self'; object-src 'none'; "
        "base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    )


CONTENT_SECURITY_POLICY = content_security_policy()
HSTS = "max-age=31536000; includeSubDomains"
HEADERS: tuple[tuple[bytes, bytes], ...] = (
    (b"content-security-policy", CONTENT_SECURITY_POLICY.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
    (b"cross-origin-opener-policy", b"same-origin"),
)
#: API reads that hold nothing personal and may be cached (the form catalog and its FHIR Questionnaires, liveness)
PUBLIC_API = ("/api/catalog", "/api/forms", "/api/fhir/Questionnaire", "/api/health")


def is_public_api(path: str) -> bool:
    return any(path == p or path.startswith(p + "/") for p in PUBLIC_API)


class SecurityHeadersMiddleware:
    """Wraps ``send``; on the response start adds each missing header of ``HEADERS`` (and HSTS, and
    ``no-store`` under ``/api/``)."""

    def __init__(self, app: ASGIApp, *, hsts: bool = False) -> None:
        self.app = app
        self.extra: tuple[tuple[bytes, bytes], ...] = HEADERS + (((b"strict-transport-security", HSTS.encode()),)
                                                                 if hsts else ())

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope.get("path", "")
        add = self.extra
        if path.startswith("/api/") and not is_public_api(path):
            add = add + ((b"cache-control", b"no-store"),)

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers") or [])
                present = {name.lower() for name, _ in headers}
                headers.extend((name, value) for name, value in add if name not in present)
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)

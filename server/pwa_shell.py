"""The app's HTML shell as served: ``pwa/index.html`` with its stylesheet and its two classic scripts
(``js/early.js``, ``js/paint.js``) inlined, and a Content-Security-Policy that allows exactly those
inline blocks by their SHA-256 (still no ``unsafe-inline``, no inline handlers).

Why inline: offline, every file the first frame waits for is one more trip through the service
worker on a slow phone; inlined, the kept first screen paints from the one document the worker
answers with (issue 10's offline start). The sources stay files, edited and reviewed as such; each is
inlined minified (server/pwa_assets.py), and the hashes are of the minified text; the shell is built
again when one of them changes, so editing needs no restart.
"""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass
from pathlib import Path

from litestar import MediaType, Request, Response, get
from litestar.datastructures import State

from .pwa_assets import AssetCache
from .security_headers import content_security_policy

#: what index.html links, and the file inlined in its place
INLINED = {
    '<link rel="stylesheet" href="/app.css">': ("style", "app.css"),
    '<script src="/js/early.js"></script>': ("script", "js/early.js"),
    '<script src="/js/paint.js"></script>': ("script", "js/paint.js"),
}


@dataclass(frozen=True)
class Shell:
    html: bytes
    csp: str
    etag: str


def sha256(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


def build_shell(pwa_dir: Path, assets: AssetCache | None = None) -> Shell:
    """index.html with each linked file of ``INLINED`` in its place, as served (minified); a tag missing
    from index.html is an error here, not a page that silently loads a file the service worker no
    longer keeps."""
    assets = assets or AssetCache(pwa_dir)
    html = (pwa_dir / "index.html").read_text(encoding="utf-8")
    hashes: dict[str, list[str]] = {"script": [], "style": []}
    for tag, (kind, name) in INLINED.items():
        if tag not in html:
            raise ValueError(f"pwa/index.html has no {tag}")
        body = assets.text(name)
        # the source too: served as it is should the minifier ever refuse it
        if any(f"</{kind}" in text.lower() for text in (body, (pwa_dir / name).read_text(encoding="utf-8"))):
            raise ValueError(f"pwa/{name} contains </{kind}, which would end the inlined block")
        hashes[kind].append(sha256(body))
        html = html.replace(tag, f"<{kind}>{body}</{kind}>")
    data = html.encode()
    return Shell(data, content_security_policy(scripts=hashes["script"], styles=hashes["style"]),
                 '"' + hashlib.sha256(data).hexdigest()[:32] + '"')


class ShellCache:
    """The built shell, built again when index.html or an inlined file changes (one stat each)."""

    def __init__(self, pwa_dir: Path, assets: AssetCache | None = None) -> None:
        self.pwa_dir = pwa_dir
        self.assets = assets or AssetCache(pwa_dir)
        self._stamp: tuple[float, ...] = ()
        self._shell: Shell | None = None

    def get(self) -> Shell:
        files = [self.pwa_dir / "index.html", *(self.pwa_dir / name for _, name in INLINED.values())]
        stamp = tuple(p.stat().st_mtime_ns for p in files)
        if self._shell is None or stamp != self._stamp:
            self._shell, self._stamp = build_shell(self.pwa_dir, self.assets), stamp
        return self._shell


@get(["/", "/index.html"], include_in_schema=False, sync_to_thread=False)
def app_shell(request: Request, state: State) -> Response[bytes]:
    """The shell; ``no-cache`` with an ETag, so a new version is noticed at once (offline the service
    worker answers from its own versioned cache, with this policy)."""
    shell: Shell = state.pwa_shell.get()
    headers = {"Content-Security-Policy": shell.csp, "Cache-Control": "no-cache", "ETag": shell.etag}
    if request.headers.get("if-none-match") == shell.etag:
        return Response(b"", status_code=304, headers=headers)
    return Response(shell.html, media_type=MediaType.HTML, headers=headers)

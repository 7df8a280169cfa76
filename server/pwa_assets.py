"""The PWA's JavaScript and CSS as served: minified in memory (tdewolff-minify), from the readable files
in ``pwa/``.

Why: a colleague who opens a bedside request link on a phone that never saw Bedside downloads the
app shell and her form over the ward's network before she can start; comments and long local names
are a third of those bytes even gzipped (issue 12). The sources stay the files that are edited and
reviewed; a file is minified again when its modification time or size changes, so editing needs no
restart (like the shell, server/pwa_shell.py, which inlines three of these files minified).

Served with the static files' headers (``no-cache``, so every visit revalidates) and an ETag of the
bytes sent, answered by a 304 when it matches. A file the minifier refuses is served as it is, with a
warning in the log: never a 500 for a file that a browser could have run.
"""

from __future__ import annotations

import hashlib
import logging
import mimetypes
from dataclasses import dataclass
from email.utils import formatdate
from pathlib import Path

import minify
from litestar import Request, Response, route
from litestar.datastructures import State
from litestar.exceptions import NotFoundException
from litestar.handlers import HTTPRouteHandler

log = logging.getLogger("bedside.pwa")

#: what is minified, by file suffix: the minifier's media type and the Content-Type sent (Litestar adds "; charset=utf-8")
MINIFIED = {".js": ("application/javascript", "text/javascript"),
            ".css": ("text/css", "text/css")}


def minified(text: str, suffix: str, name: str = "") -> str:
    """``text`` minified for a file ending in ``suffix``; the text as it is when the minifier refuses it
    (logged) or would not make it smaller."""
    try:
        small = minify.string(MINIFIED[suffix][0], text)
    except Exception as err:  # noqa: BLE001 - any refusal of the minifier: serve the source
        log.warning("pwa/%s is served unminified: %s", name, err)
        return text
    return small if len(small.encode()) < len(text.encode()) else text


def etag(data: bytes) -> str:
    return '"' + hashlib.sha256(data).hexdigest()[:32] + '"'


def not_modified(request: Request, tag: str) -> bool:
    """``If-None-Match`` names this ETag (or ``*``); a weakened copy (``W/…``, after a proxy's gzip) counts."""
    sent = request.headers.get("if-none-match")
    return bool(sent) and any(t.strip().removeprefix("W/") in (tag, "*") for t in sent.split(","))


@dataclass(frozen=True)
class Asset:
    body: bytes
    media_type: str
    etag: str
    last_modified: str


class AssetCache:
    """Each file built once and kept, built again when its ``(mtime, size)`` changes (one stat a request)."""

    def __init__(self, pwa_dir: Path) -> None:
        self.pwa_dir = pwa_dir.resolve()
        self._built: dict[Path, tuple[tuple[int, int], Asset]] = {}

    def get(self, path: str) -> Asset | None:
        """The file at URL path ``path`` (``/js/app.js``) as served; ``None`` when there is none."""
        file = (self.pwa_dir / path.lstrip("/")).resolve()
        if not file.is_relative_to(self.pwa_dir) or not file.is_file():
            return None
        stat = file.stat()
        stamp = (stat.st_mtime_ns, stat.st_size)
        kept = self._built.get(file)
        if kept and kept[0] == stamp:
            return kept[1]
        data = file.read_bytes()
        if file.suffix in MINIFIED:
            text = minified(data.decode("utf-8"), file.suffix, file.relative_to(self.pwa_dir).as_posix())
            data, media_type = text.encode(), MINIFIED[file.suffix][1]
        else:
            media_type = mimetypes.guess_type(file.name)[0] or "application/octet-stream"
        asset = Asset(data, media_type, etag(data), formatdate(stat.st_mtime, usegmt=True))
        self._built[file] = (stamp, asset)
        return asset

    def text(self, name: str) -> str:
        """The served text of ``pwa/<name>`` (what the shell inlines)."""
        asset = self.get(name)
        if asset is None:
            raise FileNotFoundError(self.pwa_dir / name)
        return asset.body.decode("utf-8")


def asset_paths(pwa_dir: Path) -> list[str]:
    """The URL paths served minified: each top-level JS or CSS file, and each top-level folder holding
    any (every file in such a folder is then served from here, minified where it is JS or CSS)."""
    paths = []
    for entry in sorted(pwa_dir.iterdir()):
        if entry.is_file() and entry.suffix in MINIFIED:
            paths.append(f"/{entry.name}")
        elif entry.is_dir() and any(p.suffix in MINIFIED for p in entry.rglob("*")):
            paths.append(f"/{entry.name}/{{file_path:path}}")
    return paths


def pwa_asset_handler(pwa_dir: Path) -> HTTPRouteHandler:
    """The route handler for ``asset_paths(pwa_dir)``; GET and HEAD, like the static router."""

    def pwa_asset(request: Request, state: State) -> Response[bytes]:
        asset = state.pwa_assets.get(request.url.path)
        if asset is None:
            raise NotFoundException()
        # the static router's headers, with the ETag of the bytes sent
        headers = {"Cache-Control": "no-cache", "ETag": asset.etag, "Last-Modified": asset.last_modified,
                   "Content-Disposition": f'inline; filename="{request.url.path.rsplit("/", 1)[-1]}"'}
        if not_modified(request, asset.etag):
            return Response(b"", status_code=304, headers=headers)
        if request.method == "HEAD":
            return Response(b"", media_type=asset.media_type, headers=headers | {"Content-Length": str(len(asset.body))})
        return Response(asset.body, media_type=asset.media_type, headers=headers)

    return route(asset_paths(pwa_dir), http_method=["GET", "HEAD"], name="pwa-asset", include_in_schema=False,
                 sync_to_thread=False)(pwa_asset)

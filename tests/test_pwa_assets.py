"""The PWA's JavaScript and CSS are served minified (server/pwa_assets.py): every file smaller than its
source and still valid JavaScript (``node --check``, where Node is installed), the shell's inlined
blocks minified with matching hashes, ETag and 304, an edited file served fresh without a restart, and
a file the minifier refuses served as it is."""

from __future__ import annotations

import dataclasses
import logging
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from litestar.testing import AsyncTestClient

from server.app import create_app
from server.pwa_assets import MINIFIED, AssetCache
from server.pwa_shell import INLINED, sha256
from server.settings import REPO_ROOT, Settings

PWA = REPO_ROOT / "pwa"
NODE = shutil.which("node")
#: classic scripts (the service worker, the two the shell inlines); every other .js is an ES module
CLASSIC = {"sw.js", "js/early.js", "js/paint.js"}


def sources() -> list[str]:
    return sorted(p.relative_to(PWA).as_posix() for p in PWA.rglob("*") if p.suffix in MINIFIED)


async def test_every_script_and_stylesheet_is_served_smaller_and_still_parses(client: AsyncTestClient,
                                                                            tmp_path: Path) -> None:
    names = sources()
    assert "js/app.js" in names and "vendor/idb.js" in names and "css/answer.css" in names and "sw.js" in names
    checked = []
    for name in names:
        response = await client.get(f"/{name}")
        assert response.status_code == 200, name
        assert response.headers["content-type"] == MINIFIED[Path(name).suffix][1] + "; charset=utf-8", name
        assert response.headers["cache-control"] == "no-cache", name
        source = (PWA / name).read_bytes()
        assert len(response.content) < len(source), name
        if name.endswith(".js"):
            # Node parses a .cjs file as a classic script and a .mjs file as a module
            copy = tmp_path / (name.replace("/", "_") + (".cjs" if name in CLASSIC else ".mjs"))
            copy.write_bytes(response.content)
            checked.append(copy)
    if NODE is None:
        pytest.skip("no node here to parse the minified JavaScript")
    for copy in checked:
        done = subprocess.run([NODE, "--check", str(copy)], capture_output=True, text=True, timeout=60)
        assert done.returncode == 0, (copy.name, done.stderr)


async def test_the_shell_inlines_minified_blocks_allowed_by_their_hashes(client: AsyncTestClient) -> None:
    response = await client.get("/")
    html, policy = response.text, response.headers["content-security-policy"]
    blocks = re.findall(r"<(script|style)>(.*?)</\1>", html, re.S)
    assert [kind for kind, _ in blocks] == [kind for kind, _ in INLINED.values()]
    for (kind, body), (_, name) in zip(blocks, INLINED.values()):
        assert body == AssetCache(PWA).text(name) and len(body) < len((PWA / name).read_text(encoding="utf-8")), name
        assert sha256(body) in re.search(rf"{kind}-src ([^;]*)", policy).group(1), name
    assert policy.count("'sha256-") == len(blocks)


async def test_an_unchanged_file_is_revalidated_with_a_304(client: AsyncTestClient) -> None:
    first = await client.get("/js/app.js")
    tag = first.headers["etag"]
    assert tag.startswith('"') and first.headers["last-modified"]
    for sent in (tag, f"W/{tag}", f'"other", {tag}', "*"):
        again = await client.get("/js/app.js", headers={"If-None-Match": sent})
        assert again.status_code == 304 and not again.content, sent
        assert again.headers["etag"] == tag and again.headers["cache-control"] == "no-cache"
    assert (await client.get("/js/app.js", headers={"If-None-Match": '"other"'})).content == first.content
    head = await client.head("/js/app.js")
    assert head.status_code == 200 and not head.content and head.headers["content-length"] == str(len(first.content))
    assert (await client.get("/js/no-such-module.js")).status_code == 404
    assert (await client.get("/icons/icon.svg")).content == (PWA / "icons/icon.svg").read_bytes()  # not ours: static


def test_nothing_outside_the_pwa_folder_is_served() -> None:
    assets = AssetCache(PWA)
    assert assets.get("/js/../../pyproject.toml") is None and assets.get("/js/../../server/app.py") is None
    assert assets.get("/js") is None and assets.get("/js/app.js") is not None


@pytest.fixture
def pwa_copy(tmp_path: Path) -> Path:
    copy = tmp_path / "pwa"
    shutil.copytree(PWA, copy)
    return copy


def touch(path: Path, text: str) -> None:
    """Write ``text`` and move the modification time on, as an editor's save does (a coarse clock may not)."""
    before = path.stat().st_mtime_ns
    path.write_text(text, encoding="utf-8")
    os.utime(path, ns=(before + 2_000_000_000, before + 2_000_000_000))


async def test_an_edited_file_is_served_fresh_without_a_restart(settings: Settings, pwa_copy: Path) -> None:
    app = create_app(dataclasses.replace(settings, pwa_dir=pwa_copy))
    async with AsyncTestClient(app=app) as client:
        old = await client.get("/js/pointer.js")
        shell = await client.get("/")
        source = (pwa_copy / "js/pointer.js").read_text(encoding="utf-8")
        touch(pwa_copy / "js/pointer.js", source + "\nexport function freshlyAdded(longParameterName) {\n  return longParameterName;\n}\n")
        touch(pwa_copy / "js/early.js", (pwa_copy / "js/early.js").read_text(encoding="utf-8") + "\nwindow.__edited = 1;\n")
        new = await client.get("/js/pointer.js", headers={"If-None-Match": old.headers["etag"]})
        assert new.status_code == 200 and new.headers["etag"] != old.headers["etag"]
        assert b"freshlyAdded" in new.content and b"longParameterName" not in new.content  # minified too
        fresh_shell = await client.get("/")
        assert "window.__edited=1" in fresh_shell.text
        assert fresh_shell.headers["content-security-policy"] != shell.headers["content-security-policy"]
        script = re.findall(r"<script>(.*?)</script>", fresh_shell.text, re.S)[0]
        assert sha256(script) in fresh_shell.headers["content-security-policy"]


class Kept(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


async def test_a_file_the_minifier_refuses_is_served_as_it_is(settings: Settings, pwa_copy: Path) -> None:
    broken = "export const x = (;\n// a syntax error the minifier refuses\n"
    (pwa_copy / "js/broken.js").write_text(broken, encoding="utf-8")
    app = create_app(dataclasses.replace(settings, pwa_dir=pwa_copy))
    kept = Kept()
    logging.getLogger("bedside.pwa").addHandler(kept)  # the app's logging config may not propagate to caplog
    try:
        async with AsyncTestClient(app=app) as client:
            response = await client.get("/js/broken.js")
    finally:
        logging.getLogger("bedside.pwa").removeHandler(kept)
    assert response.status_code == 200 and response.text == broken
    assert any("js/broken.js" in m and "unminified" in m for m in kept.messages)

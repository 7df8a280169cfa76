"""Security headers on every response (app shell, static files, API answers, errors, the router's own
404/405, /schema); personal API answers are not stored by caches; HSTS in production only; and the
PWA needs nothing the Content-Security-Policy forbids (no inline script or style but the app shell's
own, allowed by hash; no eval)."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pytest

from litestar import Litestar, Response, get
from litestar.testing import AsyncTestClient

from server.app import create_app
from server.pwa_assets import AssetCache
from server.pwa_shell import INLINED, build_shell, sha256
from server.requests.qr import qr_svg
from server.settings import REPO_ROOT, Settings
from tests.helpers import in_app
from tests.world import PASSWORD, World, build_world, login

PWA = REPO_ROOT / "pwa"
CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
       "font-src 'self'; manifest-src 'self'; worker-src 'self'; object-src 'none'; base-uri 'none'; "
       "form-action 'self'; frame-ancestors 'none'")
ALWAYS = {
    "content-security-policy": CSP,
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "x-frame-options": "DENY",
    "cross-origin-opener-policy": "same-origin",
}


def shell_policy() -> str:
    """The app shell's policy: the general one plus the hashes of exactly its inlined blocks."""
    shell = build_shell(PWA)
    html = shell.html.decode()
    scripts = re.findall(r"<script>(.*?)</script>", html, re.S)
    styles = re.findall(r"<style>(.*?)</style>", html, re.S)
    assert len(scripts) == 2 and len(styles) == 1
    return (CSP.replace("script-src 'self'", "script-src 'self' " + " ".join(sha256(b) for b in scripts))
            .replace("style-src 'self'", "style-src 'self' " + " ".join(sha256(b) for b in styles)))


def assert_secured(response: object) -> None:
    headers = response.headers  # type: ignore[attr-defined]
    request = response.request  # type: ignore[attr-defined]
    shell = request.method == "GET" and request.url.path in ("/", "/index.html")
    for name, value in (ALWAYS | ({"content-security-policy": shell_policy()} if shell else {})).items():
        assert headers.get(name) == value, (response, name, headers.get(name))
    assert "unsafe-inline" not in headers["content-security-policy"]
    assert "unsafe-eval" not in headers["content-security-policy"]
    assert "strict-transport-security" not in headers  # development


async def test_the_app_shell_and_static_files_have_the_headers(client: AsyncTestClient) -> None:
    for path in ("/", "/index.html", "/js/app.js", "/js/early.js", "/app.css", "/sw.js"):
        response = await client.get(path)
        assert response.status_code == 200, path
        assert_secured(response)
        assert response.headers["cache-control"] == "no-cache"  # the static files' own, not replaced


async def test_the_shell_inlines_its_first_paint_files_and_allows_only_those(client: AsyncTestClient) -> None:
    """Offline, the first frame needs nothing but the document: app.css, early.js and paint.js are in it
    (minified, as they are served), in the order index.html links them; the policy's hashes match them
    and nothing else runs inline."""
    response = await client.get("/")
    assert response.headers["content-type"].startswith("text/html")
    html = response.text
    for tag, (kind, name) in INLINED.items():
        assert tag not in html
        served = AssetCache(PWA).text(name)
        assert len(served) < len((PWA / name).read_text(encoding="utf-8")), name
        assert f"<{kind}>{served}</{kind}>" in html, name
    assert html.index("window.__early") < html.index('"/js/app.js"')  # early.js runs before paint.js starts the app
    policy = response.headers["content-security-policy"]
    assert policy == shell_policy() and "unsafe-inline" not in policy
    again = await client.get("/", headers={"If-None-Match": response.headers["etag"]})
    assert again.status_code == 304 and not again.content  # revalidated, not sent again
    assert (await client.get("/index.html")).text == html


def test_a_file_that_would_end_its_inlined_block_is_refused(tmp_path: Path) -> None:
    for name in ("index.html", "app.css", "js/early.js", "js/paint.js"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text((PWA / name).read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "js/paint.js").write_text("var x = '</script><script>alert(1)';", encoding="utf-8")
    with pytest.raises(ValueError, match="paint.js"):
        build_shell(tmp_path)
    (tmp_path / "js/paint.js").write_text("", encoding="utf-8")
    (tmp_path / "index.html").write_text("<!doctype html><main></main>", encoding="utf-8")
    with pytest.raises(ValueError, match="no <link"):
        build_shell(tmp_path)


async def test_public_catalog_reads_stay_cacheable(client: AsyncTestClient) -> None:
    for path in ("/api/catalog", "/api/forms", "/api/health"):
        response = await client.get(path)
        assert response.status_code == 200, path
        assert_secured(response)
        assert "no-store" not in response.headers.get("cache-control", ""), path


async def test_personal_api_answers_and_errors_are_not_stored(client: AsyncTestClient, world: World) -> None:
    anonymous = await client.get("/api/auth/session")
    assert anonymous.status_code == 401
    assert_secured(anonymous)
    assert anonymous.headers["cache-control"] == "no-store"

    await login(client, world, "trainee")
    for path in ("/api/assessments", "/api/auth/session"):
        response = await client.get(path)
        assert response.status_code == 200, path
        assert_secured(response)
        assert response.headers["cache-control"] == "no-store", path


async def test_the_routers_own_errors_have_the_headers(client: AsyncTestClient) -> None:
    unknown = await client.get("/api/xyz")
    assert unknown.status_code == 404
    assert_secured(unknown)
    assert unknown.headers["cache-control"] == "no-store"
    for response in (await client.post("/api/catalog"), await client.get("/no-such-file.js"), await client.post("/")):
        assert response.status_code in (404, 405), response.text
        assert_secured(response)


async def test_schema_is_json_only_with_the_headers(client: AsyncTestClient) -> None:
    for path in ("/schema", "/schema/openapi.json"):
        response = await client.get(path)
        assert response.status_code == 200, path
        assert_secured(response)
        assert "<script" not in response.text and "openapi" in response.json()


async def test_a_header_the_handler_set_is_kept(app: Litestar) -> None:
    @get("/api/test-own-headers", sync_to_thread=False)
    def own() -> Response[str]:
        return Response("x", headers={"Cache-Control": "private, max-age=60", "X-Frame-Options": "SAMEORIGIN"})

    app.register(own)
    async with AsyncTestClient(app=app) as client:
        response = await client.get("/api/test-own-headers")
    assert response.headers["cache-control"] == "private, max-age=60"
    assert response.headers["x-frame-options"] == "SAMEORIGIN"
    assert response.headers["content-security-policy"] == CSP
    assert response.headers.get_list("cache-control") == ["private, max-age=60"]  # not added a second time


async def test_hsts_only_in_production(settings: Settings) -> None:
    app = create_app(dataclasses.replace(settings, env="production"))
    async with AsyncTestClient(app=app) as client:
        world = await in_app(client, build_world, app.state.db)
        answers = [await client.get("/"), await client.get("/api/catalog"), await client.get("/api/xyz")]
        response = await client.post("/api/auth/login", json={"email": world.emails["trainee"], "password": PASSWORD})
        assert response.status_code == 200, response.text
        answers.append(response)
    for response in answers:
        assert response.headers["strict-transport-security"] == "max-age=31536000; includeSubDomains"
        assert response.headers["content-security-policy"] in (CSP, shell_policy())


def test_index_has_no_inline_script_or_style() -> None:
    html = (PWA / "index.html").read_text(encoding="utf-8")
    for attrs, content in re.findall(r"<script\b([^>]*)>(.*?)</script>", html, re.S | re.I):
        assert "src=" in attrs and not content.strip(), attrs
    assert not re.search(r"\sstyle\s*=", html, re.I) and "<style" not in html.lower()
    assert not re.search(r"\son[a-z]+\s*=", html, re.I)  # no inline event handlers
    # the early read of IndexedDB is a classic script that runs before js/paint.js starts the module app
    # (the server inlines both, server/pwa_shell.py)
    early = html.index('<script src="/js/early.js"></script>')
    assert early < html.index('<script src="/js/paint.js"></script>')
    assert '"/js/app.js"' in (PWA / "js" / "paint.js").read_text(encoding="utf-8")
    assert "window.__early" in (PWA / "js" / "early.js").read_text(encoding="utf-8")


def test_the_pwa_code_needs_nothing_the_policy_forbids() -> None:
    """No eval, no new Function, no inline style or handler attributes written as HTML, no
    javascript: links (setting ``el.style.x`` through the CSSOM is allowed)."""
    forbidden = re.compile(r"\beval\s*\(|new\s+Function\b|style\s*=\s*[\"'`]|setAttribute\(\s*[\"']style|"
                           r"\son[a-z]+\s*=\s*[\"']|javascript:|\bsetTimeout\(\s*[\"'`]|\bsetInterval\(\s*[\"'`]")
    for path in [*PWA.rglob("*.js"), PWA / "index.html"]:
        text = path.read_text(encoding="utf-8")
        assert not forbidden.search(text), (path, forbidden.search(text))


def test_the_request_qr_code_has_no_style_attribute() -> None:
    """The PWA inserts the segno SVG with innerHTML: a style attribute in it would be blocked."""
    svg = qr_svg("http://127.0.0.1:8000/#/svar/abcdefghijklmnopqrstuvwxyz")
    assert svg.startswith("<svg") and "style" not in svg and "<script" not in svg

"""The PWA's file lists agree (no browser needed): every shipped file is precached by the service
worker, every module the start needs is preloaded, and the first visit fits the 50 KB budget."""

from __future__ import annotations

import gzip
import re
from pathlib import Path

import msgspec

from bench.pwa import BUDGET_BYTES, later_files, shell_files
from server.catalog import load_catalog
from server.catalog.controller import catalog_bundle
from server.pwa_assets import AssetCache
from server.pwa_shell import INLINED, build_shell
from server.settings import REPO_ROOT

PWA = Path(__file__).resolve().parents[2] / "pwa"


def shipped() -> set[str]:
    return {"/" + p.relative_to(PWA).as_posix() for p in PWA.rglob("*") if p.is_file()}


def test_service_worker_keeps_every_shipped_file() -> None:
    """Every file is precached, or kept when first used (views most people never open), or inlined
    into the shell (index.html as the server sends it)."""
    precached, later = set(shell_files()), set(later_files())
    icons = {p for p in shipped() if p.startswith("/icons/")}
    inlined = {"/" + name for _, name in INLINED.values()}
    assert shipped() - icons - precached - later - inlined == set()
    assert (precached | later) - shipped() == set() and not precached & later and not precached & inlined


def test_the_start_preloads_modules_that_exist() -> None:
    """index.html runs js/paint.js, which starts the app and preloads the modules of the first screen."""
    html = (PWA / "index.html").read_text(encoding="utf-8")
    assert '<script src="/js/paint.js"></script>' in html and "modulepreload" not in html
    paint = (PWA / "js" / "paint.js").read_text(encoding="utf-8")
    preloaded = set(re.findall(r'"(/(?:js|vendor)/[^"]+\.js)"', paint))
    assert preloaded <= shipped()
    assert {"/js/app.js", "/js/storage.js", "/vendor/idb.js", "/js/views/assessment.js"} <= preloaded


def test_app_files_and_the_catalog_fit_the_first_visit_budget() -> None:
    """What a first visit downloads, icons aside: the app shell and the catalog answer, gzipped, plus
    1 KB for the small API answers (session, lists)."""
    assets = AssetCache(PWA)  # as the server sends them: minified, and index.html with its files inlined
    served = {"/index.html": build_shell(PWA, assets).html}
    shell = sum(len(gzip.compress(served.get(p) or assets.get(p).body, 9)) for p in shell_files()
                if not p.startswith("/icons/"))
    catalog = load_catalog(REPO_ROOT / "schemas")
    bundle = msgspec.json.encode(catalog_bundle(catalog, frozenset({"trainee"})))  # as a BT-läkare's phone asks
    total = shell + len(gzip.compress(bundle, 9)) + 1024
    assert total <= BUDGET_BYTES, (shell, total)

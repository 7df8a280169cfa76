"""The PWA's file lists agree (no browser needed): every shipped file is precached by the service
worker, every module the start needs is preloaded, and the first visit fits the 50 KB budget."""

from __future__ import annotations

import gzip
import re
from pathlib import Path

from bench.pwa import BUDGET_BYTES, shell_files

PWA = Path(__file__).resolve().parents[2] / "pwa"


def shipped() -> set[str]:
    return {"/" + p.relative_to(PWA).as_posix() for p in PWA.rglob("*") if p.is_file()}


def test_service_worker_precaches_every_shipped_file() -> None:
    precached = set(shell_files())
    icons = {p for p in shipped() if p.startswith("/icons/")}
    assert shipped() - icons - precached == set()
    assert precached - shipped() == set()


def test_index_preloads_modules_that_exist() -> None:
    html = (PWA / "index.html").read_text(encoding="utf-8")
    preloaded = set(re.findall(r'rel="modulepreload" href="([^"]+)"', html))
    assert preloaded <= shipped()
    assert {"/js/app.js", "/js/storage.js", "/vendor/idb.js", "/js/views/assessment.js"} <= preloaded


def test_app_files_fit_the_budget_with_room_for_the_catalog() -> None:
    total = sum(len(gzip.compress((PWA / p.lstrip("/")).read_bytes(), 9)) for p in shell_files()
                if not p.startswith("/icons/"))
    assert total <= BUDGET_BYTES - 10 * 1024, total  # the catalog (about 8 KB gzipped) must fit too

"""The documents as jobs for the render worker: the server gathers what a document holds (as its maker
may read it) and sends it, msgpack-encoded; the worker writes the HTML and lays out the PDF. Both steps
are CPU work (the HTML of a 60-document portfolio takes ~30 ms, its layout seconds), so neither runs on
the server's event loop."""

from __future__ import annotations

import datetime as dt
import functools
from pathlib import Path
from typing import Any

import msgspec

from ..assessments.views import AssessmentView
from ..catalog import Catalog, load_catalog
from ..rounds.report import Report
from ..rounds.views import RoundView
from .render import html_to_pdf, in_worker
from .service import Certificates, Portfolio


class AssessmentJob(msgspec.Struct):
    view: AssessmentView
    placement: str | None


class RoundJob(msgspec.Struct):
    round: RoundView
    report: Report


JOB_TYPES: dict[str, type[Any]] = {"assessment": AssessmentJob, "round": RoundJob, "portfolio": Portfolio,
                                   "certificates": Certificates}


@functools.lru_cache(maxsize=2)
def _catalog(schemas_dir: str) -> Catalog:
    """The worker's own catalog (read once per worker; the same files as the server's)."""
    return load_catalog(Path(schemas_dir))


def html_of(kind: str, job: Any, catalog: Catalog, base_url: str, today: dt.date) -> str:
    from .documents import certificates_document, portfolio_document, round_report_document
    from .html import assessment_document

    if kind == "assessment":
        return assessment_document(job.view, catalog, job.placement, today)
    if kind == "round":
        return round_report_document(job.round, job.report, today)
    if kind == "portfolio":
        return portfolio_document(job, catalog, base_url, today)
    return certificates_document(job, base_url, today)


def build_pdf(kind: str, payload: bytes, schemas_dir: str, base_url: str, today: str) -> bytes:
    """Runs in the worker: decode the job, write its HTML, lay out the PDF."""
    job = msgspec.msgpack.decode(payload, type=JOB_TYPES[kind])
    return html_to_pdf(html_of(kind, job, _catalog(schemas_dir), base_url, dt.date.fromisoformat(today)))


async def make_pdf(kind: str, job: Any, *, schemas_dir: Path, base_url: str, today: dt.date) -> bytes:
    return await in_worker(build_pdf, kind, msgspec.msgpack.encode(job), str(schemas_dir), base_url, today.isoformat())

"""HTTP: the PDFs (one assessment, a released 360 report, a trainee's portfolio, her certificate
drafts) and the certificate drafts as JSON for the app. Each PDF is made in a worker process."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Response, get
from litestar.di import NamedDependency
from litestar.params import Parameter

from .. import clock
from ..auth.principal import Principal
from ..catalog import Catalog
from ..db import Database
from ..fields import DB_INT_MAX
from ..settings import Settings
from . import service
from .jobs import AssessmentJob, RoundJob, make_pdf

TraineeId = Annotated[int, Parameter(ge=1, le=DB_INT_MAX)]
UUID_PATTERN = r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"
DocId = Annotated[str, Parameter(max_length=36, description="The assessment's id.")]
RoundId = Annotated[str, Parameter(pattern=UUID_PATTERN, description="The round's id (a UUID).")]
Sections = Annotated[str | None, Parameter(
    max_length=200, description="Comma-separated sections: placements, assessments, delmal, iup, handledning, plans "
                                "(default: all but plans).")]
Merged = Annotated[str | None, Parameter(
    max_length=400, description="Delmål certified together, e.g. `BT3+BT4+BT5,BT6+BT7`; the rest one by one.")]


def _pdf(content: bytes, name: str) -> Response[bytes]:
    return Response(content, media_type="application/pdf",
                    headers={"Content-Disposition": f'inline; filename="{name}"', "Cache-Control": "no-store"})


async def _made(kind: str, job: Any, settings: Settings) -> bytes:
    return await make_pdf(kind, job, schemas_dir=settings.schemas_dir, base_url=settings.base_url, today=clock.today())


class PortfolioController(Controller):
    path = "/api"
    tags = ["portfolio"]

    @get("/assessments/{doc_id:str}/pdf", operation_id="getAssessmentPdf", media_type="application/pdf")
    async def assessment_pdf(self, principal: NamedDependency[Principal], db: NamedDependency[Database],
                             catalog: NamedDependency[Catalog], settings: NamedDependency[Settings],
                             doc_id: DocId) -> Response[bytes]:
        """One assessment as its reader may see it, as PDF/A: answers, feedback, delmål, signatures and
        how each was made, the form version and content hash in the footer."""
        view, placement = await service.assessment_view(db, catalog, principal, doc_id)
        pdf = await _made("assessment", AssessmentJob(view, placement), settings)
        return _pdf(pdf, f"{view.form_id}-{view.observed_on or view.doc_id}.pdf")

    @get("/rounds/{round_id:str}/report.pdf", operation_id="getRoundReportPdf", media_type="application/pdf")
    async def round_report_pdf(self, principal: NamedDependency[Principal], db: NamedDependency[Database],
                               catalog: NamedDependency[Catalog], settings: NamedDependency[Settings],
                               round_id: RoundId) -> Response[bytes]:
        """A 360 report as the trainee may see it (aggregates only), once it may be read."""
        round_view, report = await service.round_for_report(db, catalog, principal, round_id, clock.now())
        return _pdf(await _made("round", RoundJob(round_view, report), settings), "360-rapport.pdf")

    @get("/trainees/{trainee_id:int}/portfolio.pdf", operation_id="getPortfolioPdf", media_type="application/pdf")
    async def portfolio_pdf(self, principal: NamedDependency[Principal], db: NamedDependency[Database],
                            catalog: NamedDependency[Catalog], settings: NamedDependency[Settings],
                            trainee_id: TraineeId, sections: Sections = None) -> Response[bytes]:
        """The BT portfolio for the external assessment (the trainee, her HHL or studierektor)."""
        chosen = service.parse_sections(sections)
        made = await service.portfolio(db, catalog, principal, trainee_id, clock.today(), chosen)
        return _pdf(await _made("portfolio", made, settings), f"portfolj-{clock.today().isoformat()}.pdf")

    @get("/trainees/{trainee_id:int}/certificates", operation_id="getCertificateDrafts")
    async def certificate_drafts(self, principal: NamedDependency[Principal], db: NamedDependency[Database],
                                 catalog: NamedDependency[Catalog], trainee_id: TraineeId,
                                 merged: Merged = None) -> service.Certificates:
        """Drafts of the *intyg om delmål* (per delmål, or ``merged``) and the *intyg om fullgjord
        bastjänstgöring*, each line with links to its evidence in the app."""
        return await service.certificates(db, catalog, principal, trainee_id, clock.today(), merged)

    @get("/trainees/{trainee_id:int}/certificates.pdf", operation_id="getCertificateDraftsPdf",
         media_type="application/pdf")
    async def certificate_drafts_pdf(self, principal: NamedDependency[Principal], db: NamedDependency[Database],
                                     catalog: NamedDependency[Catalog], settings: NamedDependency[Settings],
                                     trainee_id: TraineeId, merged: Merged = None) -> Response[bytes]:
        """The same drafts as PDF, clearly marked as drafts to transfer to the official forms."""
        drafts = await service.certificates(db, catalog, principal, trainee_id, clock.today(), merged)
        return _pdf(await _made("certificates", drafts, settings), f"intyg-utkast-{clock.today().isoformat()}.pdf")

"""HTTP: ``GET /api/me/export`` (the signed-in person's data) and an administrator's export for a
person who asked in writing (logged)."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Response, get, post
from litestar.di import NamedDependency
from litestar.params import JSONBody, Parameter

from .. import clock
from ..auth.principal import Principal
from ..catalog import Catalog
from ..db import Database
from ..fields import DB_INT_MAX
from ..people.controller import require_admin
from .service import ExportRequest, export_for_admin, export_person

UserId = Annotated[int, Parameter(ge=1, le=DB_INT_MAX)]


def _download(body: dict[str, Any], name: str) -> Response[dict[str, Any]]:
    return Response(body, headers={"Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "no-store"})


class ExportController(Controller):
    path = "/api"
    tags = ["export"]

    @get("/me/export", operation_id="exportMyData")
    async def my_data(self, principal: NamedDependency[Principal], db: NamedDependency[Database],
                      catalog: NamedDependency[Catalog]) -> Response[dict[str, Any]]:
        """Everything Bedside holds about the signed-in person, as one JSON document (GDPR art. 15)."""
        body = await export_person(db, catalog, principal.user_id, clock.now())
        return _download(body, f"bedside-mina-uppgifter-{clock.today().isoformat()}.json")

    @post("/admin/people/{user_id:int}/export", operation_id="adminExportPerson", status_code=200)
    async def person_data(self, principal: NamedDependency[Principal], db: NamedDependency[Database],
                          catalog: NamedDependency[Catalog], user_id: UserId,
                          data: JSONBody[ExportRequest]) -> Response[dict[str, Any]]:
        """The same export for a person who asked in writing; the request and who made it are logged."""
        await require_admin(principal)
        body = await export_for_admin(db, catalog, principal, user_id, data.request, clock.now())
        return _download(body, f"bedside-uppgifter-{user_id}-{clock.today().isoformat()}.json")

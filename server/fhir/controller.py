"""HTTP: a form version as a FHIR Questionnaire (public, like the catalog) and an assessment as a
QuestionnaireResponse (read exactly as ``GET /api/assessments/{id}`` reads it), as ``application/fhir+json``."""

from __future__ import annotations

from typing import Any

from litestar import Controller, get
from litestar.di import NamedDependency
from litestar.params import FromPath

from ..assessments.views import visible_view
from ..auth.principal import Principal
from ..catalog import Catalog
from ..db import Database
from ..errors import NotFound
from .service import FHIR_JSON, find_form, questionnaire, questionnaire_response


class FhirController(Controller):
    path = "/api/fhir"
    tags = ["fhir"]

    @get("/Questionnaire/{questionnaire_id:str}", operation_id="getFhirQuestionnaire", media_type=FHIR_JSON,
         sync_to_thread=False)
    def get_questionnaire(self, catalog: NamedDependency[Catalog], questionnaire_id: FromPath[str]) -> dict[str, Any]:
        """One form version as a FHIR R4 Questionnaire; its id is ``<form_id>-<version>`` (``mini-cex-2``)."""
        form = find_form(catalog, questionnaire_id)
        if form is None:
            raise NotFound(f"There is no Questionnaire {questionnaire_id!r}: its id is <form_id>-<version>, as in "
                           "mini-cex-2; GET /api/forms lists the form versions.")
        return questionnaire(form)

    @get("/QuestionnaireResponse/{doc_id:str}", operation_id="getFhirQuestionnaireResponse", media_type=FHIR_JSON)
    async def get_questionnaire_response(self, principal: NamedDependency[Principal], db: NamedDependency[Database],
                                         catalog: NamedDependency[Catalog], doc_id: FromPath[str]) -> dict[str, Any]:
        """One assessment as a FHIR R4 QuestionnaireResponse (its id is the assessment's), to whoever may read
        it at ``GET /api/assessments/{id}``; people named, never identified."""
        view = await visible_view(db, principal, catalog, doc_id)
        form = catalog.get(view.form_id, view.form_version)
        if form is None:  # every stored assessment's form version is in the catalog (checked at start-up)
            raise NotFound(f"Assessment {doc_id} is of form {view.form_id} version {view.form_version}, "
                           "which this catalog does not have.")
        return questionnaire_response(form, view)

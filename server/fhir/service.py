"""A form version as a FHIR R4 ``Questionnaire``, an assessment as a ``QuestionnaireResponse``: pure
functions from the catalog's and the assessments' own objects to plain JSON-ready dicts (no I/O).

Ids and urls: a Questionnaire's id is ``<form_id>-<version>`` (``mini-cex-2``), its ``url`` the
schema's ``$id`` (``urn:bedside:form:<form_id>:<version>``), its ``version`` the version as a string;
a QuestionnaireResponse's id is the assessment's, its ``questionnaire`` ``<url>|<version>``. Texts are
Swedish (``language: sv``), the English beside them as the standard translation extension. A choice's
codes are its values as strings, in the system of its vocabulary (``urn:bedside:vocabulary:<id>:<version>``)
or of the form's own enum (``urn:bedside:form:<form_id>:<version>:<field>``). People are named
(``display``), never identified: no e-mail, no identity number.
"""

from __future__ import annotations

import re
from typing import Any

from sync.document import LOCKED_STATUSES

from ..assessments.views import AssessmentView
from ..catalog import Catalog, FormVersion
from .items import Item, Text, code_of, item_tree

__all__ = [
    "FHIR_JSON", "canonical_url", "find_form", "questionnaire", "questionnaire_id", "questionnaire_response",
    "response_status",
]

FHIR_JSON = "application/fhir+json"
TRANSLATION = "http://hl7.org/fhir/StructureDefinition/translation"
#: catalog status → Questionnaire.status (PublicationStatus); anything else is ``unknown``
PUBLICATION_STATUS = {"published": "active", "draft": "draft", "retired": "retired"}
QUESTIONNAIRE_ID = re.compile(r"^(?P<form_id>[a-z0-9]+(?:-[a-z0-9]+)*)-(?P<version>[1-9][0-9]{0,8})$")


def questionnaire_id(form: FormVersion) -> str:
    return f"{form.form_id}-{form.version}"


def find_form(catalog: Catalog, fhir_id: str) -> FormVersion | None:
    """The form version a Questionnaire id (``mini-cex-2``) names, or None."""
    match = QUESTIONNAIRE_ID.match(fhir_id)
    return catalog.get(match["form_id"], int(match["version"])) if match else None


def canonical_url(form: FormVersion) -> str:
    """The Questionnaire's ``url``: the schema's ``$id``, else ``urn:bedside:form:<form_id>:<version>``."""
    given = form.schema.get("$id")
    return given if isinstance(given, str) and given else f"urn:bedside:form:{form.form_id}:{form.version}"


def questionnaire(form: FormVersion) -> dict[str, Any]:
    """The form version as a Questionnaire: a group per ui section, an item per ui field."""
    items = item_tree(form)
    by_link = {item.link_id: item for item in _walk(items)}
    resource: dict[str, Any] = {
        "resourceType": "Questionnaire", "id": questionnaire_id(form), "language": "sv", "url": canonical_url(form),
        "version": str(form.version), **_translated("title", form.title),
        "status": PUBLICATION_STATUS.get(form.status, "unknown"), "subjectType": ["Practitioner"],
    }
    if isinstance(form.ui.get("description"), dict):
        resource |= _translated("description", form.ui["description"])
    resource["item"] = [_question(item, by_link) for item in items]
    return resource


def response_status(view: AssessmentView) -> str:
    """QuestionnaireResponse.status: signed (acknowledged, countersigned) → ``completed``: its answers
    are locked; a draft (a returned one too) or one submitted and waiting for its signature →
    ``in-progress``: its answers may still change; deleted → ``entered-in-error``. Bedside has no
    amended state: a correction is an assessment of its own (``amends_id``), the original stays
    ``completed``."""
    if view.deleted:
        return "entered-in-error"
    return "completed" if view.status in LOCKED_STATUSES else "in-progress"


def questionnaire_response(form: FormVersion, view: AssessmentView) -> dict[str, Any]:
    """The assessment as a QuestionnaireResponse to its form version's Questionnaire: the items of
    ``questionnaire(form)`` that have an answer, each answer typed as its item."""
    resource: dict[str, Any] = {
        "resourceType": "QuestionnaireResponse", "id": view.doc_id, "language": "sv",
        "questionnaire": f"{canonical_url(form)}|{form.version}", "status": response_status(view),
        "subject": _person(view.trainee_name), "authored": view.updated_at,
    }
    # the author is who vouches for the answers by signing: the trainee on a form she signs herself (a
    # self-assessment, a Coachloopen whose supervisor only adds a comment), else the assessor
    author = view.trainee_name if form.workflow.sign == "trainee" else view.assessor_name
    if author:
        resource["author"] = _person(author)
    answered = _answered(item_tree(form), view.data)
    if answered:
        resource["item"] = answered
    return resource


# --- the pieces -------------------------------------------------------------------------------------------

def _swedish(text: Text) -> str:
    return text.get("sv") or next(iter(text.values()), "")


def _translated(name: str, text: Text) -> dict[str, Any]:
    """``{name: Swedish}``, and the English as a translation extension on ``_name``."""
    out: dict[str, Any] = {name: _swedish(text)}
    if text.get("en"):
        out[f"_{name}"] = {"extension": [{"url": TRANSLATION, "extension": [
            {"url": "lang", "valueCode": "en"}, {"url": "content", "valueString": text["en"]}]}]}
    return out


def _person(name: str) -> dict[str, Any]:
    return {"type": "Practitioner", "display": name}


def _walk(items: tuple[Item, ...]) -> list[Item]:
    return [found for item in items for found in (item, *_walk(item.children))]


def _question(item: Item, by_link: dict[str, Item]) -> dict[str, Any]:
    out: dict[str, Any] = {"linkId": item.link_id, **_translated("text", item.text), "type": item.type}
    if item.prefix:
        out["prefix"] = item.prefix
    if item.required:
        out["required"] = True
    if item.repeats:
        out["repeats"] = True
    if item.max_length is not None:
        out["maxLength"] = item.max_length
    if item.show_if:
        condition = _enable_when(by_link.get(item.show_if[0]), item.show_if[1])
        if condition:
            out["enableWhen"] = [condition]
    if item.options:
        out["answerOption"] = [{"valueCoding": {"system": item.system, "code": o.code, **_translated("display", o.display)}}
                               for o in item.options]
    if item.children:
        out["item"] = [_question(child, by_link) for child in item.children]
    return out


def _enable_when(question: Item | None, value: Any) -> dict[str, Any] | None:
    """ui.json's ``show_if`` as an enableWhen: that question's answer equals the value."""
    answer = _answer(question, value) if question is not None else None
    if answer is None:
        return None
    ((key, typed),) = answer.items()  # valueCoding → answerCoding
    return {"question": question.link_id, "operator": "=", "answer" + key.removeprefix("value"): typed}


def _answer(item: Item, value: Any) -> dict[str, Any] | None:
    """One answer typed as its item (``valueCoding`` with the Swedish display: the Questionnaire has the
    English, ``valueString``, ``valueInteger``…); None when the value has no answer of that type (an
    empty text; a value the schema would have refused)."""
    if item.type == "choice":
        code = code_of(value)
        option = next((o for o in item.options if o.code == code), None)
        return {"valueCoding": {"system": item.system, "code": code,
                                **({"display": _swedish(option.display)} if option else {})}}
    if item.as_json:
        text = code_of(value)
        return {"valueString": text} if text else None
    if isinstance(value, bool):
        return {"valueBoolean": value} if item.type == "boolean" else None
    if item.type == "integer" and isinstance(value, int):
        return {"valueInteger": value}
    if item.type == "decimal" and isinstance(value, int | float):
        return {"valueDecimal": value}
    kinds = {"string": "valueString", "text": "valueString", "date": "valueDate", "dateTime": "valueDateTime",
             "time": "valueTime"}
    if item.type in kinds and isinstance(value, str) and value:
        return {kinds[item.type]: value}
    return None


_MISSING = object()


def _at(data: Any, path: tuple[str, ...]) -> Any:
    for key in path:
        if not isinstance(data, dict) or key not in data:
            return _MISSING
        data = data[key]
    return data


def _answered(items: tuple[Item, ...], data: Any) -> list[dict[str, Any]]:
    """The response items for ``data``: those with an answer, groups with at least one inside, a
    repeating one once per element of its array."""
    out: list[dict[str, Any]] = []
    for item in items:
        found = _at(data, item.path)
        if found is _MISSING or found is None:
            continue
        each = found if item.repeats and isinstance(found, list) else [found]
        head = {"linkId": item.link_id, "text": _swedish(item.text)}
        if item.type == "group":
            out += [head | {"item": inner} for element in each if (inner := _answered(item.children, element))]
            continue
        answers = [a for v in each if v is not None and (a := _answer(item, v)) is not None]
        if answers:
            out.append(head | {"answer": answers})
    return out


def answered_items(form: FormVersion, data: dict[str, Any]) -> list[dict[str, Any]]:
    """The answered items of ``data`` by ui section, each with its Swedish text and typed answers (a
    choice with its code and Swedish display): what the PDFs print (server/portfolio/html.py)."""
    return _answered(item_tree(form), data)

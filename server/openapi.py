"""The OpenAPI document (``/schema``, ``/schema/openapi.json``), completed with what Litestar cannot see
by itself, so that a client or a fuzzer (``tests/test_schemathesis.py``) knows the whole contract:

- the body of ``POST /api/sync``, which the handler decodes by hand (``sync.protocol.decode_request``),
  taken from msgspec's own schema of ``SyncRequest`` and its mutation kinds;
- ``additionalProperties: false`` on every schema of a msgspec Struct declared with
  ``forbid_unknown_fields=True``: the server refuses an unknown field there with a 400;
- every error answer each operation can give, all in the one shape of ``server.errors``
  (``{status_code, reason, detail, extra?}``), each status with what causes it.

The error statuses come from rules (what every operation, every write, every body, every session
needs) plus a short table of what each operation adds (``OPERATIONS``). A new operation must be
added to that table; ``tests/test_openapi.py`` fails until it is.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from http import HTTPStatus
from typing import Any, Literal, get_args

import msgspec
from litestar import Litestar, Request
from litestar.openapi.plugins import JsonRenderPlugin

from sync.protocol import MAX_MUTATIONS, SyncRequest

from .privacy.http import PER_MUTATION_PATHS

__all__ = ["OPERATIONS", "BedsideOpenAPIPlugin", "OperationErrors", "complete_schema", "error_codes"]

#: who may call an operation:
#: ``public`` anyone; ``session`` a logged-in user (cookie; X-CSRF-Token on writes); ``admin`` a
#: logged-in administrator; ``actor`` a logged-in user or the device that claimed a request link
#: (``Authorization: Bearer <device secret>``); ``link`` the request link's token or the claiming
#: device's secret as a bearer token; ``receipt`` a signature receipt's token as a bearer token
Access = Literal["public", "session", "admin", "actor", "link", "receipt"]

WRITE_METHODS = frozenset({"post", "put", "patch", "delete"})
ERROR_SCHEMA = "Error"
ERROR_COMPONENT: dict[str, Any] = {
    "title": ERROR_SCHEMA,
    "description": "Every error answer: a stable `reason` code, an English `detail` a person can act on "
                   "(personnummer redacted) and, for some reasons, `extra` (e.g. the invalid fields).",
    "type": "object",
    "properties": {
        "status_code": {"type": "integer"},
        "reason": {"type": "string"},
        "detail": {"type": "string"},
        "extra": {},
    },
    "required": ["status_code", "reason", "detail"],
    "additionalProperties": False,
}

# --- why an error status happens: each phrase ends up in the description of that status ---------------

PERSONNUMMER_IN_URL = ("a personnummer in a path or query parameter (`identity_number`; the parameter is named, "
                       "its value never echoed)")
BAD_PARAMETER = "a path or query parameter that does not match its schema (`invalid`)"
GUARDED_BODY = "a JSON body that carries a personnummer (`identity_number`) or nests deeper than 32 levels (`too_deep`)"
BAD_BODY = "a body that is not JSON or does not match its schema, an unknown field included (`invalid`)"
TOO_LARGE = "a body larger than BEDSIDE_MAX_BODY_BYTES (`too_large`)"
NOT_LOGGED_IN = "no session, or it expired or was logged out (`not_logged_in`): POST /api/auth/login first"
CSRF = "a write whose X-CSRF-Token header is missing or not the session's (`forbidden`)"
ADMIN_ONLY = "the caller is not an administrator (`forbidden`)"
LINK_MISSING = "no `Authorization: Bearer <token>` header (`link_missing`)"
LINK_UNKNOWN = "a bearer token this server never made, or of a request that no longer exists (`password_link_unknown`)"
LINK_GONE = ("the request was withdrawn, declined or has expired (its 360 round closed: `round_link_closed`), "
             "or is signed already (`link_withdrawn`, `link_declined`, `link_expired`, `link_used`)")
LINK_LIMIT = ("too many unknown tokens from this address (20 per 15 minutes) or too many uses of one link "
              "(600 per minute) (`rate_limited`, with Retry-After)")
LINK_CLOSED = ("the request was withdrawn, declined or has expired (`link_withdrawn`, `link_declined`, "
               "`link_expired`); a signed one still opens, with `status: completed`")
OWN_REQUEST = "the trainee's own session on her own request (`own_request`)"
CLAIM_FIRST = "the request link itself instead of the claiming device's secret (`claim_first`)"
LINK_CLAIMED = "another device (or account) holds this request (`link_claimed`)"
RECEIPT_UNKNOWN = "a receipt token this server never made (`receipt_unknown`)"
WRONG_PASSWORD = "wrong e-mail or password (`not_logged_in`)"
LOGIN_LIMIT = ("too many failed logins: 10 per account and 30 per address in 15 minutes, 10 per device that "
               "has logged in to the account before (`rate_limited`, with Retry-After)")
NO_FORM = "no such form version (`not_found`)"
NO_QUESTIONNAIRE = "no such Questionnaire: its id is `<form_id>-<version>`, as in `mini-cex-2` (`not_found`)"
NO_ASSESSMENT = "no such assessment, or not one the caller may see (`not_found`)"
WORKFLOW_FORBIDS = "the form's workflow does not give the caller's role this step (`forbidden`)"
ASSESSMENT_STATE = ("the assessment's state does not allow this step: `locked`, `not_editable`, `deleted`, "
                    "`open_conflicts`, `no_conflict`, `invalid_transition`, `exists`")
ASSESSMENT_EXISTS = "an assessment with this id exists already (`exists`)"
SELF_ASSESSMENT = "the trainee names herself, or her own e-mail, as the assessor (`own_assessment`)"
NOT_YOUR_FIELD = ("a field of a section the form fills in by someone else (`filled_by` in its ui.json: a trainee's "
                  "rating on a Mini-CEX version 2), named in the message (`not_your_field`)")
OTHERS_PART = ("a draft in which someone else has filled in their part (the assessor's ratings on a Mini-CEX "
               "version 2) is not the trainee's to delete (`others_part_filled`)")
PICK_TRAINEES = "`role=trainee` from someone who is neither an assessor, a supervisor nor a studierektor (`forbidden`)"
USER_EXISTS = "a user with this e-mail exists already (`exists`)"
UNIT_EXISTS = "a unit with this name exists already (`exists`)"
NO_UNIT = "the named unit does not exist (`not_found`)"
NO_TRAINEE = "no such trainee among those the caller follows (`not_found`)"
NOT_STUDIEREKTOR = ("the caller is not a studierektor (`studierektor_only`) or not of the unit named "
                    "(`not_your_unit`)")
UNIT_RULES = "neither an administrator nor the unit's studierektor (`not_your_unit`)"
BAD_RULE = "an unknown rule (`unknown_setting`) or a value out of its range (`invalid_setting`)"
NO_PROGRAMME = "the named programme does not exist (`not_found`)"
BAD_PLACEMENT = ("a placement that ends before it starts, or with more days of absence than its period has "
                 "(`invalid`)")
SYNC_TOO_LARGE = (f"more than BEDSIDE_MAX_SYNC_BYTES (512 KB) or more than {MAX_MUTATIONS} mutations: send the "
                  "outbox in smaller batches (`too_large`)")
SYNC_CLIENT_ID = ("a personnummer in `client_id` (`identity_number`); one in a mutation refuses only that "
                  "mutation, in `results`")
LINK_SCOPE = "a request link's device touching another assessment, or creating or deleting one (`link_scope`)"
ONLY_TRAINEE = "only a trainee asks for assessments of themselves (`forbidden`)"
REQUEST_EXISTS = "a request or assessment with this id exists already (`exists`)"
NO_REQUEST = "no such request, or not the caller's (`not_found`)"
NO_QR = "no QR code to show: the request went by e-mail, was claimed, or is closed (`no_qr`)"
REQUEST_CLOSED = "the request is closed: completed or withdrawn, or not open to remind (`request_closed`)"
REMIND_LIMIT = "more than 3 reminders for one request in a day (`rate_limited`, with Retry-After)"
OWN_EMAIL = "the assessor's e-mail is the trainee's own (`own_assessment`)"
CLAIMED_HERE = "this device holds the request already (`claimed_here`)"
DISPLACED_STATE = "nobody holds the request yet (`claim_first`), or this device holds it (`claimed_here`)"
NO_ROUND = "no such 360 round, or not one the caller has a part in (`not_found`)"
NOT_PORTFOLIO_MAKER = ("the caller follows the trainee but is neither she, her main supervisor nor her unit's "
                       "studierektor (`portfolio_not_yours`)")
NO_PERSON = "no such person (`not_found`)"
IMPORT_ERRORS = "applying a file in which a row has an error (`import_has_errors`): nothing is changed"
OWN_ACCOUNT = "an administrator closing her own account (`own_account`)"
RESET_LIMIT = "too many requests from this address or for this e-mail in an hour (`rate_limited`, with Retry-After)"
PASSWORD_LINK_UNKNOWN = "a token this server never made for a password, or its account is closed (`password_link_unknown`)"
PASSWORD_LINK_SPENT = "the link was used, or a newer one replaced it (`password_link_used`), or it expired (`password_link_expired`)"
WEAK_PASSWORD = "a password shorter than 10 characters (`password_too_short`) or too simple (`password_too_simple`)"
OWN_EXPORT = "an administrator's own data: she exports it from her own account, GET /api/me/export (`own_export`)"
BAD_SECTION = "an unknown portfolio section (`unknown_section`) or delmål (`unknown_delmal`)"
ROUND_STARTER = ("neither the trainee's main supervisor (`not_main_supervisor`) nor, where her unit allows it, "
                 "the trainee herself (`round_by_supervisor`)")
ROUND_SETTINGS = ("a deadline outside 7–180 days (`deadline_out_of_range`), an unknown rater group "
                  "(`unknown_group`), or group minimums above the total (`minimums_exceed_total`)")
ROUND_EXISTS = "the trainee has a round under way already (`round_exists`)"
ROUND_NOMINATOR = "neither the trainee nor her main supervisor (`not_round_nominator`)"
ROUND_SUPERVISOR = "only the trainee's main supervisor does this (`not_main_supervisor`)"
BAD_RATER = "not an e-mail address (`invalid_email`), an unknown group (`unknown_group`), the trainee herself (`own_assessment`)"
ROUND_STATE = ("the round's state does not allow this: `round_closed`, `round_sent`, `round_not_open`, "
               "`round_not_closed`, `round_not_extendable`, `round_released`, `round_not_released`, "
               "`round_invalid`, `rater_exists`, `rater_done`, `too_few_raters`, `too_few_in_group`")
NOT_A_COMMENT = "the field is not a comment (`not_a_comment`)"
DATABASE_DOWN = "the database does not answer within 2 s (`database_unavailable`)"
NOT_SELF = "not the trainee (`not_your_round`), or not her own msf-self assessment (`not_a_self_assessment`)"


@dataclass(frozen=True)
class OperationErrors:
    """Who may call an operation, and the error statuses it adds to those its rules give it."""

    access: Access
    extra: dict[int, str | tuple[str, ...]] = field(default_factory=dict)


def _ops(access: Access, extra: dict[int, str | tuple[str, ...]] | None = None) -> OperationErrors:
    return OperationErrors(access, dict(extra or {}))


#: a step on one assessment (edit, resolve, submit, return, sign, acknowledge, countersign, amend, delete)
_STEP: dict[int, str | tuple[str, ...]] = {403: WORKFLOW_FORBIDS, 404: NO_ASSESSMENT, 409: ASSESSMENT_STATE}
#: a step that changes form data (edit, resolve, amend)
_DATA_STEP: dict[int, str | tuple[str, ...]] = _STEP | {403: (WORKFLOW_FORBIDS, NOT_YOUR_FIELD)}

#: operationId → who may call it, and the error statuses its own code paths add to those of the
#: rules in ``error_codes`` (status → why)
OPERATIONS: dict[str, OperationErrors] = {
    "health": _ops("public", {503: DATABASE_DOWN}),
    "login": _ops("public", {401: WRONG_PASSWORD, 429: LOGIN_LIMIT}),
    "requestPasswordReset": _ops("public", {429: RESET_LIMIT}),
    "readPasswordLink": _ops("public", {404: PASSWORD_LINK_UNKNOWN, 409: PASSWORD_LINK_SPENT, 429: RESET_LIMIT}),
    "setPassword": _ops("public", {400: WEAK_PASSWORD, 404: PASSWORD_LINK_UNKNOWN, 409: PASSWORD_LINK_SPENT,
                                   429: RESET_LIMIT}),
    "adminInviteUser": _ops("admin", {404: NO_PERSON}),
    "adminDeactivateUser": _ops("admin", {404: NO_PERSON, 409: OWN_ACCOUNT}),
    "adminActivateUser": _ops("admin", {404: NO_PERSON}),
    "adminListEvents": _ops("admin"),
    "adminImportCsv": _ops("admin", {409: IMPORT_ERRORS}),
    "logout": _ops("session"),
    "getSession": _ops("session"),
    "listForms": _ops("public"),
    "getForm": _ops("public", {404: NO_FORM}),
    "getCatalogBundle": _ops("public"),
    "getFhirQuestionnaire": _ops("public", {404: NO_QUESTIONNAIRE}),
    "getFhirQuestionnaireResponse": _ops("session", {404: NO_ASSESSMENT}),
    "listAssessments": _ops("session"),
    "createAssessment": _ops("session", {403: (WORKFLOW_FORBIDS, SELF_ASSESSMENT, NOT_YOUR_FIELD),
                                          409: ASSESSMENT_EXISTS}),
    "getAssessment": _ops("session", {404: NO_ASSESSMENT}),
    "editAssessment": _ops("session", _DATA_STEP),
    "changeAssessmentHeader": _ops("session", _STEP),
    "resolveConflicts": _ops("session", _DATA_STEP),
    "submitAssessment": _ops("session", _STEP),
    "returnAssessment": _ops("session", _STEP),
    "signAssessment": _ops("session", _STEP),
    "acknowledgeAssessment": _ops("session", _STEP),
    "countersignAssessment": _ops("session", _STEP),
    "amendAssessment": _ops("session", _DATA_STEP),
    "deleteAssessment": _ops("session", _STEP | {403: (WORKFLOW_FORBIDS, OTHERS_PART)}),
    "getAssessmentAudit": _ops("session", {404: NO_ASSESSMENT}),
    "listPlacements": _ops("session"),
    "listColleagues": _ops("session", {400: "`role` is neither `assessor` nor `trainee` (`invalid`)",
                                       403: PICK_TRAINEES}),
    "listTrainees": _ops("session"),
    "getHome": _ops("session"),
    "getTraineePage": _ops("session", {404: NO_TRAINEE}),
    "listUnitOverview": _ops("session", {403: NOT_STUDIEREKTOR}),
    "exportUnitOverview": _ops("session", {403: NOT_STUDIEREKTOR}),
    "getUnitRules": _ops("session", {403: UNIT_RULES, 404: NO_UNIT}),
    "changeUnitRules": _ops("session", {400: BAD_RULE, 403: UNIT_RULES, 404: NO_UNIT}),
    "getUnitForms": _ops("session", {403: UNIT_RULES, 404: NO_UNIT}),
    "changeUnitForms": _ops("session", {400: "not a Mini-CEX of the catalog (`invalid_setting`)", 403: UNIT_RULES,
                                        404: NO_UNIT}),
    "adminListUsers": _ops("admin"),
    "adminCreateUser": _ops("admin", {404: NO_UNIT, 409: USER_EXISTS}),
    "adminListUnits": _ops("admin"),
    "adminCreateUnit": _ops("admin", {409: UNIT_EXISTS}),
    "adminCreateProgramme": _ops("admin", {404: NO_UNIT}),
    "adminCreatePlacement": _ops("admin", {400: BAD_PLACEMENT, 404: (NO_PROGRAMME, NO_UNIT)}),
    "sync": _ops("actor", {400: SYNC_CLIENT_ID, 403: LINK_SCOPE, 413: SYNC_TOO_LARGE}),
    "listRefusedChanges": _ops("actor"),
    "createRequest": _ops("session", {403: (ONLY_TRAINEE, SELF_ASSESSMENT), 409: REQUEST_EXISTS}),
    "listRequests": _ops("session"),
    "listRequestsToMe": _ops("session"),
    "getRequestQr": _ops("session", {404: NO_REQUEST, 409: NO_QR}),
    "remindRequest": _ops("session", {404: NO_REQUEST, 409: REQUEST_CLOSED, 429: REMIND_LIMIT}),
    "renewRequest": _ops("session", {404: NO_REQUEST, 409: REQUEST_CLOSED}),
    "withdrawRequest": _ops("session", {404: NO_REQUEST, 409: REQUEST_CLOSED}),
    "openLink": _ops("link", {410: LINK_CLOSED}),
    # claiming while logged in (to one's own account) reads the session, CSRF check included
    "claimLink": _ops("link", {403: (CSRF, OWN_EMAIL), 409: (CLAIMED_HERE, LINK_CLAIMED), 410: LINK_GONE}),
    "nameLinkAssessor": _ops("link", {403: (CLAIM_FIRST, OWN_EMAIL), 409: LINK_CLAIMED, 410: LINK_GONE}),
    # taken whatever the request's state (what someone typed is never lost): no 410
    "keepDisplacedAnswer": _ops("link", {403: OWN_EMAIL, 409: DISPLACED_STATE}),
    "declineLink": _ops("link", {403: CLAIM_FIRST, 409: LINK_CLAIMED, 410: LINK_GONE}),
    "createRound": _ops("session", {400: ROUND_SETTINGS, 403: ROUND_STARTER, 404: NO_TRAINEE, 409: ROUND_EXISTS}),
    "listRounds": _ops("session", {403: "the caller follows no such trainee (`not_your_trainee`)", 404: NO_TRAINEE}),
    "getRound": _ops("session", {404: NO_ROUND}),
    "getRoundSettings": _ops("session", {403: "the caller follows no such trainee (`not_your_trainee`)", 404: NO_TRAINEE}),
    "nominateRater": _ops("session", {400: BAD_RATER, 403: ROUND_NOMINATOR, 404: NO_ROUND, 409: ROUND_STATE}),
    "removeRater": _ops("session", {403: ROUND_NOMINATOR, 404: NO_ROUND, 409: ROUND_STATE}),
    "sendRoundRequests": _ops("session", {403: ROUND_NOMINATOR, 404: NO_ROUND, 409: ROUND_STATE}),
    "remindRater": _ops("session", {403: ROUND_SUPERVISOR, 404: NO_ROUND, 409: ROUND_STATE}),
    "closeRound": _ops("session", {403: ROUND_SUPERVISOR, 404: NO_ROUND, 409: ROUND_STATE}),
    "extendRound": _ops("session", {400: ROUND_SETTINGS, 403: ROUND_SUPERVISOR, 404: NO_ROUND, 409: ROUND_STATE}),
    "hideRoundComment": _ops("session", {400: NOT_A_COMMENT, 403: ROUND_SUPERVISOR, 404: NO_ROUND, 409: ROUND_STATE}),
    "releaseRound": _ops("session", {403: ROUND_SUPERVISOR, 404: NO_ROUND, 409: ROUND_STATE}),
    "getRoundReport": _ops("session", {404: NO_ROUND, 409: ROUND_STATE}),
    "getRoundReportPdf": _ops("session", {404: NO_ROUND, 409: ROUND_STATE}),
    "getAssessmentPdf": _ops("session", {404: NO_ASSESSMENT}),
    "exportMyData": _ops("session"),
    "adminExportPerson": _ops("admin", {404: NO_PERSON, 409: OWN_EXPORT}),
    "getPortfolioPdf": _ops("session", {400: BAD_SECTION, 403: NOT_PORTFOLIO_MAKER, 404: NO_TRAINEE}),
    "getCertificateDrafts": _ops("session", {400: BAD_SECTION, 403: NOT_PORTFOLIO_MAKER, 404: NO_TRAINEE}),
    "getCertificateDraftsPdf": _ops("session", {400: BAD_SECTION, 403: NOT_PORTFOLIO_MAKER, 404: NO_TRAINEE}),
    "setRoundAgreedPoints": _ops("session", {403: ROUND_NOMINATOR, 404: NO_ROUND, 409: ROUND_STATE}),
    "linkRoundSelfAssessment": _ops("session", {400: NOT_SELF, 403: NOT_SELF, 404: NO_ROUND, 409: ROUND_STATE}),
    "getUnitRoundRules": _ops("session", {403: UNIT_RULES, 404: NO_UNIT}),
    "changeUnitRoundRules": _ops("session", {400: BAD_RULE, 403: UNIT_RULES, 404: NO_UNIT}),
    "getReceipt": _ops("receipt"),
    "disputeSignature": _ops("receipt"),
}

#: what each kind of access adds; the session's CSRF check only on writes
ACCESS_ERRORS: dict[Access, dict[int, tuple[str, ...]]] = {
    "public": {},
    "session": {401: (NOT_LOGGED_IN,)},
    "admin": {401: (NOT_LOGGED_IN,), 403: (ADMIN_ONLY,)},
    "actor": {401: (NOT_LOGGED_IN,), 403: (OWN_REQUEST, CLAIM_FIRST), 404: (LINK_UNKNOWN,), 409: (LINK_CLAIMED,),
              410: (LINK_GONE,), 429: (LINK_LIMIT,)},
    "link": {401: (LINK_MISSING,), 403: (OWN_REQUEST,), 404: (LINK_UNKNOWN,), 429: (LINK_LIMIT,)},
    "receipt": {401: (LINK_MISSING,), 404: (RECEIPT_UNKNOWN,)},
}
SESSION_ACCESS: frozenset[Access] = frozenset({"session", "admin", "actor"})


def error_codes(operation_id: str, method: str, path: str, operation: dict[str, Any]) -> dict[int, list[str]]:
    """Every error status of one operation with its causes, in order: the rules, then the table.

    Rules: every operation 400 (the personnummer guard reads every path and query parameter, declared
    or not); with parameters, 400; every write 400 and 413 (the guard reads any JSON body, except
    /api/sync's, which checks each mutation on its own, and the size limit applies to any body); with
    a request body, 400; a session 401 and on writes 403 (CSRF); then what the access kind and the
    operation itself add (``OPERATIONS``)."""
    try:
        spec = OPERATIONS[operation_id]
    except KeyError:
        raise KeyError(f"operation {operation_id!r} is missing from server.openapi.OPERATIONS: say who may call "
                       "it and which errors its code paths answer") from None
    causes: dict[int, list[str]] = {}

    def add(status: int, *why: str) -> None:
        for text in why:
            if text not in causes.setdefault(status, []):
                causes[status].append(text)

    add(400, PERSONNUMMER_IN_URL)
    if operation.get("parameters"):
        add(400, BAD_PARAMETER)
    write = method.lower() in WRITE_METHODS
    if write:
        if path not in PER_MUTATION_PATHS:
            add(400, GUARDED_BODY)
        add(413, TOO_LARGE)
    if "requestBody" in operation:
        add(400, BAD_BODY)
    if spec.access in SESSION_ACCESS and write:
        add(403, CSRF)
    for status, why in ACCESS_ERRORS[spec.access].items():
        add(status, *why)
    for status, why in spec.extra.items():
        add(status, *((why,) if isinstance(why, str) else why))
    return dict(sorted(causes.items()))


def _error_response(status: int, causes: list[str]) -> dict[str, Any]:
    response: dict[str, Any] = {
        "description": f"{HTTPStatus(status).phrase}: " + "; ".join(causes) + ".",
        "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{ERROR_SCHEMA}"}}},
    }
    if status == 429:
        response["headers"] = {"Retry-After": {"description": "Seconds to wait before trying again.",
                                               "schema": {"type": "integer"}}}
    return response


# --- the body of POST /api/sync ---------------------------------------------------------------------------

_PLACEHOLDER = "#/$msgspec/"


def _rewrite_refs(value: Any, old_prefix: str, names: dict[str, str]) -> Any:
    """``value`` with every reference ``old_prefix + name`` (``$ref``s and discriminator mappings)
    pointing at ``#/components/schemas/<names[name]>``."""
    if isinstance(value, dict):
        return {k: _rewrite_refs(v, old_prefix, names) for k, v in value.items()}
    if isinstance(value, list):
        return [_rewrite_refs(v, old_prefix, names) for v in value]
    if isinstance(value, str) and value.startswith(old_prefix) and value[len(old_prefix):] in names:
        return f"#/components/schemas/{names[value[len(old_prefix):]]}"
    return value


def _free_name(name: str, components: dict[str, Any], taken: set[str]) -> str:
    while name in components or name in taken:
        name = f"Sync{name}"
    return name


def _add_sync_body(schema: dict[str, Any]) -> None:
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    (body,), own = msgspec.json.schema_components([SyncRequest], ref_template=_PLACEHOLDER + "{name}")
    # a name Litestar already uses for a different schema gets a prefix (SyncCreate), never overwrites
    # it; renaming one may change another that refers to it, so until nothing clashes any more
    names = {name: name for name in own}
    while True:
        rewritten = {name: _rewrite_refs(value, _PLACEHOLDER, names) for name, value in own.items()}
        clashes = [name for name in own if components.get(names[name], rewritten[name]) != rewritten[name]]
        if not clashes:
            break
        for name in clashes:
            names[name] = _free_name(names[name], components, set(names.values()))
    for name, value in rewritten.items():
        components[names[name]] = value
    operation = schema["paths"]["/api/sync"]["post"]
    operation["requestBody"] = {
        "description": "A device's pending mutations (at most 100, in id order) and its checkpoint. "
                       "Decoded strictly: an unknown field is a 400.",
        "required": True,
        "content": {"application/json": {"schema": _rewrite_refs(body, _PLACEHOLDER, names)}},
    }


# --- additionalProperties: false where the server refuses unknown fields -----------------------------------

def _structs(annotation: Any, found: set[type[msgspec.Struct]]) -> None:
    """Every msgspec Struct an annotation mentions, the fields of those structs included."""
    if isinstance(annotation, type) and issubclass(annotation, msgspec.Struct):
        if annotation in found:
            return
        found.add(annotation)
        for f in msgspec.structs.fields(annotation):
            _structs(f.type, found)
        return
    for arg in get_args(annotation):
        _structs(arg, found)


def _handler_structs(app: Litestar) -> set[type[msgspec.Struct]]:
    found: set[type[msgspec.Struct]] = set()
    for route in app.routes:
        for handler in getattr(route, "route_handlers", ()):
            signature = handler.parsed_fn_signature
            for parameter in signature.parameters.values():
                _structs(parameter.annotation, found)
            _structs(signature.return_type.annotation, found)
    return found


def _encoded_fields(cls: type[msgspec.Struct]) -> set[str]:
    names = {f.encode_name for f in msgspec.structs.fields(cls)}
    tag_field = cls.__struct_config__.tag_field
    return names | ({tag_field} if tag_field else set())


def _forbid_unknown_fields(schema: dict[str, Any], structs: set[type[msgspec.Struct]]) -> None:
    """``additionalProperties: false`` on each component made from a Struct with
    ``forbid_unknown_fields``: matched by name (Litestar may prefix a module path to keep names apart)
    and by its set of properties, so a same-named different schema is left alone."""
    for key, component in schema.get("components", {}).get("schemas", {}).items():
        if component.get("type") != "object" or "properties" not in component:
            continue
        matches = [cls for cls in structs
                   if (key == cls.__name__ or key.endswith("_" + cls.__name__))
                   and set(component["properties"]) == _encoded_fields(cls)]
        if matches and all(cls.__struct_config__.forbid_unknown_fields for cls in matches):
            component["additionalProperties"] = False


def complete_schema(schema: dict[str, Any], app: Litestar) -> dict[str, Any]:
    """A completed copy of Litestar's OpenAPI document (see the module docstring)."""
    schema = copy.deepcopy(schema)
    _forbid_unknown_fields(schema, _handler_structs(app))
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    if components.get(ERROR_SCHEMA, ERROR_COMPONENT) != ERROR_COMPONENT:
        raise ValueError(f"a component named {ERROR_SCHEMA!r} exists already; rename server.openapi.ERROR_SCHEMA")
    components[ERROR_SCHEMA] = ERROR_COMPONENT
    if "/api/sync" in schema.get("paths", {}):
        _add_sync_body(schema)
    for path, item in schema.get("paths", {}).items():
        for method, operation in item.items():
            if not isinstance(operation, dict) or "operationId" not in operation:
                continue
            responses = operation.setdefault("responses", {})
            for status, causes in error_codes(operation["operationId"], method, path, operation).items():
                responses[str(status)] = _error_response(status, causes)  # Litestar's own 400 replaced
            operation["responses"] = dict(sorted(responses.items()))
    schema["components"]["schemas"] = dict(sorted(components.items()))
    return schema


class BedsideOpenAPIPlugin(JsonRenderPlugin):
    """Litestar's JSON render plugin, serving the completed document (computed once per app)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._rendered: tuple[int, bytes] | None = None

    def render(self, request: Request, openapi_schema: dict[str, Any]) -> bytes:
        key = id(openapi_schema)  # Litestar builds the schema dict once and passes the same one
        if self._rendered is None or self._rendered[0] != key:
            completed = complete_schema(openapi_schema, request.app)
            self._rendered = (key, self.render_json(request, completed))
        return self._rendered[1]


"""The header of a ``create`` mutation (``meta``): who the trainee and the assessor are, which
placement, which signed assessment it amends. Checked field by field, so a wrong JSON type or an
out-of-range id is a refusal that names the field, never a database error."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

import msgspec

from ..fields import DB_INT_MAX, Email, PersonName, RowId, Uuid

__all__ = ["MetaError", "parse_meta", "parse_set_meta", "meta_user_id"]

Delmal = Annotated[list[Annotated[str, msgspec.Meta(pattern=r"^[A-Z]{1,4}[0-9]{1,3}$")]], msgspec.Meta(max_length=40)]


class CreateMeta(msgspec.Struct, forbid_unknown_fields=True, omit_defaults=True):
    trainee_id: RowId | None = None
    assessor_id: RowId | None = None
    assessor_name: PersonName | None = None
    assessor_email: Email | None = None
    placement_id: RowId | None = None
    amends: Uuid | None = None
    #: the day of the observed activity (the device's day when not given)
    observed_on: dt.date | None = None
    #: the BT delmål this encounter showed, from the form's evidence_for
    delmal: Delmal | None = None
    #: a handledningssamtal private between the trainee and the supervisor who took part
    private: bool | None = None
    #: the signed document this one follows up (a form whose workflow says ``follows_up``)
    follows_up: Uuid | None = None


class SetMetaFields(msgspec.Struct, forbid_unknown_fields=True, omit_defaults=True):
    """What a ``set_meta`` mutation may change on a draft."""

    placement_id: RowId | None = None
    observed_on: dt.date | None = None
    delmal: Delmal | None = None
    private: bool | None = None


class MetaError(ValueError):
    """``meta`` does not fit ``CreateMeta``; the message names the field."""


def _convert(meta: dict[str, Any], kind: type[msgspec.Struct]) -> dict[str, Any]:
    try:
        parsed = msgspec.convert(meta, kind)
    except msgspec.ValidationError as exc:
        where = str(exc).replace("`$.", "`meta.")
        raise MetaError(f"meta is not valid: {where}") from None
    out = {k: v for k, v in msgspec.structs.asdict(parsed).items() if v is not None}
    if "observed_on" in out:
        out["observed_on"] = out["observed_on"].isoformat()
    if "delmal" in out:
        out["delmal"] = sorted(set(out["delmal"]), key=lambda g: (len(g), g))
    return out


def parse_set_meta(meta: dict[str, Any]) -> dict[str, Any]:
    """A ``set_meta`` mutation's fields, checked (at least one)."""
    out = _convert(meta, SetMetaFields)
    if not out:
        raise MetaError("meta is empty: set placement_id, observed_on, delmal or private.")
    return out


def parse_meta(meta: dict[str, Any]) -> dict[str, Any]:
    """``meta`` checked and normalised (names stripped, e-mail lower-cased, absent fields left out)."""
    out = _convert(meta, CreateMeta)
    if "assessor_name" in out:
        out["assessor_name"] = out["assessor_name"].strip()
        if not out["assessor_name"]:
            raise MetaError("meta.assessor_name is empty: give the assessor's name.")
    if "assessor_email" in out:
        out["assessor_email"] = out["assessor_email"].strip().lower()
    return out


def meta_user_id(value: Any) -> int | None:
    """A user id from unchecked metadata, or None when it is not one (to decide what to load)."""
    if isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= DB_INT_MAX:
        return value
    return None

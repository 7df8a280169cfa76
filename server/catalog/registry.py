"""Record every form version the server serves, and refuse one whose content changed since.

The catalog files carry their own hashes; this is the second line: the database remembers the hash
each form version had when it was first served, so a published version cannot change under stored
assessments even if someone edits catalog.json along with it.
"""

from __future__ import annotations

from ..db import Database, Tx, utc_now
from .errors import CatalogError
from .model import Catalog


async def register_form_versions(db: Database, catalog: Catalog) -> None:
    forms = catalog.forms()

    async def register(tx: Tx) -> None:
        known = {(r["form_id"], r["version"]): r["content_hash"]
                 for r in await tx.fetch("SELECT form_id, version, content_hash FROM form_definitions")}
        for form in forms:
            stored = known.get((form.form_id, form.version))
            if stored is None:
                await tx.execute(
                    """INSERT INTO form_definitions (form_id, version, content_hash, instrument, registered_at)
                       VALUES (?, ?, ?, ?, ?)""",
                    (form.form_id, form.version, form.content_hash, form.instrument, utc_now()),
                )
            elif stored != form.content_hash and form.status == "published":
                raise CatalogError(
                    f"schemas/forms/{form.form_id}/{form.version}/ has content {form.content_hash} but this "
                    f"database has stored assessments against {stored}: published versions are immutable; "
                    "publish the change as a new version."
                )
            elif stored != form.content_hash:
                await tx.execute("UPDATE form_definitions SET content_hash = ? WHERE form_id = ? AND version = ?",
                                 (form.content_hash, form.form_id, form.version))

    await db.transaction(register)

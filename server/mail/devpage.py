"""Demo mode only: ``/dev/mail`` shows the mail the server would have sent, links included, to a
logged-in administrator (the links act for whoever opens them, so nobody else may read them)."""

from __future__ import annotations

import html

from litestar import MediaType, get
from litestar.di import NamedDependency

from ..auth.principal import Principal
from ..db import Database
from ..errors import Forbidden
from ..settings import Settings
from .outbox import _links, render_body


@get("/dev/mail", operation_id="devMail", tags=["development"], include_in_schema=False, media_type=MediaType.HTML)
async def dev_mail(principal: NamedDependency[Principal], db: NamedDependency[Database],
                   settings: NamedDependency[Settings]) -> str:
    """The newest 100 mails, as the recipient would read them. Not logged in: 401; not an admin: 403."""
    if not principal.is_admin:
        raise Forbidden("Only an administrator may read the demo mail: log in as the admin, then open /dev/mail.")
    rows = await db.fetch("SELECT * FROM mail_outbox ORDER BY id DESC LIMIT 100")
    links = await _links(db, settings, rows)
    items = []
    for r in rows:
        body = html.escape(render_body(r, links))
        for link in set(links.values()):
            body = body.replace(html.escape(link), f'<a href="{html.escape(link)}">{html.escape(link)}</a>')
        items.append(
            f"<article class='card'><h2>{html.escape(r['subject'])}</h2><p><b>Till:</b> "
            f"{html.escape(r['to_address'])} · {html.escape(r['kind'])} · {html.escape(r['status'])} "
            f"{html.escape(r['sent_at'] or '')}</p><pre class='reflection'>{body}</pre></article>")
    # No inline <style>: the Content-Security-Policy allows only stylesheets from this origin.
    return ("<!doctype html><html lang='sv'><meta charset='utf-8'><meta name='viewport' "
            "content='width=device-width'><title>Skickad e-post (demo)</title>"
            "<link rel='stylesheet' href='/app.css'><main>"
            "<h1>Skickad e-post (demoläge)</h1><p>I demoläget skickas ingen e-post; den visas här.</p>"
            + ("".join(items) or "<p>Ingen e-post ännu.</p>") + "</main></html>")

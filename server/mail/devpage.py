"""Demo mode only: ``/dev/mail`` shows the mail the server would have sent, links included."""

from __future__ import annotations

import html

from litestar import MediaType, get
from litestar.di import NamedDependency

from ..db import Database
from ..settings import Settings
from .outbox import _links, render_body


@get("/dev/mail", operation_id="devMail", tags=["development"], include_in_schema=False, media_type=MediaType.HTML)
async def dev_mail(db: NamedDependency[Database], settings: NamedDependency[Settings]) -> str:
    """The newest 100 mails, as the recipient would read them."""
    rows = await db.fetch("SELECT * FROM mail_outbox ORDER BY id DESC LIMIT 100")
    links = await _links(db, settings, rows)
    items = []
    for r in rows:
        body = html.escape(render_body(r, links))
        for link in set(links.values()):
            body = body.replace(html.escape(link), f'<a href="{html.escape(link)}">{html.escape(link)}</a>')
        items.append(
            f"<article><h2>{html.escape(r['subject'])}</h2><p><b>Till:</b> {html.escape(r['to_address'])} · "
            f"{html.escape(r['kind'])} · {html.escape(r['status'])} {html.escape(r['sent_at'] or '')}</p>"
            f"<pre>{body}</pre></article>")
    return ("<!doctype html><html lang='sv'><meta charset='utf-8'><meta name='viewport' "
            "content='width=device-width'><title>Skickad e-post (demo)</title>"
            "<style>body{font:16px system-ui;max-width:50rem;margin:1rem auto;padding:0 1rem}"
            "pre{white-space:pre-wrap;background:#f4f4f4;padding:1rem}</style>"
            "<h1>Skickad e-post (demoläge)</h1><p>I demoläget skickas ingen e-post; den visas här.</p>"
            + ("".join(items) or "<p>Ingen e-post ännu.</p>") + "</html>")

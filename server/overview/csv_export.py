"""The studierektor's table as CSV for a spreadsheet: one row per trainee and placement, Swedish
headers and flag texts (semicolons and a byte-order mark, as Swedish Excel expects)."""

from __future__ import annotations

import csv
import io

from .progress import Flag
from .service import TraineeStatus

HEADERS = ["BT/ST/AT-läkare", "Program", "Huvudhandledare", "Enhet", "Placering", "Start", "Slut", "Andel genomförd (%)",
           "Signerade", "Mål", "Väntar på signering", "Utkast", "Senaste bedömning", "Slutbedömning", "Flaggor"]

FINAL_STATUS_SV = {"draft": "påbörjad", "submitted": "påbörjad", "signed": "signerad", "acknowledged": "kvitterad",
                   "countersigned": "kontrasignerad"}


def flag_text(flag: Flag) -> str:
    """A flag in Swedish with its numbers (the PWA has its own texts in Swedish and English)."""
    n = flag.numbers
    texts = {
        "behind_at_midpoint": lambda: (f"{n['signed']} av {n['target']} signerade bedömningar vid {n['percent']} % av placeringen"
                                       + (f" (IUP: {n['planned']} planerade)" if n.get("planned") else "")),
        "iup_follow_up_missed": lambda: f"IUP:n inte uppföljd på {n['days']} dagar (gräns {n['limit']})",
        "no_recent_assessment": lambda: f"ingen bedömning på {n['days']} dagar (gräns {n['limit']})",
        "final_missing": lambda: f"slutbedömning saknas {n['days']} dagar efter placeringens slut",
        "request_unanswered": lambda: f"{n['count']} förfrågan/förfrågningar obesvarade i mer än {n['limit']} dagar",
        "final_not_approved": lambda: "slutbedömning ej godkänd – handlingsplan behövs",
        "final_concern": lambda: "varning i slutbedömningen: risk att målen inte nås",
        "delmal_not_reached": lambda: f"delmål ej uppnått ({', '.join(n['delmal'])}) – handlingsplan behövs",
        "handledning_missed": lambda: f"inget handledningssamtal på {n['days']} dagar (gräns {n['limit']})",
        "handover_without_check": lambda: f"ingen handledaravstämning vid bytet från {n['from']} till {n['to']} ({n['on']})",
        "plan_follow_up_missed": lambda: f"uppföljning av handlingsplan ({n['due']}) ej dokumenterad, {n['days']} dagar sedan",
    }
    return texts[flag.rule]() if flag.rule in texts else flag.rule


def _cell(value: object) -> object:
    """A text cell a spreadsheet would read as a formula gets a leading apostrophe."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def table_csv(trainees: list[TraineeStatus]) -> str:
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(HEADERS)
    for t in trainees:
        trainee_wide = "; ".join(flag_text(f) for f in t.flags if f.placement_id is None)
        if not t.placements:
            writer.writerow([_cell(c) for c in [t.name, t.programme, t.main_supervisor or "", t.programme_unit, "", "", "", "", "", "", "", "",
                             "", "", trainee_wide]])
        for p in t.placements:
            flags = [flag_text(f) for f in p.flags] + ([trainee_wide] if trainee_wide else [])
            writer.writerow([_cell(c) for c in [
                t.name, t.programme, t.main_supervisor or "", p.unit, p.specialty, p.start_date, p.end_date,
                round(p.progress * 100), p.signed, p.target, p.waiting, p.drafts, p.last_observed_on or "",
                FINAL_STATUS_SV.get(p.final.status, p.final.status) if p.final else "", "; ".join(flags)]])
    return out.getvalue()

"""Issue 14: the PDFs (one assessment, the 360 report, the BT portfolio, the certificate drafts), made by
WeasyPrint in a worker process and read back with pypdf: names, dates, values, signatures and page
numbers where they should be; no rater's name, e-mail or time in a 360 report; a private handledning
note never printed. The certificate drafts are computed from a controlled data set, line by line. On
both databases."""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

import pypdf
from litestar.testing import AsyncTestClient

from tests import test_overview_flags as overview
from tests.helpers import in_app
from tests.rounds_support import RATERS, answer_by_link, rater_answer, rater_links
from tests.test_handledning_log import MEETING
from tests.test_iup import IUP, signed_iup
from tests.test_lifecycle import SLUTBEDOMNING
from tests.test_rounds import sent_round
from tests.world import World, login

on_day = overview.on_day
UNIT = "Medicinkliniken Testsjukhuset"
PRIVATE_WORDS = "Vi pratade om hur jag mår efter nattjouren."


def pdf_pages(response: Any) -> list[str]:
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/pdf")
    reader = pypdf.PdfReader(io.BytesIO(response.content))
    return [page.extract_text() or "" for page in reader.pages]


def flat(pages: list[str]) -> str:
    return re.sub(r"\s+", " ", " ".join(pages))


async def evidence(client: AsyncTestClient, world: World) -> dict[str, Any]:
    """Two signed Mini-CEX (BT1), a draft, a signed Slutbedömning (BT1 uppnått, BT9 pågående), a signed
    IUP naming a course for BT3, a private handledningssamtal; the placement at 75 % with 10 days away."""
    async def facts(tx: Any) -> None:
        await tx.execute("UPDATE placements SET placement_type = 'akut_sjukvard', employment_rate_percent = 75, "
                         "absence_days = 10 WHERE id = ?", (world.placements["placement"],))
    await in_app(client, client.app.state.db.transaction, facts)
    minis = [await overview.signed_mini_cex(client, world, day) for day in ("2026-02-01", "2026-03-15")]
    draft = await overview.signed_mini_cex(client, world, "2026-04-01", sign=False)
    final = await overview.signed_final(client, world, SLUTBEDOMNING)
    iup = await signed_iup(client, world, IUP | {"courses": "BT-dagar vecka 12", "delmal_methods": {"BT3": ["kurs"]}})
    tove = await login(client, world, "trainee")
    meeting = await client.post("/api/assessments", headers=tove, json={
        "form_id": "handledningssamtal", "assessor_id": world.id("main_supervisor"), "observed_on": "2026-03-02",
        "private": True, "data": MEETING | {"agenda": PRIVATE_WORDS}})
    assert meeting.status_code == 201, meeting.text
    assert (await client.post(f"/api/assessments/{meeting.json()['doc_id']}/submit", headers=tove)).status_code == 200
    return {"minis": minis, "draft": draft, "final": final, "iup": iup, "meeting": meeting.json()["doc_id"]}


async def test_one_assessment_prints_its_answers_signature_and_hash(client: AsyncTestClient, world: World,
                                                                    on_day: Any) -> None:
    on_day("2026-07-15")
    made = await evidence(client, world)
    await login(client, world, "trainee")
    doc = (await client.get(f"/api/assessments/{made['minis'][0]}")).json()
    pages = pdf_pages(await client.get(f"/api/assessments/{made['minis'][0]}/pdf"))
    text = flat(pages)
    for words in ("Mini-CEX – 2026-02-01", world.names["trainee"], world.names["assessor"], UNIT,
                  "BT1 Akuta och icke akuta sjukdomstillstånd", "Signerad", "inloggad med eget konto",
                  f"Formulär mini-cex version 1 ({doc['form_hash']})"):
        assert words in text, words
    # a scale value with its band label, in its section
    assert re.search(r"Helhetsbedömning \d – (Otillfredsställande|Tillfredsställande|Mycket bra)", text), text
    assert doc["content_hash"][:20] in text.replace(" ", "")
    assert flat(pages[-1:]).rstrip().endswith(f"Sida {len(pages)} av {len(pages)}")
    # archival: PDF/A-3b, every font embedded
    raw = (await client.get(f"/api/assessments/{made['minis'][0]}/pdf")).content
    reader = pypdf.PdfReader(io.BytesIO(raw))
    xmp = reader.xmp_metadata.stream.get_data() if reader.xmp_metadata else b""
    assert b'pdfaid:part="3"' in xmp and b'pdfaid:conformance="B"' in xmp and "/OutputIntents" in reader.trailer["/Root"]
    fonts = [f for page in reader.pages for f in page["/Resources"]["/Font"].values()]
    assert fonts and all("/FontFile2" in f.get_object()["/DescendantFonts"][0].get_object()["/FontDescriptor"].get_object()
                         for f in fonts)


async def test_the_portfolio_has_every_chosen_section_page_numbers_and_never_a_private_note(
        client: AsyncTestClient, world: World, on_day: Any) -> None:
    on_day("2026-07-15")
    made = await evidence(client, world)
    for who in ("trainee", "main_supervisor"):
        await login(client, world, who)
        pages = pdf_pages(await client.get(f"/api/trainees/{world.id('trainee')}/portfolio.pdf"))
        text = flat(pages)
        assert f"Portfölj BT {world.names['trainee']}" in text and f"Huvudhandledare {world.names['main_supervisor']}" in text
        # the table of contents names each chapter with the page it starts on
        contents = re.findall(r"(Placeringar|Delmål BT1–BT18|IUP och uppföljningar|Handledning) \.[. ]*(\d+)", pages[0])
        assert [c[0] for c in contents] == ["Placeringar", "Delmål BT1–BT18", "IUP och uppföljningar", "Handledning"], pages[0]
        for chapter, page in contents:
            assert pages[int(page) - 1].lstrip().startswith(chapter) or chapter in pages[int(page) - 1], chapter
        assert "2026-01-01 – 2026-06-30" in text and "Akut sjukvård" in text and "75 %" in text and "10 dagar" in text
        # per placement its Slutbedömning and signed assessments, never the draft
        assert text.count("Mini-CEX – 2026-0") == 2 and "2026-04-01" not in text
        assert "Slutbedömning tjänstgöringsperiod BT" in text and "Trygg i akuta bedömningar." in text
        assert "BT-dagar vecka 12" in text  # the IUP
        # the handledning log: the day and kind of the private meeting, nothing of what was said
        assert "2026-03-02" in text and PRIVATE_WORDS not in text and MEETING["feedback"] not in text
        assert made["meeting"] not in text.replace(" ", "")
        assert all(f"Sida {n} av {len(pages)}" in flat([page]) for n, page in enumerate(pages, 1))
    # she chooses: only the delmål matrix
    await login(client, world, "trainee")
    only = flat(pdf_pages(await client.get(f"/api/trainees/{world.id('trainee')}/portfolio.pdf?sections=delmal")))
    assert "Delmål BT1–BT18" in only and "Mini-CEX – 2026" not in only and "Mini-CEX ×2" in only
    refused = await client.get(f"/api/trainees/{world.id('trainee')}/portfolio.pdf?sections=delmal,anteckningar")
    assert refused.status_code == 400 and refused.json()["reason"] == "unknown_section"


async def test_only_the_trainee_her_hhl_and_studierektor_make_her_portfolio(client: AsyncTestClient, world: World,
                                                                           on_day: Any) -> None:
    on_day("2026-07-15")
    await evidence(client, world)
    trainee = world.id("trainee")
    expected = {"trainee": 200, "main_supervisor": 200, "studierektor": 200, "clinical_supervisor": 403,
                "other_trainee": 404, "other_main_supervisor": 404, "other_studierektor": 404, "assessor": 404,
                "admin": 404}
    for who, status in expected.items():
        await login(client, world, who)
        for path in (f"/api/trainees/{trainee}/portfolio.pdf?sections=delmal", f"/api/trainees/{trainee}/certificates"):
            answer = await client.get(path)
            assert answer.status_code == status, (who, path, answer.text)
            if status == 403:
                assert answer.json()["reason"] == "portfolio_not_yours"


async def test_the_certificate_drafts_are_written_from_the_evidence(client: AsyncTestClient, world: World,
                                                                    on_day: Any) -> None:
    on_day("2026-07-15")
    made = await evidence(client, world)
    await login(client, world, "main_supervisor")
    drafts = (await client.get(f"/api/trainees/{world.id('trainee')}/certificates?merged=BT3+BT4")).json()
    by_delmal = {"+".join(c["delmal"]): c for c in drafts["delmal"]}
    assert len(by_delmal) == 17 and "BT3+BT4" in by_delmal
    bt1 = by_delmal["BT1"]
    assert [line["text"] for line in bt1["checked"]] == ["Mini-CEX ×2 (2026-02-01 – 2026-03-15)", f"Slutbedömning {UNIT}"]
    assert bt1["checked_text"] == f"Mini-CEX ×2 (2026-02-01 – 2026-03-15), Slutbedömning {UNIT}"
    assert bt1["checked"][0]["links"] == [f"#/a/{d}" for d in made["minis"]] and bt1["checked"][1]["links"] == [f"#/a/{made['final']}"]
    assert [line["text"] for line in bt1["activities"]] == [f"Placering: {UNIT} (Internmedicin), 2026-01-01 – 2026-06-30"]
    assert bt1["issuer"]["name"] == world.names["main_supervisor"]
    assert [line["text"] for line in by_delmal["BT9"]["checked"]] == [f"Slutbedömning {UNIT} (pågående)"]
    assert by_delmal["BT3+BT4"]["checked"] == [] and \
        [line["text"] for line in by_delmal["BT3+BT4"]["activities"]] == ["Kurser enligt IUP: BT-dagar vecka 12"]
    assert by_delmal["BT2"] == by_delmal["BT2"] | {"checked": [], "activities": [], "checked_text": ""}
    (placement,) = drafts["service"]["placements"]
    # 181 days less 10 away, at 75 %: 128.25 days, 4.2 months of 30.44 days
    assert (placement["start_date"], placement["end_date"], placement["employment_rate_percent"], placement["absence_days"],
            placement["full_time_months"], placement["akut_sjukvard"], placement["primarvard"]) == \
        ("2026-01-01", "2026-06-30", 75, 10, 4.2, True, False)
    assert (drafts["service"]["total_months"], drafts["service"]["akut_sjukvard_months"],
            drafts["service"]["primarvard_months"]) == (4.2, 4.2, 0.0)
    # the same in the PDF, marked as a draft
    text = flat(pdf_pages(await client.get(f"/api/trainees/{world.id('trainee')}/certificates.pdf?merged=BT3+BT4")))
    assert "UTKAST" in text and "Intyg om fullgjord bastjänstgöring" in text and "Intyg om delmål: BT3, BT4" in text
    assert f"Mini-CEX ×2 (2026-02-01 – 2026-03-15), Slutbedömning {UNIT}" in text and "4,2" in text
    bad = await client.get(f"/api/trainees/{world.id('trainee')}/certificates?merged=BT3+BT99")
    assert bad.status_code == 400 and bad.json()["reason"] == "unknown_delmal"


async def test_a_360_report_pdf_has_the_aggregates_and_no_rater(client: AsyncTestClient, world: World) -> None:
    view = await sent_round(client, world)
    round_id = view["id"]
    links = await rater_links(client, round_id)
    for n, (_, email, _) in enumerate(RATERS[:10]):
        await answer_by_link(client, *links[email], rater_answer(3 + n % 3, strengths=f"Styrka nummer {n}."))
    hanna = await login(client, world, "main_supervisor")
    for step in ("close", "release"):
        assert (await client.post(f"/api/rounds/{round_id}/{step}", headers=hanna)).status_code == 200
    await login(client, world, "trainee")
    report = await client.get(f"/api/rounds/{round_id}/report.pdf")
    Path("/tmp/pdf-360-report.pdf").write_bytes(report.content)  # to look at (pdftoppm)
    text = flat(pdf_pages(report))
    assert "360-bedömning" in text and world.names["trainee"] in text and "Svar 10" in text
    assert all(f"Styrka nummer {n}." in text for n in range(10))
    for name, email, _ in RATERS:
        assert name not in text and email not in text and email.split("@")[0] not in text.lower().split()
    assert not re.search(r"\b\d{1,2}:\d{2}\b", text), "no time of day in the report"
    other = await login(client, world, "other_trainee")
    assert other is not None and (await client.get(f"/api/rounds/{round_id}/report.pdf")).status_code == 404

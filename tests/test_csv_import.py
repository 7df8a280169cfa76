"""Issue 15: the CSV import of trainees, programmes and placements. A dry run shows per row what would be
created or changed and each error; applying is one transaction, refused whole while a row has an error;
re-importing the same file changes nothing; a personnummer refuses its row and is never stored or echoed.
On both databases."""

from __future__ import annotations

from typing import Any

from litestar.testing import AsyncTestClient

from tests.helpers import in_app
from tests.world import World, login

PNR = "19121212-1212"
HEADER = "Namn;E-post;Program;Enhet;Specialitet;Start;Slut;Klinisk handledare;Huvudhandledare;Typ"


def rows(world: World) -> list[str]:
    ks, hhl = world.emails["clinical_supervisor"], world.emails["main_supervisor"]
    unit = "Medicinkliniken Testsjukhuset"
    return [
        f"Nils Ny;nils.ny@test.bedside.se;BT;{unit};Internmedicin;2026-09-01;2026-12-31;{ks};{hhl};akut_sjukvard",
        f"Nils Ny;nils.ny@test.bedside.se;BT;{unit};Allmänmedicin;2027-01-01;2027-06-30;;{hhl};primarvard",
        f"Tove Trainee;{world.emails['trainee']};BT;{unit};Psykiatri;2026-07-01;2026-09-30;{ks};{hhl};psykiatri",
    ]


BAD = {
    "date": "Bo Fel;bo.fel@test.bedside.se;BT;Medicinkliniken Testsjukhuset;Kirurgi;2026-13-01;2026-12-31;;;annan",
    "identity": f"Pia Pnr;pia.pnr@test.bedside.se;BT;Medicinkliniken Testsjukhuset;Kirurgi {PNR};2026-09-01;2026-12-31;;;",
    "unit": "Ulf Okänd;ulf@test.bedside.se;BT;Ingen sådan klinik;Kirurgi;2026-09-01;2026-12-31;;;",
    "supervisor": "Siv Sup;siv@test.bedside.se;BT;Medicinkliniken Testsjukhuset;Kirurgi;2026-09-01;2026-12-31;nobody@x.se;;",
}


async def counts(client: AsyncTestClient) -> dict[str, int]:
    out = {}
    for table in ("users", "user_roles", "programmes", "placements"):
        (row,) = await in_app(client, client.app.state.db.fetch, f"SELECT count(*) AS n FROM {table}")
        out[table] = int(row["n"])
    return out


async def post(client: AsyncTestClient, headers: dict[str, str], lines: list[str], apply: bool = False) -> Any:
    return await client.post("/api/admin/import", headers=headers, json={"csv": "\n".join([HEADER, *lines]), "apply": apply})


async def test_a_dry_run_says_per_row_what_happens_and_changes_nothing(client: AsyncTestClient, world: World) -> None:
    admin = await login(client, world, "admin")
    before = await counts(client)
    answer = await post(client, admin, [*rows(world), *BAD.values()])
    assert answer.status_code == 200, answer.text
    plan = answer.json()
    assert await counts(client) == before and plan["applied"] is False
    by_line = {r["line"]: r for r in plan["rows"]}
    assert [a["what"] for a in by_line[2]["actions"]] == ["create_user", "create_programme", "create_placement"]
    assert [a["what"] for a in by_line[3]["actions"]] == ["create_placement"]  # the same new trainee's next placement
    assert [a["what"] for a in by_line[4]["actions"]] == ["create_placement"]  # Tove exists, and her programme
    codes = {line: [e["code"] for e in by_line[line]["errors"]] for line in (5, 6, 7, 8)}
    assert codes == {5: ["bad_date"], 6: ["identity_number"], 7: ["unknown_unit"], 8: ["unknown_supervisor"]}
    assert by_line[6]["errors"][0]["column"] == "specialty" and by_line[6]["email"] is None
    assert PNR not in answer.text and "19121212" not in answer.text
    assert (plan["rows_total"], plan["rows_with_errors"], plan["creates"]) == (7, 4, 5)


async def test_apply_is_refused_while_a_row_is_wrong_then_done_whole_and_idempotent(client: AsyncTestClient,
                                                                                     world: World) -> None:
    admin = await login(client, world, "admin")
    before = await counts(client)
    refused = await post(client, admin, [*rows(world), BAD["identity"]], apply=True)
    assert refused.status_code == 409 and refused.json()["reason"] == "import_has_errors"
    assert await counts(client) == before
    done = await post(client, admin, rows(world), apply=True)
    assert done.status_code == 200 and done.json()["applied"] is True
    after = await counts(client)
    assert after["users"] == before["users"] + 1 and after["programmes"] == before["programmes"] + 1
    assert after["placements"] == before["placements"] + 3
    nils = await in_app(client, client.app.state.db.fetch, """
        SELECT u.name, r.role, pr.kind, pr.main_supervisor_id, pl.specialty, pl.start_date, pl.clinical_supervisor_id,
               pl.placement_type FROM users u JOIN user_roles r ON r.user_id = u.id
        JOIN programmes pr ON pr.trainee_id = u.id JOIN placements pl ON pl.programme_id = pr.id
        WHERE u.email = 'nils.ny@test.bedside.se' ORDER BY pl.start_date""")
    assert [(n["role"], n["kind"], n["specialty"], n["clinical_supervisor_id"], n["placement_type"]) for n in nils] == [
        ("trainee", "BT", "Internmedicin", world.id("clinical_supervisor"), "akut_sjukvard"),
        ("trainee", "BT", "Allmänmedicin", None, "primarvard")]
    assert nils[0]["main_supervisor_id"] == world.id("main_supervisor")
    again = await post(client, admin, rows(world), apply=True)
    assert again.status_code == 200 and (again.json()["creates"], again.json()["changes"], again.json()["unchanged_rows"]) == (0, 0, 3)
    assert await counts(client) == after
    # a changed clinical supervisor is a change of that placement, nothing else
    changed = rows(world)
    changed[1] = changed[1].replace(";;", f";{world.emails['clinical_supervisor']};", 1)
    plan = (await post(client, admin, changed)).json()
    assert [a["what"] for r in plan["rows"] for a in r["actions"]] == ["change_placement"]
    texts = await in_app(client, client.app.state.db.fetch, "SELECT specialty FROM placements")
    assert not any(PNR in t["specialty"] for t in texts)
    events = await in_app(client, client.app.state.db.fetch, "SELECT action, detail FROM admin_events")
    assert [e["action"] for e in events] == ["import", "import"]


async def test_a_file_without_its_columns_is_refused_with_what_is_missing(client: AsyncTestClient, world: World) -> None:
    admin = await login(client, world, "admin")
    answer = await client.post("/api/admin/import", headers=admin, json={"csv": "Namn,E-post\nA,a@b.se"})
    assert answer.status_code == 200 and "programme" in answer.json()["file_error"]
    for who in ("studierektor", "trainee"):
        headers = await login(client, world, who)
        assert (await post(client, headers, rows(world))).status_code == 403, who

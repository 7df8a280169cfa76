"""Demo data for ``make run``: a unit, a BT-läkare with two placements, supervisors, an assessor, a
studierektor, an admin, and assessments in different states, all made through the real service."""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable
from typing import Any

from sync.protocol import Acknowledge, Create, Edit, Mutation, Sign, Submit

from . import clock
from .assessments.actor import Actor
from .assessments.service import apply_batch, now_ms
from .catalog import Catalog
from .auth.sessions import load_principal
from .catalog import load_catalog
from .db import Database, Tx
from .people import repository as people
from .settings import Settings
from .privacy.ids import new_id
from .requests.service import RequestCreate, create_request

DEMO_PASSWORD = "bedside-demo"

DEMO_PEOPLE: dict[str, tuple[str, str, list[str], str | None]] = {
    # key: (e-mail, name, roles, title)
    "admin": ("admin@demo.bedside.se", "Alva Admin", ["admin"], "Systemförvaltare"),
    "trainee": ("bt@demo.bedside.se", "Bea Bergström", ["trainee"], "BT-läkare"),
    "trainee2": ("bt2@demo.bedside.se", "Emil Nyström", ["trainee"], "BT-läkare"),
    "assessor": ("bedomare@demo.bedside.se", "Anders Ek", ["assessor"], "Specialistläkare, internmedicin"),
    "clinical_supervisor": ("handledare@demo.bedside.se", "Karin Lind", ["clinical_supervisor", "assessor"],
                            "Överläkare, klinisk handledare"),
    "main_supervisor": ("hhl@demo.bedside.se", "Helena Holm", ["main_supervisor", "clinical_supervisor", "assessor"],
                        "Distriktsläkare, huvudansvarig handledare"),
    "studierektor": ("studierektor@demo.bedside.se", "Stefan Rask", ["studierektor"], "BT-studierektor"),
    "trainee3": ("bt3@demo.bedside.se", "Linnea Sjöberg", ["trainee"], "BT-läkare"),
    "trainee4": ("bt4@demo.bedside.se", "Omar Haddad", ["trainee"], "BT-läkare"),
}

#: who supervises whom in the demo (the README repeats it)
DEMO_SUPERVISION = (
    "Karin Lind is clinical supervisor of Bea, Emil, Linnea and Omar at Medicinkliniken; Helena Holm is their "
    "HHL (and Bea's clinical supervisor at the Vårdcentral next); Stefan Rask is studierektor of Medicinkliniken."
)

#: the Mini-CEX version the demo fills in: the trainee the context, the assessor the rest (filled_by)
MINI_CEX_VERSION = 3  # the current one, as a phone that starts a Mini-CEX today gets
MINI_CEX_CONTEXT: dict[str, Any] = {
    "setting": "akutmottagning", "encounter": "ny", "focus": "Bröstsmärta, bedömning och handläggning",
    "complexity": "medel", "patient_age_band": "65-79",
}
MINI_CEX_RATED: dict[str, Any] = {
    "anamnes": 7, "status": 6, "kommunikation": 8,
    "klinisk_bedomning": 6, "professionalism": 8, "organisation": 5, "helhetsbedomning": 6,
    "minutes_observed": 20, "minutes_feedback": 10,
    "strengths": "Strukturerad anamnes och tydlig information till patienten.",
    "development_areas": "Prioritera differentialdiagnoser tidigare; tidsdisposition.",
    "agreed_action": "Läs på om riskstratifiering vid bröstsmärta; ny Mini-CEX om två veckor.",
}
#: a whole Mini-CEX, as a request link's assessor fills it in
MINI_CEX_DONE: dict[str, Any] = MINI_CEX_CONTEXT | MINI_CEX_RATED


async def load_demo(db: Database, settings: Settings, *, only_if_empty: bool = True) -> bool:
    """Load the demo organisation and assessments; returns False when skipped (users exist)."""
    if only_if_empty and await people.count_users(db) > 0:
        return False
    ids = await _people(db)
    catalog = load_catalog(settings.schemas_dir)
    today = clock.today()  # the Swedish day, as every rule reckons it
    programme = await people.create_programme(
        db, trainee_id=ids["trainee"], kind="BT", unit_id=ids["unit"], main_supervisor_id=ids["main_supervisor"],
        start_date=(today - dt.timedelta(days=120)).isoformat())
    placement = await people.create_placement(
        db, programme_id=programme, unit_id=ids["unit"], specialty="Akut sjukvård (internmedicin)",
        start_date=(today - dt.timedelta(days=120)).isoformat(), end_date=(today + dt.timedelta(days=60)).isoformat(),
        clinical_supervisor_id=ids["clinical_supervisor"], placement_type="akut_sjukvard")
    await people.create_placement(
        db, programme_id=programme, unit_id=ids["unit2"], specialty="Allmänmedicin",
        start_date=(today + dt.timedelta(days=61)).isoformat(), end_date=(today + dt.timedelta(days=240)).isoformat(),
        clinical_supervisor_id=ids["main_supervisor"], placement_type="primarvard")
    programme2 = await people.create_programme(
        db, trainee_id=ids["trainee2"], kind="BT", unit_id=ids["unit"], main_supervisor_id=ids["main_supervisor"],
        start_date=(today - dt.timedelta(days=90)).isoformat())
    emils = await people.create_placement(
        db, programme_id=programme2, unit_id=ids["unit"], specialty="Akut sjukvård (internmedicin)",
        start_date=(today - dt.timedelta(days=90)).isoformat(), end_date=(today + dt.timedelta(days=30)).isoformat(),
        clinical_supervisor_id=ids["clinical_supervisor"], placement_type="akut_sjukvard")

    async def as_user(key: str, mutations: list[Mutation]) -> None:
        principal = await load_principal(db, ids[key])
        assert principal is not None

        async def run(tx: Tx) -> None:
            results = await apply_batch(tx, catalog, Actor.of(principal), mutations, device="demo")
            refused = [r for r in results if r.status == "rejected"]
            if refused:
                raise RuntimeError(f"demo data refused: {refused}")

        await db.transaction(run)

    def create(doc_id: str, data: dict[str, Any], **meta: Any) -> Create:
        return Create(id=1, doc_id=doc_id, at=now_ms(), form_id="mini-cex", form_version=MINI_CEX_VERSION,
                      data=data, meta=meta)

    def rate(doc_id: str, data: dict[str, Any]) -> list[Mutation]:
        """The assessor's part (ratings, time, feedback), then submitted for signature."""
        fields = {f"/{k}": v for k, v in data.items()}
        return [Edit(id=1, doc_id=doc_id, at=now_ms(), base_version=1, fields=fields),
                Submit(id=1, doc_id=doc_id, at=now_ms())]

    draft, waiting, signed, done = (new_id() for _ in range(4))
    # the trainee starts each one with the context; the assessor rates, gives feedback and signs
    await as_user("trainee", [
        create(draft, {"setting": "vardavdelning", "focus": "Inskrivning, hjärtsvikt"},
               assessor_id=ids["assessor"], placement_id=placement),
        create(waiting, MINI_CEX_CONTEXT, assessor_id=ids["assessor"], placement_id=placement),
        create(signed, MINI_CEX_CONTEXT | {"focus": "Buksmärta"}, assessor_id=ids["clinical_supervisor"],
               placement_id=placement),
        create(done, MINI_CEX_CONTEXT | {"focus": "Synkope"}, assessor_id=ids["clinical_supervisor"],
               placement_id=placement),
    ])
    await as_user("assessor", rate(waiting, MINI_CEX_RATED))
    await as_user("clinical_supervisor", [
        *rate(signed, MINI_CEX_RATED), Sign(id=1, doc_id=signed, at=now_ms()),
        *rate(done, MINI_CEX_RATED | {"helhetsbedomning": 7}), Sign(id=1, doc_id=done, at=now_ms()),
    ])
    await as_user("trainee", [Acknowledge(id=1, doc_id=done, at=now_ms(),
                                          reflection="Bra återkoppling; jag tränar på att prioritera tidigare.")])
    # her monthly handledningssamtal with Helena (HHL): she documented it, Helena confirmed it
    meeting = new_id()
    await as_user("trainee", [
        Create(id=1, doc_id=meeting, at=now_ms(), form_id="handledningssamtal", form_version=1, data=DEMO_MEETING,
               meta={"assessor_id": ids["main_supervisor"], "observed_on": (today - dt.timedelta(days=12)).isoformat()}),
        Submit(id=1, doc_id=meeting, at=now_ms())])
    await as_user("main_supervisor", [Sign(id=1, doc_id=meeting, at=now_ms())])
    # and one with Karin that the two keep private: Helena and the studierektor see only that it took place
    private = new_id()
    await as_user("trainee", [
        Create(id=2, doc_id=private, at=now_ms(), form_id="handledningssamtal", form_version=1,
               data=DEMO_MEETING | {"kind": "klinisk_handledare", "agenda": "Hur jag mår efter en svår jourhelg."},
               meta={"assessor_id": ids["clinical_supervisor"], "private": True,
                     "observed_on": (today - dt.timedelta(days=5)).isoformat()}),
        Submit(id=2, doc_id=private, at=now_ms())])
    # Emil's IUP, written with Helena just before his placement began and never followed up since
    # (iup_follow_up_missed); its planned assessments are his target
    iup = new_id()
    await as_user("trainee2", [
        Create(id=1, doc_id=iup, at=now_ms(), form_id="iup", form_version=1, data=DEMO_IUP,
               meta={"placement_id": emils, "observed_on": (today - dt.timedelta(days=92)).isoformat()}),
        Submit(id=2, doc_id=iup, at=now_ms())])
    await as_user("main_supervisor", [Sign(id=1, doc_id=iup, at=now_ms())])
    await _who_is_behind(db, settings, catalog, ids, as_user, today)
    from .demo_rounds import load_demo_round

    await load_demo_round(db, catalog, settings, ids)
    print_logins(settings)
    return True


async def _who_is_behind(db: Database, settings: Settings, catalog: Catalog, ids: dict[str, int],
                         as_user: Callable[[str, list[Mutation]], Awaitable[None]], today: dt.date) -> None:
    """The rest of Medicinkliniken, so that each rule for "behind" fires at least once:
    Emil: 0 signed at 75 % of his placement and nothing for 90 days (behind_at_midpoint, no_recent_assessment);
    Bea: a bedside request unanswered for 20 days (request_unanswered);
    Linnea: her psychiatry placement ended 30 days ago without a Slutbedömning (final_missing), and her
    current one ends in 10 days (Karin's Slutbedömning is due);
    Omar: his last placement's Slutbedömning is "ej godkänd" with BT15 "ej uppnått" (final_not_approved,
    delmal_not_reached), acknowledged by Omar and waiting for Helena's countersignature."""
    def day(offset: int) -> str:
        return (today + dt.timedelta(days=offset)).isoformat()

    bea = await load_principal(db, ids["trainee"])
    assert bea is not None
    await create_request(db, catalog, settings, bea, RequestCreate(form_id="dops", channel="bedside",
                                                                   assessor_name="Sjuksköterska på akuten"),
                         dt.datetime.now(dt.UTC) - dt.timedelta(days=20))
    async def bt_at_medicinkliniken(trainee: str, periods: list[tuple[str, int, int, dict[str, Any]]]) -> list[int]:
        """A BT at Medicinkliniken with Helena as HHL, and its placements with Karin as clinical supervisor:
        (specialty, first day, last day, type, sysselsättningsgrad and absence), the days counted from today."""
        programme = await people.create_programme(
            db, trainee_id=ids[trainee], kind="BT", unit_id=ids["unit"], main_supervisor_id=ids["main_supervisor"],
            start_date=day(periods[0][1]))
        return [await people.create_placement(
            db, programme_id=programme, unit_id=ids["unit"], specialty=specialty, start_date=day(first),
            end_date=day(last), clinical_supervisor_id=ids["clinical_supervisor"], **facts)
            for specialty, first, last, facts in periods]

    acute = {"placement_type": "akut_sjukvard"}
    # Linnea works 75 % and was away two days in psychiatry: her Slutbedömning starts with that
    psychiatry, _ = await bt_at_medicinkliniken("trainee3", [
        ("Psykiatri", -150, -30, {"placement_type": "psykiatri", "employment_rate_percent": 75, "absence_days": 2}),
        ("Akut sjukvård (internmedicin)", -29, 10, acute)])
    surgery, _ = await bt_at_medicinkliniken("trainee4", [
        ("Kirurgi", -200, -20, {"placement_type": "annan", "absence_days": 4}),
        ("Akut sjukvård (internmedicin)", -19, 160, acute)])

    def by_karin(doc_id: str, trainee: str, placement: int, on: str, data: dict[str, Any], delmal: list[str]) -> list[Mutation]:
        return [Create(id=1, doc_id=doc_id, at=now_ms(), form_id="mini-cex", form_version=MINI_CEX_VERSION, data=data,
                       meta={"trainee_id": ids[trainee], "placement_id": placement, "observed_on": on, "delmal": delmal}),
                Submit(id=1, doc_id=doc_id, at=now_ms()), Sign(id=1, doc_id=doc_id, at=now_ms())]

    done = [new_id() for _ in range(4)]
    await as_user("clinical_supervisor", [
        *by_karin(done[0], "trainee3", psychiatry, day(-120), MINI_CEX_DONE | {"focus": "Suicidriskbedömning"}, ["BT2"]),
        *by_karin(done[1], "trainee3", psychiatry, day(-70), MINI_CEX_DONE | {"focus": "Akut konfusion"}, ["BT2", "BT1"]),
        *by_karin(done[2], "trainee4", surgery, day(-150), MINI_CEX_DONE | {"focus": "Akut buk"}, ["BT1"]),
        *by_karin(done[3], "trainee4", surgery, day(-60), MINI_CEX_DONE | {"focus": "Läkemedelsgenomgång"}, ["BT15"]),
    ])
    final = new_id()
    failed = {
        "unit": "Medicinkliniken, Demosjukhuset", "specialty": "Kirurgi", "period_start": day(-200),
        "period_end": day(-20), "employment_rate_percent": 100, "absence_days": 4,
        "delmal": {"BT1": {"outcome": "uppnatt", "how_checked": "Mini-CEX och medsittning", "evidence": [done[2]]},
                   "BT15": {"outcome": "ej_uppnatt", "how_checked": "Läkemedelsgenomgångar med handledare",
                            "evidence": [done[3]]}},
        "strengths": "Trygg i akuta bedömningar.", "development_areas": "Läkemedelsgenomgångar och ordinationer.",
        "overall_result": "ej_godkand", "action_plan_needed": True,
    }
    await as_user("clinical_supervisor", [
        Create(id=1, doc_id=final, at=now_ms(), form_id="slutbedomning-bt", form_version=1, data=failed,
               meta={"trainee_id": ids["trainee4"], "placement_id": surgery, "observed_on": day(-20)}),
        Submit(id=1, doc_id=final, at=now_ms()), Sign(id=1, doc_id=final, at=now_ms())])
    await as_user("trainee4", [Acknowledge(id=1, doc_id=final, at=now_ms(),
                                           reflection="Jag håller med; vi behöver en handlingsplan för läkemedel.")])
    await _omars_plan(as_user, ids, day)


async def _omars_plan(as_user: Callable[[str, list[Mutation]], Awaitable[None]], ids: dict[str, int],
                      day: Callable[[int], str]) -> None:
    """Helena's handlingsplan for Omar after the "ej godkänd" (seed 003): signed, acknowledged with his
    view, its first follow-up 4 days overdue (plan_follow_up_missed); Karin, his clinical supervisor now,
    sees the measure at her placement, not the underlying factors."""
    plan = new_id()
    hhl_part = {
        "started_from": "ej_godkand", "problem_delmal": ["BT15"],
        "problems": "Läkemedelsgenomgångar och ordinationer: ofullständiga genomgångar, osäker dosering till äldre.",
        "underlying_factors": "Svår höst privat; sömnbrist under jourveckor.",
        "measures": {
            "medsittning": {"chosen": True, "responsible": "Karin Lind", "by": day(10), "at_placement": True},
            "extra_kurs": {"chosen": True, "responsible": "Helena Holm", "by": day(40)},
            "tydligare_krav": {"chosen": True, "responsible": "Helena Holm", "by": day(-10), "at_placement": True},
        },
        "timeline": "Medsittning vid två läkemedelsgenomgångar i veckan i fyra veckor; därefter en DOPS och en Mini-CEX.",
        "period_end": day(60), "follow_up_1": day(-4), "follow_up_2": day(30),
    }
    await as_user("main_supervisor", [
        Create(id=1, doc_id=plan, at=now_ms(), form_id="handlingsplan", form_version=1, data=hhl_part,
               meta={"trainee_id": ids["trainee4"], "observed_on": day(-18)})])
    await as_user("trainee4", [
        Edit(id=1, doc_id=plan, at=now_ms(), base_version=1, fields={
            "/trainee_response": "egen_syn",
            "/trainee_view": "Jag håller med. Jag vill gärna ha medsittningarna på dagtid, inte under jourveckor."}),
        Submit(id=2, doc_id=plan, at=now_ms())])
    await as_user("main_supervisor", [Sign(id=2, doc_id=plan, at=now_ms())])
    await as_user("trainee4", [Acknowledge(id=3, doc_id=plan, at=now_ms(), reflection="Tack, planen känns rimlig.")])


async def _people(db: Database) -> dict[str, int]:
    ids = {
        "unit": await people.create_unit(db, "Medicinkliniken, Demosjukhuset", "Region Demo"),
        "unit2": await people.create_unit(db, "Vårdcentralen Demo", "Region Demo"),
    }
    for key, (email, name, roles, title) in DEMO_PEOPLE.items():
        ids[key] = await people.create_user(
            db, email=email, name=name, password=DEMO_PASSWORD, roles=roles, title=title,
            studierektor_unit_id=ids["unit"] if "studierektor" in roles else None)
    return ids


#: Emil's IUP for his placement at the emergency department
DEMO_IUP: dict[str, Any] = {
    "goals": "Bli trygg i akuta bedömningar, prioritering och journalföring på akuten.",
    "courses": "BT-dagar (kommunikation, läkemedel) under hösten.",
    "auskultationer": "Två dagar på IVA.",
    "planned": {"mini_cex": 2, "dops": 1, "cbd": 1},
    "delmal_methods": {"BT1": ["mini_cex", "medsittning"], "BT5": ["cbd"], "BT15": ["dops", "kurs"]},
}


#: Bea's last handledningssamtal (seed 000's "Alla träffar")
DEMO_MEETING: dict[str, Any] = {
    "kind": "hhl",
    "agenda": "Hur de första månaderna på akuten har gått; BT-dagarna i vår.",
    "placement_status": "Bra introduktion. Nattjourerna är tunga; jag hinner sällan äta.",
    "feedback": "Tydligare journalanteckningar. Ring bakjouren tidigare när du är osäker.",
    "evaluation": "Vi hann med det vi ville; nästa gång prioritering under jour.",
    "plan_next": "Två Mini-CEX och en DOPS på akuten före nästa träff.",
}


def print_logins(settings: Settings) -> None:
    print(f"Demo data loaded. Log in at {settings.base_url} with any of these (password: "
          f"{DEMO_PASSWORD}):")
    for email, name, roles, _title in DEMO_PEOPLE.values():
        print(f"  {email:<32} {name:<16} {', '.join(roles)}")
    print(DEMO_SUPERVISION)
    print(f"In demo mode e-mail is not sent: it is shown at {settings.base_url}/dev/mail to the admin (log in as "
          f"the admin, {DEMO_PEOPLE['admin'][0]}, first) and on this console.")

"""Issue 14: the certificate drafts computed from a controlled data set (pure: no database), line by line."""

from __future__ import annotations

import datetime as dt

from server.portfolio.certificates import (Evidence, Final, Issuer, Placement, delmal_certificate, delmal_groups,
                                           full_time_months, service_certificate)

AKUTEN = Placement(placement_id=1, unit="Akutmottagningen", specialty="Akutsjukvård", start_date="2026-09-01",
                   end_date="2026-11-30", placement_type="akut_sjukvard", employment_rate_percent=100, absence_days=0)
VC = Placement(placement_id=2, unit="Vårdcentralen Norr", specialty="Allmänmedicin", start_date="2026-03-01",
               end_date="2026-08-31", placement_type="primarvard", employment_rate_percent=80, absence_days=5)
PSYK = Placement(placement_id=3, unit="Psykiatrin", specialty="Psykiatri", start_date="2026-12-01",
                 end_date="2027-02-28", placement_type="psykiatri", employment_rate_percent=100, absence_days=0)
TITLES = {"BT1": "Akuta och icke akuta sjukdomstillstånd", "BT8": "Etik i det dagliga arbetet",
          "BT9": "Bemötande", "BT15": "Läkemedelsbehandling"}
HHL = Issuer(name="Helena Holm", specialty="Specialist i allmänmedicin", workplace="Vårdcentralen Norr")
EVIDENCE = [
    Evidence(doc_id="m3", instrument="Mini-CEX", observed_on="2026-11-15", placement_id=1, delmal=("BT1",)),
    Evidence(doc_id="m1", instrument="Mini-CEX", observed_on="2026-09-02", placement_id=1, delmal=("BT1", "BT9")),
    Evidence(doc_id="d1", instrument="DOPS", observed_on="2026-10-01", placement_id=1, delmal=("BT1",)),
    Evidence(doc_id="m2", instrument="Mini-CEX", observed_on="2026-10-20", placement_id=1, delmal=("BT1",)),
    Evidence(doc_id="c1", instrument="CBD", observed_on="2026-05-05", placement_id=2, delmal=("BT15",)),
]
FINALS = [Final(doc_id="s1", placement_id=1, outcomes={"BT1": "uppnatt", "BT15": "pagaende", "BT8": "ej_aktuellt"}),
          Final(doc_id="s2", placement_id=2, outcomes={"BT15": "ej_uppnatt", "BT9": "uppnatt"})]


def certificate(codes: list[str], courses: dict[str, str] | None = None) -> dict[str, object]:
    c = delmal_certificate(codes, TITLES, EVIDENCE, FINALS, [AKUTEN, VC, PSYK], HHL, courses or {}, 7)
    return {"activities": [(line.text, line.links) for line in c.activities],
            "checked": [(line.text, line.links) for line in c.checked], "text": c.checked_text, "titles": c.titles}


def test_how_it_was_checked_counts_each_instrument_over_its_days_then_the_finals() -> None:
    bt1 = certificate(["BT1"])
    assert bt1["checked"] == [
        ("Mini-CEX ×3 (2026-09-02 – 2026-11-15)", ["#/a/m1", "#/a/m2", "#/a/m3"]),
        ("DOPS ×1 (2026-10-01)", ["#/a/d1"]),
        ("Slutbedömning Akutmottagningen", ["#/a/s1"]),
    ]
    assert bt1["text"] == "Mini-CEX ×3 (2026-09-02 – 2026-11-15), DOPS ×1 (2026-10-01), Slutbedömning Akutmottagningen"
    assert bt1["activities"] == [("Placering: Akutmottagningen (Akutsjukvård), 2026-09-01 – 2026-11-30", ["#/bt/7"])]


def test_a_final_that_did_not_find_the_delmal_reached_says_so_and_not_applicable_is_left_out() -> None:
    bt15 = certificate(["BT15"], {"BT15": "Läkemedelskurs för BT, 2026-10"})
    assert [text for text, _ in bt15["checked"]] == [
        "CBD ×1 (2026-05-05)", "Slutbedömning Vårdcentralen Norr (ej uppnått)", "Slutbedömning Akutmottagningen (pågående)"]
    assert [text for text, _ in bt15["activities"]] == [
        "Placering: Vårdcentralen Norr (Allmänmedicin), 2026-03-01 – 2026-08-31",
        "Placering: Akutmottagningen (Akutsjukvård), 2026-09-01 – 2026-11-30",
        "Kurser enligt IUP: Läkemedelskurs för BT, 2026-10"]
    assert certificate(["BT8"]) == {"activities": [], "checked": [], "text": "", "titles": [TITLES["BT8"]]}


def test_merged_delmal_share_one_certificate_and_the_rest_stand_alone() -> None:
    merged = certificate(["BT9", "BT15"])
    assert merged["titles"] == [TITLES["BT9"], TITLES["BT15"]]
    assert [text for text, _ in merged["checked"]] == [
        "CBD ×1 (2026-05-05)", "Mini-CEX ×1 (2026-09-02)", "Slutbedömning Vårdcentralen Norr (ej uppnått)",
        "Slutbedömning Akutmottagningen (pågående)"]
    codes = [f"BT{n}" for n in range(1, 19)]
    groups = delmal_groups(codes, [["BT15", "BT3"], ["BT7", "BT6"]])
    assert groups[:4] == [["BT1"], ["BT2"], ["BT3", "BT15"], ["BT4"]] and ["BT6", "BT7"] in groups
    assert len(groups) == 16 and sorted(c for g in groups for c in g) == sorted(codes)


def test_full_time_months_and_the_service_certificate() -> None:
    assert full_time_months("2026-09-01", "2026-11-30", 100, 0) == 3.0  # 91 days
    assert full_time_months("2026-03-01", "2026-08-31", 80, 5) == 4.7  # (184 − 5) × 0.8 / 30.44
    assert full_time_months("2026-01-01", "2026-01-10", 100, 30) == 0.0
    cert = service_certificate(7, [AKUTEN, PSYK, VC], dt.date(2026, 12, 15))
    assert [(p.unit, p.type_label, p.full_time_months, p.primarvard, p.akut_sjukvard, p.ongoing) for p in cert.placements] == [
        ("Vårdcentralen Norr", "Primärvård", 4.7, True, False, False),
        ("Akutmottagningen", "Akut sjukvård", 3.0, False, True, False),
        ("Psykiatrin", "Psykiatri", 3.0, False, False, True)]  # 90 days
    assert (cert.total_months, cert.primarvard_months, cert.akut_sjukvard_months) == (10.7, 4.7, 3.0)

"""Patient identity must never be stored: personnummer/samordningsnummer detection.

The corpus in tests/data/personnummer_corpus.json is run through the Python guard
(server/privacy) and, with node, through the PWA module (pwa/js/personnummer.js); both
must give the expected verdict for every entry and agree with each other.
"""

from __future__ import annotations

import json
import random
import shutil
import subprocess
from pathlib import Path

import pytest

from server.privacy import (
    IDENTITY_MESSAGE_EN,
    IdentityNumberMatch,
    contains_identity_number,
    find_identity_fields,
    find_identity_numbers,
    identity_error_message,
)

ROOT = Path(__file__).resolve().parents[1]
CORPUS_PATH = ROOT / "tests" / "data" / "personnummer_corpus.json"
JS_MODULE = ROOT / "pwa" / "js" / "personnummer.js"
CORPUS = json.loads(CORPUS_PATH.read_text(encoding="utf-8"))
NODE = shutil.which("node")
needs_node = pytest.mark.skipif(NODE is None, reason="node is not on PATH: cannot run pwa/js/personnummer.js")


def _luhn_check_digit(nine: str) -> str:
    total = 0
    for i, ch in enumerate(nine):
        d = int(ch) * (2 if i % 2 == 0 else 1)
        total += d - 9 if d > 9 else d
    return str((10 - total % 10) % 10)


def _entries(section: str) -> list:
    return [
        pytest.param(entry, id=f"{section}-{i:02d}-{entry['text'][:40]!r}")
        for i, entry in enumerate(CORPUS[section])
    ]


# --- corpus sanity ------------------------------------------------------------------------

def test_corpus_is_large_enough_and_well_formed() -> None:
    assert len(CORPUS["identity"]) >= 30
    assert len(CORPUS["not_identity"]) >= 30
    for entry in CORPUS["identity"] + CORPUS["not_identity"]:
        assert isinstance(entry["text"], str) and entry["why"]
    kinds = {entry["kind"] for entry in CORPUS["identity"]}
    assert kinds == {"personnummer", "samordningsnummer"}


def test_skatteverket_test_number_has_valid_check_digit() -> None:
    assert _luhn_check_digit("121212121") == "2"


# --- Python, over the corpus --------------------------------------------------------------

@pytest.mark.parametrize("entry", _entries("identity"))
def test_python_refuses_identity_number(entry: dict) -> None:
    text = entry["text"]
    assert contains_identity_number(text), entry["why"]
    matches = find_identity_numbers(text)
    assert matches and matches[0].kind == entry["kind"]
    for m in matches:
        span = text[m.start:m.end]
        assert span[0].isdigit() and span[-1].isdigit()
        assert len([c for c in span if c.isdigit()]) in (10, 12)
    assert find_identity_fields({"note": text}) == ["/note"]


@pytest.mark.parametrize("entry", _entries("not_identity"))
def test_python_accepts_non_identity_number(entry: dict) -> None:
    assert not contains_identity_number(entry["text"]), entry["why"]
    assert find_identity_numbers(entry["text"]) == []
    assert find_identity_fields({"note": entry["text"]}) == []


# --- Python, details ----------------------------------------------------------------------

def test_match_spans_and_kinds() -> None:
    text = "Pat 19121212-1212 och 701063-2391."
    assert find_identity_numbers(text) == [
        IdentityNumberMatch(4, 17, "personnummer"),
        IdentityNumberMatch(22, 33, "samordningsnummer"),
    ]
    assert text[4:17] == "19121212-1212"
    assert text[22:33] == "701063-2391"


@pytest.mark.parametrize(
    "template",
    ["{c}{d}-{n}", "{c}{d}{n}", "{c}{d} {n}", "{d}-{n}", "{d}{n}", "{d}+{n}", "{d} {n}"],
)
def test_every_format_of_generated_numbers(template: str) -> None:
    rng = random.Random(template)
    for _ in range(200):
        year = rng.randint(1901, 2024)
        month = rng.randint(1, 12)
        day = rng.randint(1, 28)
        samordning = rng.random() < 0.3
        yymmdd = f"{year % 100:02d}{month:02d}{day + (60 if samordning else 0):02d}"
        nnn = f"{rng.randint(0, 999):03d}"
        tail = nnn + _luhn_check_digit(yymmdd + nnn)
        text = template.format(c=str(year)[:2], d=yymmdd, n=tail)
        matches = find_identity_numbers(f"Patient {text} inkom")
        assert len(matches) == 1, text
        assert matches[0].kind == ("samordningsnummer" if samordning else "personnummer")
        wrong = tail[:3] + str((int(tail[3]) + rng.randint(1, 9)) % 10)
        assert not contains_identity_number(template.format(c=str(year)[:2], d=yymmdd, n=wrong))


def test_luhn_valid_mobile_number_is_refused_by_design() -> None:
    # A 10-digit phone number whose digits form a plausible date and a valid check digit
    # cannot be told apart from a personnummer; refusing it (false positive) is the
    # accepted trade-off. The same number written with separators passes.
    number = "070123456" + _luhn_check_digit("070123456")
    assert contains_identity_number(f"Ring {number}")
    assert not contains_identity_number(f"Ring {number[:3]}-{number[3:6]} {number[6:8]} {number[8:]}")


def test_find_identity_fields_reports_json_pointers() -> None:
    document = {
        "strengths": "Bra anamnes på pat 19121212-1212.",
        "improvements": "Inga, BT 120/80, 2024-05-12.",
        "delmal": {
            "BT3": {"how_checked": "DOPS, pat 701063-2391", "comment": "ok"},
            "BT4": {"how_checked": "Mini-CEX"},
        },
        "items": ["121212+1212", "070-123 45 67", {"note": "1212121212"}],
        "a/b": "121212 1212",
        "m~n": ["x", "19121212 1212"],
        "score": 4,
        "flag": True,
        "nothing": None,
    }
    assert find_identity_fields(document) == [
        "/strengths",
        "/delmal/BT3/how_checked",
        "/items/0",
        "/items/2/note",
        "/a~1b",
        "/m~0n/1",
    ]
    assert find_identity_fields(document["delmal"], prefix="/delmal") == ["/delmal/BT3/how_checked"]
    assert find_identity_fields("121212-1212") == [""]
    assert find_identity_fields({"clean": "Inga personuppgifter"}) == []


def test_error_message_names_field_and_is_actionable() -> None:
    message = identity_error_message("/delmal/BT3/how_checked")
    assert "/delmal/BT3/how_checked" in message
    assert message.endswith(IDENTITY_MESSAGE_EN)
    assert "personnummer" in message and "samordningsnummer" in message
    assert "remove it" in message and "age band" in message


def test_long_text_is_fast_enough() -> None:
    import time

    text = ("Pat kom in med buksmärta, BT 120/80, Hb 134, tel 070-123 45 67, 2024-05-12. " * 400)
    started = time.perf_counter()
    for _ in range(20):
        assert not contains_identity_number(text)
    assert (time.perf_counter() - started) / 20 < 0.05


# --- JavaScript (PWA) ---------------------------------------------------------------------

_JS_RUNNER = """
import { readFileSync, writeFileSync } from "node:fs";
import * as pnr from %(module)s;
const input = JSON.parse(readFileSync(%(input)s, "utf8"));
const out = {
  texts: input.texts.map((t) => ({
    contains: pnr.containsIdentityNumber(t),
    matches: pnr.findIdentityNumbers(t),
  })),
  fields: pnr.findIdentityFields(input.document),
  fieldsWithPrefix: pnr.findIdentityFields(input.document.delmal, "/delmal"),
  message: pnr.IDENTITY_MESSAGE_SV,
};
writeFileSync(%(output)s, JSON.stringify(out));
"""


def _run_js(tmp_path: Path, texts: list[str], document: object) -> dict:
    assert NODE is not None
    input_path, output_path = tmp_path / "input.json", tmp_path / "output.json"
    input_path.write_text(json.dumps({"texts": texts, "document": document}), encoding="utf-8")
    runner = tmp_path / "runner.mjs"
    runner.write_text(
        _JS_RUNNER
        % {
            "module": json.dumps(JS_MODULE.as_uri()),
            "input": json.dumps(str(input_path)),
            "output": json.dumps(str(output_path)),
        },
        encoding="utf-8",
    )
    result = subprocess.run([NODE, str(runner)], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    return json.loads(output_path.read_text(encoding="utf-8"))


def _random_texts(count: int) -> list[str]:
    """Digit-heavy texts (BMP only: JS offsets are UTF-16 units) to compare Python and JS."""
    rng = random.Random(20240512)
    alphabet = "0123456789" * 4 + "-+ /.:\u00a0\u2013ab"
    texts = []
    for _ in range(count):
        texts.append("".join(rng.choice(alphabet) for _ in range(rng.randint(0, 40))))
    for _ in range(count):  # near-misses around real numbers
        yymmdd = f"{rng.randint(0, 99):02d}{rng.randint(1, 12):02d}{rng.choice([rng.randint(1, 31), rng.randint(61, 91)]):02d}"
        nnn = f"{rng.randint(0, 999):03d}"
        tail = nnn + _luhn_check_digit(yymmdd + nnn)
        prefix = rng.choice(["", "19", "20", "18", "1", "x", " ", "7 "])
        sep = rng.choice(["", "-", "+", " ", "--", "/"])
        suffix = rng.choice(["", "0", ".", " mg", "12"])
        texts.append(f"{prefix}{yymmdd}{sep}{tail}{suffix}")
    return texts


JS_DOCUMENT = {
    "strengths": "Bra anamnes på pat 19121212-1212.",
    "delmal": {"BT3": {"how_checked": "DOPS, pat 701063-2391"}, "BT4": {"how_checked": "Mini-CEX"}},
    "items": ["121212+1212", "070-123 45 67", {"note": "1212121212"}],
    "a/b": "121212 1212",
    "m~n": ["x", "19121212 1212"],
    "score": 4,
}


@needs_node
def test_js_module_matches_corpus_and_python(tmp_path: Path) -> None:
    identity = [e["text"] for e in CORPUS["identity"]]
    clean = [e["text"] for e in CORPUS["not_identity"]]
    extra = _random_texts(1500)
    out = _run_js(tmp_path, identity + clean + extra, JS_DOCUMENT)
    results = out["texts"]

    wrong = [t for t, r in zip(identity, results) if not r["contains"]]
    assert wrong == [], f"JS let identity numbers through: {wrong}"
    wrong = [t for t, r in zip(clean, results[len(identity):]) if r["contains"]]
    assert wrong == [], f"JS refused non-identity text: {wrong}"

    for text, r in zip(identity + clean + extra, results):
        expected = [{"start": m.start, "end": m.end, "kind": m.kind} for m in find_identity_numbers(text)]
        assert r["matches"] == expected, text
        assert r["contains"] == contains_identity_number(text), text
    assert any(r["contains"] for r in results[len(identity) + len(clean):])  # the fuzz hits both ways

    assert out["fields"] == find_identity_fields(JS_DOCUMENT)
    assert out["fields"] == ["/strengths", "/delmal/BT3/how_checked", "/items/0", "/items/2/note", "/a~1b", "/m~0n/1"]
    assert out["fieldsWithPrefix"] == ["/delmal/BT3/how_checked"]
    assert out["message"] == (
        "Texten ser ut att innehålla ett personnummer eller samordningsnummer. Patientens identitet "
        "får aldrig sparas – ta bort numret eller beskriv patienten utan det (till exempel med åldersgrupp)."
    )


@needs_node
@pytest.mark.parametrize(
    ("entry", "expected"),
    [pytest.param(p.values[0], True, id=p.id) for p in _entries("identity")]
    + [pytest.param(p.values[0], False, id=p.id) for p in _entries("not_identity")],
)
def test_js_verdict_per_corpus_entry(entry: dict, expected: bool, js_corpus_verdicts: dict) -> None:
    assert js_corpus_verdicts[entry["text"]] is expected, entry["why"]


@pytest.fixture(scope="module")
def js_corpus_verdicts(tmp_path_factory: pytest.TempPathFactory) -> dict:
    texts = [e["text"] for e in CORPUS["identity"] + CORPUS["not_identity"]]
    out = _run_js(tmp_path_factory.mktemp("pnr-js"), texts, {})
    return {t: r["contains"] for t, r in zip(texts, out["texts"])}


def test_js_module_stays_small() -> None:
    assert JS_MODULE.stat().st_size < 4096

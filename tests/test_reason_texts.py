"""Every refusal has a stable ``reason`` code, and the PWA has its own Swedish and English text for
each reason the server can send (no raw English message in the Swedish UI)."""

from __future__ import annotations

import re

from server.errors import REASONS as HTTP_REASONS
from server.settings import REPO_ROOT
from sync.protocol import REASONS as SYNC_REASONS

SERVER = REPO_ROOT / "server"
PWA_JS = REPO_ROOT / "pwa" / "js"


def server_reasons() -> set[str]:
    """Every reason code written in the server: keyword arguments, DomainError class attributes,
    Refused(...) in the assessment service, the sync engine's reasons and the HTTP defaults."""
    found = set(SYNC_REASONS) | set(HTTP_REASONS.values()) | {"server_error", "identity_number"}
    for path in SERVER.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        found |= set(re.findall(r'reason="([a-z_]+)"', text))
        found |= set(re.findall(r'^\s+reason = "([a-z_]+)"', text, re.M))
        found |= set(re.findall(r'Refused\(\s*"([a-z_]+)"', text))
    for path in (REPO_ROOT / "sync").rglob("*.py"):
        found |= set(re.findall(r'Rejection\(\s*"([a-z_]+)"', path.read_text(encoding="utf-8")))
    return found


def pwa_reasons() -> dict[str, set[str]]:
    """Reason texts per language from every ``reasons: {...}`` block of the PWA (sv first, then en)."""
    texts: dict[str, set[str]] = {"sv": set(), "en": set()}
    for path in PWA_JS.rglob("*.js"):
        blocks = re.findall(r"reasons: \{(.*?)\n\s*\}", path.read_text(encoding="utf-8"), re.S)
        if path.name.endswith("-en.js"):  # a file of one language (the shell's English, i18n-en.js)
            texts["en"] |= {k for block in blocks for k in re.findall(r"(\w+): [\"`]", block)}
            continue
        if path.name == "i18n.js":  # the shell's Swedish; its English is in i18n-en.js
            texts["sv"] |= {k for block in blocks[:1] for k in re.findall(r"(\w+): [\"`]", block)}
            continue
        assert len(blocks) % 2 == 0, f"{path}: a reasons block needs both languages"
        for i, block in enumerate(blocks):
            texts["sv" if i % 2 == 0 else "en"] |= set(re.findall(r"(\w+): [\"`]", block))
    return texts


def test_the_collection_sees_the_reasons_we_know_of() -> None:
    reasons = server_reasons()
    assert {"link_claimed", "own_request", "identity_number", "gap", "rate_limited", "assessor_details_missing",
            "own_assessment", "no_qr", "too_deep"} <= reasons


def test_every_reason_the_server_sends_has_a_swedish_and_an_english_text() -> None:
    reasons = server_reasons()
    texts = pwa_reasons()
    for language in ("sv", "en"):
        missing = sorted(reasons - texts[language])
        assert missing == [], f"no {language} text for: {missing}"
    assert texts["sv"] == texts["en"]

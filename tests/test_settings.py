"""Every setting is documented in the README, and bad values are refused with a clear message."""

import re

import pytest

from server.settings import REPO_ROOT, SETTINGS_DOC, Settings, SettingsError


def test_every_setting_is_documented_in_the_readme() -> None:
    readme = (REPO_ROOT / "README.md").read_text()
    documented = set(re.findall(r"\| `(BEDSIDE_[A-Z_]+)` \|", readme))
    assert documented == {name for name, _, _ in SETTINGS_DOC}


def test_every_setting_read_from_the_environment_is_in_the_doc_list() -> None:
    source = (REPO_ROOT / "server" / "settings.py").read_text()
    read = set(re.findall(r'_(?:env|int)\("(BEDSIDE_[A-Z_]+)"', source))
    assert read == {name for name, _, _ in SETTINGS_DOC}


def test_a_non_number_is_refused_naming_the_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BEDSIDE_PORT", "eighty")
    with pytest.raises(SettingsError, match="BEDSIDE_PORT"):
        Settings.from_env()


def test_production_requires_a_secret_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BEDSIDE_ENV", "production")
    monkeypatch.delenv("BEDSIDE_SECRET_KEY", raising=False)
    with pytest.raises(SettingsError, match="BEDSIDE_SECRET_KEY"):
        Settings.from_env()


def test_sqlite_urls_resolve_relative_and_absolute_paths() -> None:
    assert Settings(database_url="sqlite:////tmp/x.sqlite3").sqlite_path.as_posix() == "/tmp/x.sqlite3"
    assert Settings(database_url="sqlite:///data/b.sqlite3").sqlite_path == REPO_ROOT / "data" / "b.sqlite3"


def test_trusted_proxies_are_networks_and_a_bad_one_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BEDSIDE_SECRET_KEY", "k")
    monkeypatch.setenv("BEDSIDE_TRUSTED_PROXIES", "10.0.0.0/8, 192.168.1.1")
    assert Settings.from_env().trusted_proxies == ("10.0.0.0/8", "192.168.1.1/32")
    monkeypatch.setenv("BEDSIDE_TRUSTED_PROXIES", "proxy.example")
    with pytest.raises(SettingsError, match="BEDSIDE_TRUSTED_PROXIES"):
        Settings.from_env()


def test_the_demo_banner_names_the_address_the_server_answers_on(monkeypatch: pytest.MonkeyPatch,
                                                                  capsys: pytest.CaptureFixture[str]) -> None:
    from server.demo import print_logins

    for name in ("BEDSIDE_BASE_URL", "BEDSIDE_HOST"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("BEDSIDE_PORT", "8123")
    assert Settings.from_env().base_url == "http://127.0.0.1:8123"  # links in mail and QR codes too
    print_logins(Settings.from_env())
    banner = capsys.readouterr().out
    assert "http://127.0.0.1:8123 " in banner and "http://127.0.0.1:8123/dev/mail" in banner
    assert "8000" not in banner
    monkeypatch.setenv("BEDSIDE_BASE_URL", "https://bedside.example.se/")
    print_logins(Settings.from_env())
    banner = capsys.readouterr().out
    assert "https://bedside.example.se " in banner and "https://bedside.example.se/dev/mail" in banner
    assert "127.0.0.1" not in banner

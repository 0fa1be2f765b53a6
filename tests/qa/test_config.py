"""The settings object: what it accepts and what it shows."""

from __future__ import annotations

from qa.config import Settings


def test_the_login_password_is_redacted_wherever_settings_are_shown(monkeypatch):
    monkeypatch.setenv("QA_AUTH", "ann:s3cret,bob:hunter2")
    settings = Settings()
    for shown in (repr(settings), str(settings), settings.model_dump_json(), repr(settings.model_dump())):
        assert "s3cret" not in shown and "hunter2" not in shown, shown
    assert settings.auth.get_secret_value() == "ann:s3cret,bob:hunter2"


def test_no_login_is_an_empty_secret():
    assert Settings().auth.get_secret_value() == ""

"""Shared fixtures: no network beyond loopback, every store and cache under tmp_path."""

from __future__ import annotations

import ipaddress
import os
import socket

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")

_real_connect = socket.socket.connect
_real_connect_ex = socket.socket.connect_ex


def _loopback_only(address) -> None:
    if isinstance(address, tuple) and address:
        host = address[0]
        if host in ("localhost", "") or (isinstance(host, str) and host.startswith("127.")):
            return
        try:
            if ipaddress.ip_address(host).is_loopback:
                return
        except ValueError:
            pass
        raise OSError(f"network access blocked in tests: {address!r}")
    # AF_UNIX paths and the like are local.


@pytest.fixture(autouse=True)
def _no_network(monkeypatch):
    """Refuse any connection that is not to this machine's loopback."""

    def connect(self, address):
        _loopback_only(address)
        return _real_connect(self, address)

    def connect_ex(self, address):
        _loopback_only(address)
        return _real_connect_ex(self, address)

    monkeypatch.setattr(socket.socket, "connect", connect)
    monkeypatch.setattr(socket.socket, "connect_ex", connect_ex)


@pytest.fixture(autouse=True)
def _isolated_dirs(tmp_path, monkeypatch):
    """Point the index and every QA_ setting at tmp_path; drop QA_ settings from the caller."""
    for key in list(os.environ):
        if key.startswith("QA_"):
            monkeypatch.delenv(key, raising=False)
    monkeypatch.setenv("QA_INDEX_DIR", str(tmp_path / "index"))

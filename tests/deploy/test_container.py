"""The container cannot be built here (no Docker engine); test what can be: the entrypoint and the recipe."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ENTRYPOINT = ROOT / "docker" / "entrypoint.sh"


@pytest.fixture
def fake_kooperativet(tmp_path: Path) -> Path:
    """A stand-in `kooperativet` on PATH that logs each call's arguments."""
    log = tmp_path / "calls.log"
    script = tmp_path / "bin" / "kooperativet"
    script.parent.mkdir()
    script.write_text(f'#!/bin/sh\necho "$*" >> {log}\n', encoding="utf-8")
    script.chmod(0o755)
    return log


def run_entrypoint(log: Path, *args: str, **env: str) -> list[str]:
    path = f"{log.parent / 'bin'}:{os.environ['PATH']}"
    subprocess.run(["sh", str(ENTRYPOINT), *args], check=True, env={"PATH": path, **env})
    return log.read_text(encoding="utf-8").splitlines()


def test_serve_migrates_first_then_listens_on_all_interfaces(fake_kooperativet: Path) -> None:
    assert run_entrypoint(fake_kooperativet) == ["db upgrade", "serve --host 0.0.0.0 --port 8000 --workers 2"]


def test_serve_takes_port_and_workers_from_the_environment(fake_kooperativet: Path) -> None:
    calls = run_entrypoint(fake_kooperativet, "serve", PORT="9000", KOOPERATIVET_WORKERS="4")
    assert calls == ["db upgrade", "serve --host 0.0.0.0 --port 9000 --workers 4"]


def test_other_commands_pass_straight_through(fake_kooperativet: Path) -> None:
    assert run_entrypoint(fake_kooperativet, "demo", "--out", "/data/demo") == ["demo --out /data/demo"]


def test_the_image_runs_as_a_non_root_user_with_the_pdf_libraries() -> None:
    dockerfile = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    users = re.findall(r"^USER (\S+)", dockerfile, flags=re.MULTILINE)
    assert users
    assert users[-1] not in {"root", "0"}
    for package in ("libpango-1.0-0", "libharfbuzz-subset0", "fonts-dejavu-core"):
        assert package in dockerfile


def test_every_file_the_image_copies_exists() -> None:
    dockerfile = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    for sources in re.findall(r"^COPY (?!--from)(.+) \S+$", dockerfile, flags=re.MULTILINE):
        for source in sources.split():
            assert (ROOT / source).exists(), source


def test_compose_requires_a_secret_key_and_uses_postgresql() -> None:
    compose = (ROOT / "compose.yaml").read_text(encoding="utf-8")
    assert "KOOPERATIVET_SECRET_KEY: ${KOOPERATIVET_SECRET_KEY:?" in compose
    assert "postgresql+psycopg://" in compose
    assert "image: postgres:" in compose


def test_compose_runs_a_worker_with_the_same_settings_as_the_api() -> None:
    """With PostgreSQL the API runs no worker: without this service no e-mail or PDF would ever be made."""
    import yaml

    services = yaml.safe_load((ROOT / "compose.yaml").read_text(encoding="utf-8"))["services"]
    assert services["worker"]["command"] == ["worker"]
    api, worker = services["api"]["environment"], services["worker"]["environment"]
    assert {key: value for key, value in api.items() if key != "KOOPERATIVET_WORKERS"} == worker
    assert "KOOPERATIVET_SMTP_HOST" in worker

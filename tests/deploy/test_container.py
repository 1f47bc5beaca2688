"""The container cannot be built here (no Docker engine); test what can be: the entrypoint and the recipe."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path
from typing import Any

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


def compose_services() -> dict[str, Any]:
    """The services of compose.yaml, as docker compose reads them."""
    import yaml

    services: dict[str, Any] = yaml.safe_load((ROOT / "compose.yaml").read_text(encoding="utf-8"))["services"]
    return services


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
    services = compose_services()
    assert services["worker"]["command"] == ["worker"]
    api, worker = services["api"]["environment"], services["worker"]["environment"]
    assert {key: value for key, value in api.items() if key != "KOOPERATIVET_WORKERS"} == worker
    assert "KOOPERATIVET_SMTP_HOST" in worker


def test_the_image_has_the_pg_dump_of_the_postgresql_compose_runs() -> None:
    """``kooperativet backup`` runs pg_dump inside the container, and a pg_dump older than its server refuses
    to dump it: the image's client is of the server's major version."""
    services = compose_services()
    major = services["db"]["image"].removeprefix("postgres:").split(".")[0]
    dockerfile = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    assert re.search(rf"^\s+postgresql-client-{major} ", dockerfile, flags=re.MULTILINE), major


def test_the_image_fetches_nothing_that_is_not_checked() -> None:
    """Everything the image takes from outside is checked by apt or pip: no file is added from a web address
    or fetched by curl or wget, and the key of the PostgreSQL project's repository comes from Debian's own
    postgresql-common package (which apt checks against Debian's signed archive) before the repository is
    trusted with it."""
    dockerfile = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    assert not re.search(r"^\s*ADD\s+https?://", dockerfile, flags=re.MULTILINE | re.IGNORECASE)
    assert not re.search(r"\b(curl|wget)\b", dockerfile)
    key = dockerfile.index("/usr/share/keyrings/postgresql.asc")
    assert dockerfile.index("apt-get download postgresql-common") < key
    assert key < dockerfile.index("[signed-by=/usr/share/keyrings/postgresql.asc] https://apt.postgresql.org")


def compose_environment() -> dict[str, str]:
    """What compose.yaml gives the api and the workers when the shell sets only the four keys it requires."""
    from tests.conftest import TEST_AUDIT_KEY, TEST_BLIND_INDEX_KEY, TEST_DATA_KEY

    required = {
        "KOOPERATIVET_SECRET_KEY": "a test secret key of at least thirty-two characters",
        "KOOPERATIVET_AUDIT_KEY": TEST_AUDIT_KEY.decode(),
        "KOOPERATIVET_DATA_KEY": TEST_DATA_KEY,
        "KOOPERATIVET_BLIND_INDEX_KEY": TEST_BLIND_INDEX_KEY,
    }

    def interpolate(value: str) -> str:  # ${NAME:?message} is required; ${NAME:-default} falls back
        return re.sub(
            r"\$\{(\w+):([-?])([^}]*)\}",
            lambda found: required[found[1]] if found[2] == "?" else found[3],
            value,
        )

    services = compose_services()
    return {name: interpolate(str(value)) for name, value in services["worker"]["environment"].items()}


def test_the_settings_compose_leaves_empty_count_as_not_set(monkeypatch: pytest.MonkeyPatch) -> None:
    """compose passes each optional setting as ``${NAME:-}``, an empty string: no SMTP host is no mail server
    (the mail waits, saying why), and an empty user name and password are no SMTP login."""
    from kooperativet.config import Settings
    from kooperativet.mail.smtp import NoMailServer, require_server

    for name in [name for name in os.environ if name.startswith("KOOPERATIVET_")]:
        monkeypatch.delenv(name)
    for name, value in compose_environment().items():
        monkeypatch.setenv(name, value)

    settings = Settings(_env_file=None)

    assert (
        settings.resolved_database_url
        == "postgresql+psycopg://kooperativet:kooperativet@db:5432/kooperativet"
    )
    assert (settings.smtp_host, settings.smtp_username, settings.smtp_password) == (None, None, None)
    assert (settings.admin_email, settings.admin_password, settings.trusted_proxy_list) == (None, None, [])
    with pytest.raises(NoMailServer, match="no SMTP server is configured"):
        require_server(settings)


def test_the_workers_start_once_the_api_has_migrated_and_every_service_restarts() -> None:
    """A worker refuses a database that is not migrated to its version, and the api migrates before it
    listens: a worker started with the api (``service_started``) stopped on the first ``docker compose up``
    and stayed stopped. It waits for the api's health check, and every service restarts after a crash or a
    reboot."""
    services = compose_services()
    assert services["worker"]["depends_on"] == {"api": {"condition": "service_healthy"}}
    assert services["api"]["depends_on"] == {"db": {"condition": "service_healthy"}}
    assert re.search(r"^HEALTHCHECK ", (ROOT / "Dockerfile").read_text(encoding="utf-8"), flags=re.MULTILINE)
    assert {name: service.get("restart") for name, service in services.items()} == dict.fromkeys(
        services, "unless-stopped"
    )


#: Files in the source tree that only the developers' tools read: the catalogue extraction's configuration
#: (``make messages``).
BUILD_ONLY = {Path("web/babel.cfg")}


def test_the_package_carries_every_file_the_service_reads() -> None:
    """The image installs the package (``pip install .``), not the checkout: a template, style sheet,
    translation or guide outside ``package-data`` would be missing from it while every test here, run from
    the checkout, passes."""
    import tomllib

    source = ROOT / "src" / "kooperativet"
    settings = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    patterns = settings["tool"]["setuptools"]["package-data"]["kooperativet"]
    carried = {path for pattern in patterns for path in source.glob(pattern) if path.is_file()}
    data = {
        path
        for path in source.rglob("*")
        if path.is_file()
        and path.suffix not in {".py", ".pyc"}
        and "__pycache__" not in path.parts
        and path.relative_to(source) not in BUILD_ONLY
    }
    assert len(data) > 50, "the templates, styles and translations were not found"
    assert sorted(str(path.relative_to(source)) for path in data - carried) == []


def test_a_stopped_worker_has_the_time_to_finish_its_job_that_systemd_gives_it() -> None:
    """SIGTERM ends a worker after the job at hand; Docker kills it after 10 s unless told otherwise, and the
    job killed with it waits out its lease before another worker takes it. compose gives it what the systemd
    unit of docs/workers.md does."""
    workers_md = (ROOT / "docs" / "workers.md").read_text(encoding="utf-8")
    (systemd,) = re.findall(r"^TimeoutStopSec=(\d+)$", workers_md, flags=re.MULTILINE)
    grace = compose_services()["worker"]["stop_grace_period"]
    minutes = re.fullmatch(r"(\d+)m", grace)
    assert minutes is not None, grace
    assert int(minutes[1]) * 60 == int(systemd)


def test_the_worker_docs_show_the_compose_files_worker() -> None:
    """docs/workers.md shows the service as compose.yaml has it, line for line (it once told the reader to
    add one that the file had already, with another grace period)."""
    workers_md = (ROOT / "docs" / "workers.md").read_text(encoding="utf-8")
    section = workers_md[workers_md.index("With Docker Compose") :]
    snippet = section.split("```yaml\n", 1)[1].split("```", 1)[0]
    compose = (ROOT / "compose.yaml").read_text(encoding="utf-8")
    worker = compose[compose.index("\n  worker:\n") :].split("\nvolumes:", 1)[0]
    shown = [line.split("#", 1)[0].rstrip() for line in snippet.splitlines()]
    assert [line for line in shown if line] == [
        line for line in worker.splitlines() if line.strip() and not line.lstrip().startswith("#")
    ]


def test_the_defaults_compose_falls_back_to_are_the_settings_own(monkeypatch: pytest.MonkeyPatch) -> None:
    """A setting the shell leaves unset is what the README's configuration table says, in compose too: its
    fallback is nothing (the settings' default) or that same default (the sender was kansliet@, not the
    table's styrelsen@)."""
    from kooperativet.config import Settings

    for name in [name for name in os.environ if name.startswith("KOOPERATIVET_")]:
        monkeypatch.delenv(name)
    default = Settings(_env_file=None)
    environment = compose_services()["worker"]["environment"]
    compared = []
    for name, value in environment.items():
        fallback = re.fullmatch(r"\$\{(\w+):-([^}]+)\}", str(value))
        if fallback is None or fallback[1] != name:
            continue
        field = name.removeprefix("KOOPERATIVET_").lower()
        with monkeypatch.context() as patched:
            patched.setenv(name, fallback[2])
            given = Settings(_env_file=None)
        if field == "smtp_security":
            assert given.resolved_smtp_security == default.resolved_smtp_security
        else:
            assert getattr(given, field) == getattr(default, field), name
        compared.append(name)
    assert "KOOPERATIVET_SMTP_PORT" in compared

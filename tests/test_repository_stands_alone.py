"""R15 (docs/quality.md): a plain clone stands alone; nothing in it reads or cites files outside it.

The scan covers the files Git tracks, so it sees exactly what a clone gets. This file is left out of the scan:
it has to spell the patterns it looks for.
"""

from __future__ import annotations

import hashlib
import json
import re
import subprocess
from pathlib import Path

from kooperativet.parameters.catalog import DEFAULTS

ROOT = Path(__file__).resolve().parents[1]
SCANNED = (
    "src",
    "tests",
    "bench",
    "migrations",
    "docs",
    "templates",
    "docker",
    "README.md",
    "Makefile",
    "Dockerfile",
    "compose.yaml",
)
THIS_FILE = Path(__file__).resolve().relative_to(ROOT).as_posix()
REFERENCE = "tests/reference"

#: A path into the folder that sits beside the repository on the developers' machines, in any spelling:
#: ``../shared``, ``shared/domain/…``, or built with pathlib as ``"shared" / "reference"``.
OUTSIDE_PATH = re.compile(r"\.\./+shared\b|\bshared/+(?:domain|reference|design)\b|[\"']shared[\"']\s*/")
#: A cited Markdown document: a bare name (``payroll.md``) or a path (``docs/payroll.md``), not part of a URL.
MARKDOWN_CITATION = re.compile(r"(?<![\w./-])((?:[\w.-]+/)*[\w-]+\.md)\b")
SHA256_LINE = re.compile(r"^([0-9a-f]{64})  (\S.*)$", re.MULTILINE)


def tracked_files(*paths: str) -> list[str]:
    listing = subprocess.run(
        ["git", "ls-files", "-z", "--", *paths], cwd=ROOT, capture_output=True, check=True
    ).stdout
    return [name for name in listing.decode().split("\0") if name]


def scanned_texts() -> dict[str, str]:
    return {
        name: (ROOT / name).read_bytes().decode("utf-8", errors="replace")
        for name in tracked_files(*SCANNED)
        if name != THIS_FILE
    }


def outside_paths(text: str) -> list[str]:
    return [match.group(0) for match in OUTSIDE_PATH.finditer(text)]


def missing_documents(text: str, *, tracked: set[str]) -> list[str]:
    """The Markdown documents ``text`` cites that the repository does not hold."""
    names = {Path(name).name for name in tracked}
    missing = []
    for match in MARKDOWN_CITATION.finditer(text):
        cited = match.group(1)
        found = cited in tracked if "/" in cited else cited in names
        if not found:
            missing.append(cited)
    return missing


def parameter_sources() -> list[str]:
    """The source of every seeded default, and the sources inside JSON values (contribution rules)."""
    sources = []
    for default in DEFAULTS:
        sources.append(default.source)
        if default.value.startswith("["):
            for rule in json.loads(default.value):
                sources.extend(text for field, text in rule.items() if field.endswith("source"))
    return sources


def test_the_checks_catch_what_they_are_for() -> None:
    assert outside_paths('ROOT.parent / "shared" / "reference"') == ['"shared" /']
    assert outside_paths("see ../shared/reference/sie and shared/domain/payroll.md") == [
        "../shared",
        "shared/domain",
    ]
    assert outside_paths("helpers shared by every router; a shared machine") == []
    tracked = {"docs/payroll.md", "README.md"}
    assert missing_documents("(payroll.md §1; docs/payroll.md; README.md)", tracked=tracked) == []
    assert missing_documents("(architecture.md; docs/quality.md R1)", tracked=tracked) == [
        "architecture.md",
        "docs/quality.md",
    ]
    assert missing_documents("https://github.com/owner/repo/blob/main/README.md", tracked=set()) == []


def test_no_tracked_file_reads_or_cites_a_path_outside_the_repository() -> None:
    found = {name: hits for name, text in scanned_texts().items() if (hits := outside_paths(text))}
    assert found == {}


def test_every_cited_markdown_document_is_in_the_repository() -> None:
    tracked = set(tracked_files())
    found = {
        name: missing
        for name, text in scanned_texts().items()
        if (missing := missing_documents(text, tracked=tracked))
    }
    assert found == {}


def test_every_seeded_parameter_cites_the_law_or_an_authority_not_a_file_or_a_doubt() -> None:
    doubtful = [
        source
        for source in parameter_sources()
        if not source.strip() or "verify" in source.lower() or re.search(r"\.md\b", source)
    ]
    assert doubtful == []


def test_every_reference_file_is_tracked_listed_in_its_sources_and_unchanged() -> None:
    tracked = tracked_files(REFERENCE)
    folders = sorted({name.split("/")[2] for name in tracked if name.count("/") > 2})
    assert folders == ["agi", "pain001", "peppol", "sie"]
    for folder in folders:
        base = f"{REFERENCE}/{folder}"
        sources = (ROOT / base / "SOURCES.md").read_text(encoding="utf-8")
        listed = {f"{base}/{path}": digest for digest, path in SHA256_LINE.findall(sources)}
        files = {name for name in tracked if name.startswith(f"{base}/") and not name.endswith("SOURCES.md")}
        assert set(listed) == files, folder
        for name, digest in listed.items():
            assert hashlib.sha256((ROOT / name).read_bytes()).hexdigest() == digest, name

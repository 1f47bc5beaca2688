"""The default bank: the Markdown files in ``bank/``, each ``<slug>.<lang>.md`` with a YAML front matter."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

BANK_DIR = Path(__file__).resolve().parent / "bank"
LANGUAGES = ("sv", "en")
CATEGORIES = (
    "pay",
    "employment",
    "tax",
    "invoicing",
    "governance",
    "office-routines",
    "pricing",
    "insurance",
)
AUDIENCES = ("member", "office")
#: Raised when the bundle format changes in a way an older importer cannot read.
FORMAT_VERSION = 1


class BankFileError(ValueError):
    """A default article file that does not follow the format (docs/knowledge.md)."""


@dataclass(frozen=True, slots=True)
class Source:
    title: str
    url: str


@dataclass(frozen=True, slots=True)
class Text:
    """One language of an article: what a version stores and what the page shows."""

    title: str
    summary: str
    body: str
    sources: tuple[Source, ...] = ()

    def as_dict(self) -> dict[str, Any]:
        return {
            "title": self.title,
            "summary": self.summary,
            "body": self.body,
            "sources": [{"title": s.title, "url": s.url} for s in self.sources],
        }

    def fingerprint(self) -> str:
        """A short hash of the text, so a local version can say which default it was based on."""
        canonical = repr(sorted(self.as_dict().items()))
        return hashlib.sha256(canonical.encode()).hexdigest()[:16]


@dataclass(frozen=True, slots=True)
class DefaultArticle:
    slug: str
    category: str
    audience: str
    related: tuple[str, ...]
    texts: dict[str, Text] = field(default_factory=dict)


def sources_from(raw: object) -> tuple[Source, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, list):
        raise BankFileError("sources must be a list of {title, url}")
    found = []
    for item in raw:
        if not isinstance(item, dict) or not item.get("title"):
            raise BankFileError("each source needs a title (and a url)")
        found.append(Source(title=str(item["title"]), url=str(item.get("url") or "")))
    return tuple(found)


def parse_file(text: str, *, name: str) -> tuple[dict[str, Any], str]:
    """The front matter (as a dict) and the Markdown body of one file."""
    lines = text.splitlines(keepends=True)
    if not lines or lines[0].strip() != "---":
        raise BankFileError(f"{name}: the file must start with a front matter between lines '---'")
    try:
        end = next(i for i in range(1, len(lines)) if lines[i].strip() == "---")
    except StopIteration:
        raise BankFileError(f"{name}: the front matter has no closing '---'") from None
    meta = yaml.safe_load("".join(lines[1:end])) or {}
    if not isinstance(meta, dict):
        raise BankFileError(f"{name}: the front matter must be a mapping")
    return meta, "".join(lines[end + 1 :]).strip() + "\n"


def _checked(meta: dict[str, Any], name: str) -> None:
    for key in ("title", "category", "audience", "summary"):
        if not isinstance(meta.get(key), str) or not meta[key].strip():
            raise BankFileError(f"{name}: front matter needs {key}")
    if meta["category"] not in CATEGORIES:
        raise BankFileError(f"{name}: category must be one of {', '.join(CATEGORIES)}")
    if meta["audience"] not in AUDIENCES:
        raise BankFileError(f"{name}: audience must be member or office")


def load_directory(folder: Path) -> dict[str, DefaultArticle]:
    """Every article in ``folder`` by slug; each must exist in every language, with the same category."""
    parts: dict[str, dict[str, tuple[dict[str, Any], str]]] = {}
    for path in sorted(folder.glob("*.md")):
        slug, _, language = path.name.removesuffix(".md").rpartition(".")
        if language not in LANGUAGES or not slug:
            raise BankFileError(f"{path.name}: name it <slug>.sv.md or <slug>.en.md")
        meta, body = parse_file(path.read_text(encoding="utf-8"), name=path.name)
        _checked(meta, path.name)
        parts.setdefault(slug, {})[language] = (meta, body)
    articles = {}
    for slug, by_language in parts.items():
        missing = [lang for lang in LANGUAGES if lang not in by_language]
        if missing:
            raise BankFileError(f"{slug}: no {', '.join(missing)} file")
        first = by_language["sv"][0]
        if any(meta["category"] != first["category"] for meta, _ in by_language.values()):
            raise BankFileError(f"{slug}: the languages disagree on the category")
        articles[slug] = DefaultArticle(
            slug=slug,
            category=first["category"],
            audience=first["audience"],
            related=tuple(str(s) for s in first.get("related") or ()),
            texts={
                language: Text(
                    title=meta["title"].strip(),
                    summary=meta["summary"].strip(),
                    body=body,
                    sources=sources_from(meta.get("sources")),
                )
                for language, (meta, body) in by_language.items()
            },
        )
    return articles


@lru_cache(maxsize=1)
def default_bank() -> dict[str, DefaultArticle]:
    """The bank shipped with the product, read once per process."""
    return load_directory(BANK_DIR)

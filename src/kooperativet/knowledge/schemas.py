from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from kooperativet.api.types import MultilineText, ReadSchema, Schema, Text
from kooperativet.knowledge.bank import Source
from kooperativet.knowledge.bank import Text as ArticleText

Language = Literal["sv", "en"]


class SourceBody(Schema):
    title: Text = Field(min_length=1, max_length=300)
    url: Text = Field(default="", max_length=1000)


class TextBody(Schema):
    title: Text = Field(min_length=1, max_length=200)
    summary: Text = Field(default="", max_length=1000)
    body: MultilineText = Field(
        default="", max_length=100_000, description="Markdown; raw HTML is shown as text"
    )
    sources: list[SourceBody] = Field(default_factory=list, max_length=50)

    def as_text(self) -> ArticleText:
        return ArticleText(
            title=self.title,
            summary=self.summary,
            body=self.body,
            sources=tuple(Source(title=s.title, url=s.url) for s in self.sources),
        )


class ArticleCreate(Schema):
    slug: Text = Field(min_length=3, max_length=80, examples=["our-rehearsal-room"])
    category: Text
    audience: Text = "member"
    texts: dict[Language, TextBody] = Field(description="by language: sv, en")


class Hidden(Schema):
    hidden: bool


def _both() -> list[Language]:
    return ["sv", "en"]


class TakeBody(Schema):
    languages: list[Language] = Field(default_factory=_both)


class ArticleSummary(Schema):
    slug: str
    category: str
    audience: str
    hidden: bool
    source: str
    title: str
    summary: str


class ArticleRead(ArticleSummary):
    language: str
    html: str = Field(description="the body as safe HTML, today's parameter values inserted")
    markdown: str = Field(description="the body as written, with its placeholders")
    sources: list[dict[str, str]]
    related: list[str]
    edited_languages: list[str]


class VersionRead(ReadSchema):
    id: int
    language: str
    kind: str
    title: str
    author_name: str
    created_at: Any
    note: str


class ImportRead(ReadSchema):
    id: int
    origin: str
    exported_at: str
    imported_by_name: str
    proposals: list[dict[str, Any]]


class DiffRead(ReadSchema):
    slug: str
    origin: str
    differences: dict[str, list[str]]

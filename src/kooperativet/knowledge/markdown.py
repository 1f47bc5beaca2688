"""Markdown to HTML for articles, safely: text a cooperative typed can never put HTML or script on a page.

Raw HTML in the text is shown as text (markdown-it's ``html`` option off), images are off, and a link keeps
its target only when it goes to this site, to the web (http, https) or to an e-mail address; ``kb:<slug>``
links to another article. Anything else (``javascript:``, ``data:``) is not a link: it stays as the plain
text it was typed as.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.renderer import RendererHTML
from markdown_it.token import Token
from markdown_it.utils import EnvType, OptionsDict

KB_SCHEME = "kb:"
SAFE_PREFIXES = ("http://", "https://", "mailto:", KB_SCHEME)


def link_is_safe(url: str) -> bool:
    target = url.strip().lower()
    if target.startswith("//"):
        return False  # another site, without saying which scheme
    return target.startswith(("/", "#", *SAFE_PREFIXES))


def _parser() -> MarkdownIt:
    parser = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    parser.enable("table")
    parser.disable("image")
    parser.validateLink = link_is_safe  # type: ignore[method-assign]
    parser.add_render_rule("heading_open", _heading_open)
    parser.add_render_rule("heading_close", _heading_open)
    parser.add_render_rule("link_open", _link_open)
    parser.add_render_rule("table_open", _table_open)
    parser.add_render_rule("table_close", _table_close)
    return parser


def _heading_open(
    self: RendererHTML, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
) -> str:
    """A ``#`` heading in the text is drawn as a section heading (h2): the page's one h1 is the title."""
    token = tokens[idx]
    if token.tag == "h1":
        token.tag = "h2"
    return self.renderToken(tokens, idx, options, env)


def _link_open(
    self: RendererHTML, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
) -> str:
    token = tokens[idx]
    href = str(token.attrGet("href") or "")
    if href.lower().startswith(KB_SCHEME):
        slug = href[len(KB_SCHEME) :].strip("/")
        known: Collection[str] = env.get("slugs", ())
        if slug in known:
            token.attrSet("href", f"/kb/{slug}")
        else:
            token.attrSet("href", "/kb")
            token.attrSet("class", "missing")
    elif href.startswith(("http://", "https://")):
        token.attrSet("rel", "noopener noreferrer")
    return self.renderToken(tokens, idx, options, env)


def _table_open(
    self: RendererHTML, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
) -> str:
    """A table stacks on a phone (the stylesheet's ``table.stack``): each row a card, each cell labelled with
    its column's heading, since a guide's table of sentences scrolled sideways is not read."""
    tokens[idx].attrSet("class", "stack")
    _label_cells(tokens, idx)
    return '<div class="table-wrap">' + self.renderToken(tokens, idx, options, env)


def _label_cells(tokens: Sequence[Token], start: int) -> None:
    headings: list[str] = []
    column = 0
    for position in range(start + 1, len(tokens)):
        token = tokens[position]
        if token.type == "table_close":
            return
        if token.type == "tr_open":
            column = 0
        elif token.type == "th_open":
            headings.append(_plain_text(tokens[position + 1]))
        elif token.type == "td_open":
            if column < len(headings) and headings[column]:
                token.attrSet("data-label", headings[column])
            column += 1


def _plain_text(inline: Token) -> str:
    """A heading cell's words without their markup (``**Gräns**`` labels a cell as ``Gräns``)."""
    return "".join(child.content for child in inline.children or () if child.type in ("text", "code_inline"))


def _table_close(
    self: RendererHTML, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
) -> str:
    return self.renderToken(tokens, idx, options, env) + "</div>"


_PARSER = _parser()


def to_html(text: str, *, slugs: Collection[str]) -> str:
    """The article body as HTML; ``slugs`` are the articles a ``kb:`` link may point to."""
    env: dict[str, Any] = {"slugs": slugs}
    return str(_PARSER.render(text, env))

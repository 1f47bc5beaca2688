"""XML written as text, element after element, so that a file of thousands of payees is streamed in chunks
instead of held as one tree.

The layout is the one lxml's ``etree.tostring(..., pretty_print=True)`` gives (the AGI and pain.001 files
were written that way before, and a stored file keeps its bytes): one element a line, two spaces of indent a
level, a leaf's text on its line, a line feed after every line. Text is escaped as libxml2 escapes element
text in a UTF-8 file: ``&``, ``<``, ``>`` as entities and carriage return as ``&#13;`` (an XML reader would
otherwise read it as a line end); every other character — quotes, tab, line feed, letters of any script —
is written as it is. The writers pass only texts that ``formats.charset`` has fitted to XML 1.0.

Tags and attributes are the writer's own constants (``agd:IU``, ``faltkod="215"``), written as given.

A block written for each of thousands of payees (a transaction, an IU) is laid out once as a ``Template``,
with ``{name}`` fields where its texts go, and filled in per payee: one string format instead of a call per
element.
"""

from __future__ import annotations

from collections.abc import Callable
from types import TracebackType
from typing import Final

_INDENTS: Final = tuple("  " * depth for depth in range(16))


def escape(text: str) -> str:
    """Element text as libxml2 writes it in a UTF-8 file (see the module text)."""
    if "&" in text:
        text = text.replace("&", "&amp;")
    if "<" in text:
        text = text.replace("<", "&lt;")
    if ">" in text:
        text = text.replace(">", "&gt;")
    if "\r" in text:
        text = text.replace("\r", "&#13;")
    return text


class XmlText:
    """Lines of XML: ``element`` opens a container (a context manager that closes it), ``leaf`` writes an
    element with its text, ``take`` hands over what was written so far as UTF-8 bytes.

    >>> xml = XmlText()
    >>> with xml.element("a"):
    ...     xml.leaf("b", "1 < 2", ' faltkod="1"')
    >>> xml.take()
    b'<a>\\n  <b faltkod="1">1 &lt; 2</b>\\n</a>\\n'
    """

    __slots__ = ("_depth", "_lines", "_open")

    def __init__(self, *, depth: int = 0) -> None:
        """``depth``: the level the first element is written at (a ``Template``'s level)."""
        self._depth = depth
        self._lines: list[str] = []
        self._open: list[str] = []

    @property
    def level(self) -> int:
        """The level of the next element written."""
        return self._depth + len(self._open)

    def line(self, text: str) -> None:
        """A line written as it is, at no indent: the XML declaration."""
        self._lines.append(text)

    def element(self, tag: str, attributes: str = "") -> XmlText:
        """Open ``<tag attributes>`` one level below the open element; the ``with`` block's end closes it."""
        self._lines.append(f"{_INDENTS[self.level]}<{tag}{attributes}>")
        self._open.append(tag)
        return self

    def __enter__(self) -> XmlText:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        tag = self._open.pop()
        self._lines.append(f"{_INDENTS[self.level]}</{tag}>")

    def leaf(self, tag: str, text: str, attributes: str = "") -> None:
        """``<tag attributes>text</tag>`` on one line; an empty text gives ``<tag></tag>``, as lxml does."""
        self._lines.append(f"{_INDENTS[self.level]}<{tag}{attributes}>{escape(text)}</{tag}>")

    def fill(self, template: Template, **texts: str) -> None:
        """``template``'s block, its fields filled with ``texts`` (escaped), below the open element."""
        if template.level != self.level:
            raise ValueError(
                f"a template laid out at level {template.level} is written at level {self.level}"
            )
        self._lines.append(template.text.format_map({name: escape(text) for name, text in texts.items()}))

    def take(self) -> bytes:
        """The lines written since the last ``take``, each ended by a line feed, in UTF-8."""
        if not self._lines:
            return b""
        chunk = "\n".join(self._lines) + "\n"
        self._lines.clear()
        return chunk.encode("utf-8")


class Template:
    """A block laid out once by ``write`` at ``level``, with ``{name}`` fields where ``write`` wrote them as
    texts (``xml.leaf("Nm", "{payee}")``); ``XmlText.fill`` writes it with the texts filled in. ``write``'s
    constant texts must not hold braces."""

    __slots__ = ("level", "text")

    def __init__(self, level: int, write: Callable[[XmlText], None]) -> None:
        xml = XmlText(depth=level)
        write(xml)
        self.level = level
        self.text = xml.take().decode("utf-8").removesuffix("\n")

"""The knowledge bank: guides and routines as Markdown articles, in Swedish and English, with their sources.

The default articles live in ``bank/`` in the repository. A cooperative's own edits are versions in the
database; an article it never edited is read from the file. Dated facts (the fee, the rates) are inserted
from the dated parameters when an article is shown (docs/knowledge.md).
"""

"""Exchanging declarations: export one as a JSON document, import such a document into the archive.

A network keeps past declarations from before it used this application, or from another
installation of it. An export writes everything needed to reproduce a declaration's text and
record: its clauses, its participants with their organizations, every version with its document,
canonical text and fingerprint, and every answer with its statement. An import reads such a
document back. It checks the whole document before it stores anything, stops at the first
problem and names it with its JSON path (`$.declaration.clauses[2].number`); then it stores
everything in the caller's transaction, which commits once.

The README ("Exchanging declarations") describes the format for people who write such files by
hand. export writes it, typed_json reads JSON with its types checked, reading checks a document
into an ImportPlan, and importing checks the plan against this archive and stores it.
"""

from drafting.domain.interchange.export import export_declaration, export_text
from drafting.domain.interchange.importing import import_declaration
from drafting.domain.interchange.typed_json import ImportProblem, load

__all__ = ["ImportProblem", "export_declaration", "export_text", "import_declaration", "load"]

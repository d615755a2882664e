"""The PDF of a draft's compilation: never stored, since comments keep arriving until the deadline."""

from drafting.domain import compilation as compilations
from drafting.domain.clock import as_utc
from drafting.domain.text import phrasing, wording
from drafting.models import Version
from drafting.rendering import pdf, stored_pdfs


def file_name(version: Version, page_size: str = "A4") -> str:
    """Return the compilation's file name: the version's, "-compilation" added: "…-draft-2-compilation.pdf"."""
    return stored_pdfs.file_name(version.declaration, version, page_size).removesuffix(".pdf") + "-compilation.pdf"


def render(compiled: compilations.Compilation, page_size: str = "A4") -> tuple[bytes, int]:
    """Render a compilation to a tagged PDF in the declaration's language; return the file and its pages."""
    version = compiled.version
    declaration = version.declaration
    language = declaration.language
    circulated_at = as_utc(version.circulated_at)
    label = stored_pdfs.version_label(version)
    options = pdf.PdfOptions(
        kind=pdf.COMPILATION,
        canonical_text=version.canonical_text,
        metadata=pdf.PdfMetadata(
            author=declaration.host.name_in(language),
            subject=wording.gettext(language, "Compilation of the comments and amendments on {label}", label=label),
            keywords=[word for word in (declaration.meeting_acronym, declaration.place, label) if word],
            created=circulated_at,
        ),
        label=stored_pdfs.circulated_label(version),
        circulated=phrasing.format_date(circulated_at.date(), language),
        page_size=page_size,
    )
    return pdf.render(compiled.document, options, "pdf/compilation.html", compilation=compiled, version_label=label,
                      date_of=lambda moment: phrasing.format_date(as_utc(moment).date(), language),
                      names_of=lambda organizations: phrasing.join_names(
                          [organization.name_in(language) for organization in organizations], language))

"""The incremental update that signs a rendered PDF without breaking its PDF/A-3a and PDF/UA-1 conformance.

pyHanko's writer, left to itself, rewrites the XMP metadata and adds an untagged signature field
with no description; the two validators (page-validation) then reject the signed file though the
rendered one passed. Here the metadata stays as WeasyPrint wrote it, and the signature field is
described and tagged before it is signed.
"""

from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.generic import pdf_name
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import fields

# What assistive technology reads for the field (its /TU): PDF/UA wants every form field described.
FIELD_DESCRIPTION = "Signature of the drafting platform certifying this declaration"


class MetadataKeepingWriter(IncrementalPdfFileWriter):
    """An incremental writer that leaves the document's /Info and XMP metadata as they are.

    pyHanko's writer updates the modification date in both before it writes an update, and, because
    the file has XMP metadata, re-serialises it with its own XMP writer: simple properties as
    attributes and the PDF/A extension schema's namespace URI as an rdf:resource, which the PDF/A
    rules on extension schemas (the one declaring pdfuaid) refuse. Untouched, the two stay
    consistent with each other, and the signature itself records when the file was signed.
    """

    def _update_meta(self):
        # The only place pyHanko's writer touches metadata (BasePdfFileWriter._prep_dom_for_writing).
        return


def add_tagged_signature_field(writer: IncrementalPdfFileWriter, field_name: str) -> None:
    """Add an empty, invisible signature field to the writer's update, described and tagged.

    Its widget annotation (pyHanko merges field and widget in one dictionary) becomes the content
    of a /Form structure element appended to the Document element, through an object reference
    and an entry in the structure tree's ParentTree, as PDF/UA asks of every annotation.
    """
    fields.append_signature_field(
        writer, fields.SigFieldSpec(field_name, readable_field_name=FIELD_DESCRIPTION)
    )
    [(_, _, widget_ref)] = fields.enumerate_sig_fields(writer, with_name=field_name)
    widget = widget_ref.get_object()
    tree = writer.root["/StructTreeRoot"]
    document_ref = tree["/K"].raw_get(0)  # WeasyPrint's Document element, the tree's only child
    document = document_ref.get_object()
    # WeasyPrint writes the ParentTree flat, as one /Nums array: pages first, then annotations.
    numbers = tree["/ParentTree"]["/Nums"]
    key = max(numbers[index] for index in range(0, len(numbers), 2)) + 1
    form_ref = writer.add_object(generic.DictionaryObject({
        pdf_name("/Type"): pdf_name("/StructElem"),
        pdf_name("/S"): pdf_name("/Form"),
        pdf_name("/P"): document_ref,
        pdf_name("/Pg"): widget.raw_get("/P"),
        pdf_name("/K"): generic.DictionaryObject({
            pdf_name("/Type"): pdf_name("/OBJR"),
            pdf_name("/Obj"): widget_ref,
            pdf_name("/Pg"): widget.raw_get("/P"),
        }),
    }))
    document["/K"].append(form_ref)
    writer.update_container(document["/K"])
    numbers.extend([generic.NumberObject(key), form_ref])
    writer.update_container(numbers)
    widget[pdf_name("/StructParent")] = generic.NumberObject(key)
    writer.update_container(widget)

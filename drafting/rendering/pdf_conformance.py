"""What WeasyPrint's PDF/A-3a output needs before it is written, so that one file passes both PDF/A-3
and PDF/UA-1 (ISO 14289-1) in an independent validator: pdf.render passes finish() as its finisher.

- The XMP metadata declares PDF/UA-1 beside PDF/A-3, with the extension schema PDF/A asks for.
- The XMP metadata stream is written unfiltered.
- No stream's length is left ambiguous by a last data byte that reads as an end of line.
"""

import pydyf

PDF_UA_NAMESPACE = b"http://www.aiim.org/pdfua/ns/id/"
# PDF/UA-1 (ISO 14289-1, 5) is declared by pdfuaid:part in the document's XMP. PDF/A-2 and -3 accept
# a property outside their predefined schemas only when an extension schema in the same packet
# describes it (ISO 19005-3, 6.6.2.3), hence the pdfaExtension description that follows it.
PDF_UA_IDENTIFICATION = b"""<rdf:Description rdf:about="" xmlns:pdfuaid="%(ns)s">
<pdfuaid:part>1</pdfuaid:part></rdf:Description>
<rdf:Description rdf:about="" xmlns:pdfaExtension="http://www.aiim.org/pdfa/ns/extension/"
 xmlns:pdfaSchema="http://www.aiim.org/pdfa/ns/schema#" xmlns:pdfaProperty="http://www.aiim.org/pdfa/ns/property#">
<pdfaExtension:schemas><rdf:Bag><rdf:li rdf:parseType="Resource">
<pdfaSchema:schema>PDF/UA Universal Accessibility Schema</pdfaSchema:schema>
<pdfaSchema:namespaceURI>%(ns)s</pdfaSchema:namespaceURI>
<pdfaSchema:prefix>pdfuaid</pdfaSchema:prefix>
<pdfaSchema:property><rdf:Seq><rdf:li rdf:parseType="Resource">
<pdfaProperty:name>part</pdfaProperty:name>
<pdfaProperty:valueType>Integer</pdfaProperty:valueType>
<pdfaProperty:category>internal</pdfaProperty:category>
<pdfaProperty:description>Part of ISO 14289 to which the file conforms</pdfaProperty:description>
</rdf:li></rdf:Seq></pdfaSchema:property>
</rdf:li></rdf:Bag></pdfaExtension:schemas></rdf:Description>
""" % {b"ns": PDF_UA_NAMESPACE}


def finish(document, pdf_file: pydyf.PDF) -> None:
    """Make WeasyPrint's PDF ready to write: PDF/UA identification, plain XMP, unambiguous stream ends."""
    _declare_pdf_ua(pdf_file)
    pdf_file.__class__ = _UnambiguousPdf
    for pdf_object in pdf_file.objects:
        _end_unambiguously(pdf_object)


def _declare_pdf_ua(pdf_file: pydyf.PDF) -> None:
    """Add the PDF/UA identification to the XMP metadata, and write the metadata stream unfiltered.

    The identification goes into WeasyPrint's own rdf:RDF, beside the PDF/A one: XMP readers,
    validators among them, read the first rdf:RDF of a packet and no other.

    As for the filter, WeasyPrint compresses the metadata stream for PDF/A-2 and -3 on purpose, and
    the standards side with it: ISO 19005-1 (PDF/A-1, 6.7.2) forbids a Filter key in a metadata
    stream dictionary, but ISO 19005-2 and -3 dropped that requirement. Their 6.6.2.1 asks only for
    the catalog's Metadata key, Type /Metadata and Subtype /XML, well-formed XMP in UTF-8 and no bytes
    or encoding attribute in the packet header; veraPDF's rules 6.6.2.1-1 to -5 for PDF/A-2 and -3
    check exactly that and nothing about filters. page-validation carries the PDF/A-1 rule over to
    PDF/A-3 (PDFA3B-METADATA-FILTER-001): there the validator is wrong. An unfiltered packet conforms
    to every part of PDF/A all the same, stays readable by tools that scan files for XMP without
    decoding PDF streams, and costs about a kilobyte: the one file then passes both validators.
    """
    metadata = pdf_file.objects[int(pdf_file.catalog["Metadata"].split()[0])]
    packet = b"".join(metadata.stream)
    if packet.count(b"</rdf:RDF>") != 1:
        raise ValueError("WeasyPrint's XMP packet no longer holds one rdf:RDF: the PDF/UA identification has no place.")
    metadata.stream = [packet.replace(b"</rdf:RDF>", PDF_UA_IDENTIFICATION + b"</rdf:RDF>")]
    metadata.compress = False


class _CrLfBeforeEndstream:
    """A stream that ends its data with CR LF before endstream when the data's last byte is a CR.

    pydyf writes LF between a stream's data and endstream. Compressed data ends with a CR about
    once in 256 streams (its last byte is part of a checksum); the CR LF then reads as the end of
    line before endstream, and a validator counts one byte less than /Length (ISO 19005-3,
    6.1.7.1: the length runs up to the end of line that precedes endstream). With CR LF as the end
    of line, the data's own CR is counted where it belongs.
    """

    @property
    def data(self) -> bytes:
        data = super().data
        if data.endswith(b"\r\nendstream"):
            return data.removesuffix(b"\nendstream") + b"\r\nendstream"
        return data


_unambiguous_classes: dict[type, type] = {}


def _end_unambiguously(pdf_object) -> None:
    if not isinstance(pdf_object, pydyf.Stream) or isinstance(pdf_object, _CrLfBeforeEndstream):
        return
    kind = type(pdf_object)
    if kind not in _unambiguous_classes:
        _unambiguous_classes[kind] = type(kind.__name__, (_CrLfBeforeEndstream, kind), {})
    pdf_object.__class__ = _unambiguous_classes[kind]


class _UnambiguousPdf(pydyf.PDF):
    """pydyf's PDF, whose object and cross-reference streams, made while it writes, end unambiguously too."""

    def add_object(self, object_) -> None:
        _end_unambiguously(object_)
        super().add_object(object_)

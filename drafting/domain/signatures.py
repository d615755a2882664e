"""What the signatures of an uploaded PDF show: who signed it, when, and whether it changed since.

Every adopted PDF is signed by the platform (drafting.rendering.signing). An upload's signatures are
checked in the process that reads it, against the platform's certificates only (the current one and
those it signed with before: drafting.domain.signing_certificates): a signature by any other key is
reported as such, however valid, since it does not show that we published the file.
"""

from datetime import datetime, timezone

from drafting.domain import signing_certificates
from drafting.domain.text import phrasing
from drafting.rendering import pdf_reading, signing


def _moment(moment: datetime) -> str:
    moment = moment.astimezone(timezone.utc)
    return f"{phrasing.format_date(moment.date())} at {moment:%H:%M:%S} UTC"


def _when(found: signing.SignatureFound) -> str:
    when = f" on {_moment(found.signed_at)}" if found.signed_at else ""
    if found.timestamped_at:
        when += f", a time that {found.timestamp_authority} vouches for with a timestamp of {_moment(found.timestamped_at)}"
    return when


def _finding(found: signing.SignatureFound) -> str:
    """Say what one signature shows, in one sentence."""
    if found.unreadable:
        return "It carries a signature that cannot be checked: the signature is malformed."
    if not found.intact:
        return (f"It carries a signature by {found.signer} that does not match the file: what was signed was "
                "changed afterwards.")
    if not found.trusted:
        signed = (f"It was signed by {found.signer}{_when(found)}, which is not this platform's certificate: "
                  "that signature does not show that we published this file")
    else:
        signed = f"It was signed by this platform, {found.signer},{_when(found)}"
    if found.whole_file:
        return f"{signed}. Nothing in the file changed since it was signed."
    return f"{signed}; but the file was changed after it was signed: something was appended to the signed file."


def findings(reader: pdf_reading.UploadReader) -> tuple[str, ...]:
    """Check an upload's signatures against the platform's certificates; say what each shows, one sentence each."""
    reading = reader.signatures(signing_certificates.trusted())
    if reading.failure is pdf_reading.Failure.too_complex:
        return ("Its signature could not be checked: that would take more time or memory than any PDF we publish needs.",)
    if reading.failure is not None:
        return ("Its signatures could not be read: the file may be damaged.",)
    if not reading.signatures:
        return ("It carries no signature.",)
    return tuple(_finding(signing.SignatureFound.from_json(found)) for found in reading.signatures)

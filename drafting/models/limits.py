"""Field lengths shared by the models (database columns) and the forms (validation messages)."""

from sqlalchemy import CheckConstraint

NAME = 200
SHORT_TEXT = 300
ACRONYM = 40
EMAIL = 254
# The longest text of an IP address (an IPv4-mapped IPv6 one), as failed sign-ins count them.
CLIENT_ADDRESS = 45
HEADING = 300
PREAMBLE = 20_000
CLAUSE_BODY = 20_000
CLOSING_FORMULA = 2_000
OPENING = 4_000
DATE_LINE = 300
LANGUAGE = 8
VERSION_LABEL = 20
PLACEHOLDER_VALUE = 200
# The longest IANA time zone name is 32 characters (America/Argentina/ComodRivadavia).
TIME_ZONE = 64


def length_check(column: str, maximum: int, minimum: int = 0) -> CheckConstraint:
    """Return a CHECK constraint that keeps a text column's length within bounds on every database."""
    return CheckConstraint(
        f"length({column}) BETWEEN {minimum} AND {maximum}", name=f"{column}_length"
    )

COMMENT = 10_000
DECISION_REASON = 5_000
# An amendment's reasons (Akoma Ntoso's amendmentJustification): as long as a decision's reason that answers it.
JUSTIFICATION = 5_000
STATEMENT = 5_000
MAIL_SUBJECT = 1_000
# A name and an address as a header writes them: quoted, each quote or backslash in the name escaped.
REPLY_TO = 2 * (NAME + EMAIL)
MAIL_ERROR = 2_000

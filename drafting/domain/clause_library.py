"""The clause-template library: adding, editing and searching clause templates.

Required fields and lengths are the forms' job, backed by the database's CHECK constraints; these
functions check what needs the domain: the language code, the placeholders, and that a name is
used once per language. The forms call the first two checks as well, so that a user sees every
message at once.
"""

from datetime import datetime

import pycountry
from sqlalchemy import func, or_, select

from drafting.domain.locking import save_if_unchanged
from drafting.domain.text import markup, placeholders
from drafting.extensions import db
from drafting.models import ClauseTemplate, TemplateCategory, User


class TemplateError(ValueError):
    """Bad input for a clause template; `field` names the form field it belongs to."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field


def language_name(code: str) -> str:
    """Return the English name of an ISO 639-1 language code, or the code itself if unknown."""
    language = pycountry.languages.get(alpha_2=code)
    return language.name if language else code


def checked_language(code: str) -> str:
    """Return an ISO 639-1 language code in lower case, or raise TemplateError at the language field."""
    code = (code or "").strip().lower()
    if len(code) != 2 or pycountry.languages.get(alpha_2=code) is None:
        raise TemplateError("language", f"“{code}” is not an ISO 639-1 language code; write e.g. en or ja.")
    return code


def placeholder_errors(heading: str, body: str) -> dict[str, str]:
    """Return the parser's message for the heading and for the body, for each that is malformed."""
    errors = {}
    for field, text in (("heading", heading), ("body", body)):
        try:
            placeholders.parse(text)
        except placeholders.TemplateSyntaxError as error:
            errors[field] = str(error)
    if not errors:
        # Each text parses alone; together they may still give one name two types.
        try:
            placeholders.parse(heading, body)
        except placeholders.TemplateSyntaxError as error:
            errors["body"] = str(error)
    return errors


def _check_name_free(name: str, language: str, template: ClauseTemplate | None) -> None:
    same_name = select(ClauseTemplate.id).where(
        func.lower(ClauseTemplate.name) == name.lower(), ClauseTemplate.language == language
    )
    if template is not None:
        same_name = same_name.where(ClauseTemplate.id != template.id)
    if db.session.scalar(same_name.limit(1)) is not None:
        raise TemplateError("name", f"The library has a template named “{name}” in this language already.")


def _checked_fields(
    template: ClauseTemplate | None,
    name: str,
    category: TemplateCategory,
    language: str,
    heading: str | None,
    body: str,
) -> dict:
    fields = dict(
        name=name.strip(),
        category=category,
        language=checked_language(language),
        heading=(heading or "").strip() or None,
        # Browsers send \r\n; stored text uses \n, like the clauses it becomes.
        body=markup.normalize(body),
    )
    errors = placeholder_errors(fields["heading"] or "", fields["body"])
    if errors:
        field, message = next(iter(errors.items()))
        raise TemplateError(field, message)
    _check_name_free(fields["name"], fields["language"], template)
    return fields


def create_template(
    created_by: User | None, *, name: str, category: TemplateCategory, language: str, heading: str | None, body: str
) -> ClauseTemplate:
    """Add a template to the library; raise TemplateError naming the field at fault."""
    template = ClauseTemplate(
        created_by_id=created_by.id if created_by else None,
        **_checked_fields(None, name, category, language, heading, body),
    )
    db.session.add(template)
    db.session.flush()
    return template


def update_template(
    template: ClauseTemplate,
    based_on: int,
    *,
    name: str,
    category: TemplateCategory,
    language: str,
    heading: str | None,
    body: str,
) -> None:
    """Save a template's fields; raise TemplateError, or EditConflict if someone saved it in between."""
    save_if_unchanged(template, based_on, **_checked_fields(template, name, category, language, heading, body))


def retire_template(template: ClauseTemplate, user: User, now: datetime) -> None:
    """Stop offering a template; raise TemplateError if it is retired already.

    Clauses made from it are copies and stay as they are.
    """
    if template.retired_at is not None:
        raise TemplateError("retired", f"“{template.name}” is retired already.")
    template.retired_at = now
    template.retired_by = user


def restore_template(template: ClauseTemplate) -> None:
    """Offer a retired template again; raise TemplateError if it is not retired."""
    if template.retired_at is None:
        raise TemplateError("retired", f"“{template.name}” is in the library already.")
    template.retired_at = None
    template.retired_by = None


def read_placeholders(template: ClauseTemplate) -> tuple[list[placeholders.Placeholder], str | None]:
    """Return a stored template's placeholders and None, or no placeholders and why it does not parse."""
    # Templates are checked when saved, but a later change of the placeholder rules can break them.
    try:
        return placeholders.parse(template.heading or "", template.body), None
    except placeholders.TemplateSyntaxError as error:
        return [], str(error)


def languages_in_use() -> list[str]:
    """Return the language codes of the library's templates, in alphabetical order."""
    return list(db.session.scalars(select(ClauseTemplate.language).distinct().order_by(ClauseTemplate.language)))


def _containing(word: str):
    # The user's % and _ are letters to look for, not LIKE wildcards.
    literal = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    pattern = f"%{literal}%"
    return or_(
        ClauseTemplate.name.ilike(pattern, escape="\\"),
        ClauseTemplate.heading.ilike(pattern, escape="\\"),
        ClauseTemplate.body.ilike(pattern, escape="\\"),
    )


def search_templates(
    words: str = "", category: TemplateCategory | None = None, language: str | None = None, retired: bool = False
) -> list[ClauseTemplate]:
    """Return the templates of the category and language in which every word appears, by name; the
    retired ones only when asked."""
    query = select(ClauseTemplate).order_by(func.lower(ClauseTemplate.name), ClauseTemplate.language, ClauseTemplate.id)
    if not retired:
        query = query.where(ClauseTemplate.retired_at.is_(None))
    for word in words.split():
        query = query.where(_containing(word))
    if category is not None:
        query = query.where(ClauseTemplate.category == category)
    if language:
        query = query.where(ClauseTemplate.language == language)
    return list(db.session.scalars(query))

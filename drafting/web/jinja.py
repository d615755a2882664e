"""What every template may use: filters for dates, deadlines and clause text, and the permission predicates."""

from collections.abc import Callable
from datetime import datetime

from flask import Flask, has_request_context
from flask_login import current_user
from markupsafe import Markup

from drafting.domain import (
    comment_targets, compilation, contribution_permissions, permissions, recorded_answer_permissions, stance_permissions,
    time_zones,
)
from drafting.domain.clock import as_utc, utcnow
from drafting.domain.text import markup, phrasing, redline_markup, wording
from drafting.models.organizations import country_name
from drafting.rendering import stored_pdfs
from drafting.web import notices, submitted_once
from drafting.web.auth.forms import EmptyForm


def html_words_in(language: str) -> Callable[..., Markup]:
    """Return gettext for HTML e-mails: the catalog's message may hold markup (our own), its values are escaped."""

    def gettext(message: str, **values) -> Markup:
        return Markup(wording.translations(language).gettext(message)).format(**values)  # nosec B704

    return gettext


def moment_writer(write: Callable[..., str]) -> Callable[..., str]:
    """Return a filter writing a moment in a reader's time zone: the named person's (an e-mail's
    recipient), else the signed-in user's, else the site's default."""

    def written(moment: datetime, language: str = "en", reader: object = None) -> str:
        if reader is None and has_request_context() and current_user.is_authenticated:
            reader = current_user
        return write(as_utc(moment), time_zones.zone_of(reader), language)

    return written


def reader_time_zone() -> str:
    """Name the signed-in user's time zone as it is now: "Japan Standard Time (Asia/Tokyo, UTC+9)"."""
    zone = time_zones.zone_of(current_user if current_user.is_authenticated else None)
    now = utcnow().astimezone(zone)
    offset = phrasing.utc_offset(now)
    return f"{phrasing.zone_name(now)} ({zone.key}, {offset})" if offset != zone.key else f"{phrasing.zone_name(now)} ({offset})"


def register(app: Flask) -> None:
    """Install the filters and globals on the app's Jinja environment."""
    app.jinja_env.filters["long_date"] = phrasing.format_date
    app.jinja_env.filters["number_in"] = phrasing.format_number
    app.jinja_env.filters["deadline_text"] = moment_writer(phrasing.format_deadline)
    app.jinja_env.filters["moment_text"] = moment_writer(phrasing.format_moment)
    app.jinja_env.filters["clause_html"] = markup.to_html
    app.jinja_env.filters["paragraph_html"] = markup.paragraph_html
    app.jinja_env.filters["redline_blocks"] = redline_markup.blocks
    app.jinja_env.filters["country_name"] = country_name
    # The documents, their PDFs and the e-mails about a declaration speak its language:
    # such a template starts with {% set _ = words_in(declaration.language) %}.
    app.jinja_env.globals["words_in"] = wording.words_in
    app.jinja_env.globals["html_words_in"] = html_words_in
    app.jinja_env.globals["version_label"] = stored_pdfs.version_label
    app.jinja_env.globals["passage_words"] = comment_targets.passage_words
    app.jinja_env.globals["permissions"] = permissions
    app.jinja_env.globals["contribution_permissions"] = contribution_permissions
    app.jinja_env.globals["stance_permissions"] = stance_permissions
    app.jinja_env.globals["recorded_answer_permissions"] = recorded_answer_permissions
    app.jinja_env.globals["compilations"] = compilation
    app.jinja_env.globals["reader_time_zone"] = reader_time_zone
    app.jinja_env.globals["EmptyForm"] = EmptyForm
    app.jinja_env.globals["submission_key"] = submitted_once.key_field
    app.jinja_env.globals["notices_at"] = notices.notices_at
    app.jinja_env.globals["notices_left"] = notices.notices_left
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True

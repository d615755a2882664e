"""What every template may use: filters for dates and clause text, and the permission predicates."""

from flask import Flask

from drafting.domain import permissions
from drafting.domain.text import markup, phrasing, redline_markup
from drafting.models.organizations import country_name
from drafting.web import submitted_once
from drafting.web.auth.forms import EmptyForm


def register(app: Flask) -> None:
    """Install the filters and globals on the app's Jinja environment."""
    app.jinja_env.filters["long_date"] = phrasing.format_date
    app.jinja_env.filters["clause_html"] = markup.to_html
    app.jinja_env.filters["paragraph_html"] = markup.paragraph_html
    app.jinja_env.filters["redline_blocks"] = redline_markup.blocks
    app.jinja_env.filters["country_name"] = country_name
    app.jinja_env.globals["permissions"] = permissions
    app.jinja_env.globals["EmptyForm"] = EmptyForm
    app.jinja_env.globals["submission_key"] = submitted_once.key_field
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True

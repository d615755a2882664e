"""What every template may use: filters for dates and clause text, and the permission predicates."""

from flask import Flask

from drafting import clause_text, english, permissions
from drafting.auth.forms import EmptyForm
from drafting.models.organizations import country_name


def register(app: Flask) -> None:
    """Install the filters and globals on the app's Jinja environment."""
    app.jinja_env.filters["long_date"] = english.format_date
    app.jinja_env.filters["clause_html"] = clause_text.to_html
    app.jinja_env.filters["paragraph_html"] = clause_text.paragraph_html
    app.jinja_env.filters["country_name"] = country_name
    app.jinja_env.globals["permissions"] = permissions
    app.jinja_env.globals["EmptyForm"] = EmptyForm
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True

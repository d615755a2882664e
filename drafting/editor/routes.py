"""The host's editor: create a declaration, compose its clauses, invite participants, preview."""

from flask import Blueprint

bp = Blueprint("editor", __name__, url_prefix="/declarations")

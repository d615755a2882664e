"""Public read-only JSON of adopted declarations."""

from flask import Blueprint

bp = Blueprint("api", __name__, url_prefix="/api")

"""Delegates' review of circulated versions: reading, commenting, amending, replying, withdrawing."""

from flask import Blueprint

bp = Blueprint("review", __name__, url_prefix="/declarations")

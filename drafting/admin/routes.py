"""Administration of organizations, networks and accounts."""

from flask import Blueprint

bp = Blueprint("admin", __name__, url_prefix="/admin")

"""PDF downloads: the adopted declaration for anyone, and each circulated version for those who may see it."""

from flask import Blueprint

bp = Blueprint("downloads", __name__, url_prefix="/declarations")

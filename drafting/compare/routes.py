"""Comparing two versions of a declaration as a redline."""

from flask import Blueprint

bp = Blueprint("compare", __name__, url_prefix="/declarations")

"""The host's desk of comments: every comment by clause, replies, and decisions on amendments."""

from flask import Blueprint

bp = Blueprint("answers", __name__, url_prefix="/declarations")

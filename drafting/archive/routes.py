"""The public archive of adopted declarations, and the verification of a text or a PDF."""

from flask import Blueprint

bp = Blueprint("archive", __name__)

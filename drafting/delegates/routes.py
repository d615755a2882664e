"""Inviting delegates by e-mail, and the invitee's first visit where they set their password."""

from flask import Blueprint

bp = Blueprint("delegates", __name__)

"""The session cookie's signing serializer is kept between requests, never past a change of key."""

from flask import Flask

from drafting.web.session_cookie import SessionCookie

OLD_KEY, NEW_KEY = "o" * 40, "n" * 40


def opened(app: Flask, interface: SessionCookie, cookie: str) -> dict:
    with app.test_request_context("/", headers={"Cookie": f"session={cookie}"}) as context:
        return dict(interface.open_session(app, context.request))


def test_a_new_secret_key_refuses_the_cookies_the_old_one_signed_unless_it_is_a_fallback():
    app = Flask(__name__)
    app.secret_key = OLD_KEY
    interface = SessionCookie()
    cookie = interface.get_signing_serializer(app).dumps({"signed in": "yes"})
    assert opened(app, interface, cookie) == {"signed in": "yes"}
    assert interface.get_signing_serializer(app) is interface.get_signing_serializer(app)
    app.secret_key = NEW_KEY
    assert opened(app, interface, cookie) == {}
    app.config["SECRET_KEY_FALLBACKS"] = [OLD_KEY]
    assert opened(app, interface, cookie) == {"signed in": "yes"}
    app.config["SECRET_KEY_FALLBACKS"] = []
    assert opened(app, interface, cookie) == {}


def test_the_application_signs_its_sessions_with_it(app):
    assert isinstance(app.session_interface, SessionCookie)

"""Response headers that keep browsers on our side, no cache keeping a confidential page, refusing
foreign Host names and addresses that hold a NUL character, and trusting a reverse proxy only when
told to."""

from flask import Flask, Response, request
from flask_login import current_user
from werkzeug.exceptions import SecurityError
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.sansio.utils import host_is_trusted

from drafting.domain.text.characters import NUL, NulCharacter
from drafting.extensions import limiter, login_manager

# A load balancer probes the health check at each server's own address (10.0.0.5:8000), not at
# the site's public name: it answers on any Host, and it prints no address that could be forged.
ANY_HOST_ENDPOINTS = {"main.healthz"}

# The public record, which anyone may read: these responses keep the caching their views give them.
# Every other response is someone's (a draft, comments, the audit trail, e-mail addresses, a form with
# its CSRF token, a refusal) and no cache may store it. The verdict on an uploaded PDF (POST /verify)
# is about that person's file: it is not listed.
PUBLIC_ENDPOINTS = {
    "archive.index", "archive.declaration", "downloads.adopted",
    "archive.verify_form", "archive.verify",
    "api.declarations", "api.declaration",
    "static",
}

# Answered the same whoever asks, signed in or not: they never read the session, so that Flask adds
# no `Vary: Cookie` and a shared cache keeps one copy of the public PDF for everyone; nor do they look
# up a sign-in that they would not use, nor count against a rate limit (any limit put on one of them
# would not apply). Each is public or names nobody.
WHOEVER_ASKS = {"static", "main.healthz", "downloads.adopted"}

# No inline script or style anywhere: the pages use only files of our own.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


def security_headers(hsts: bool) -> list[tuple[str, str]]:
    """Return the security headers every response carries (HSTS only where the site is served over HTTPS)."""
    headers = [
        ("Content-Security-Policy", CONTENT_SECURITY_POLICY),
        ("X-Content-Type-Options", "nosniff"),
        ("Referrer-Policy", "same-origin"),
        ("X-Frame-Options", "DENY"),
    ]
    if hsts:
        headers.append(("Strict-Transport-Security", "max-age=31536000; includeSubDomains"))
    return headers


def secure_headers(response: Response, headers: list[tuple[str, str]]) -> Response:
    """Add the security headers (security_headers) to a response, except those it sets itself."""
    # One pass over the response's headers: asking for each in turn cost a search, and an exception, apiece.
    present = {name.lower() for name, _ in response.headers.items()}
    response.headers.extend([(name, value) for name, value in headers if name.lower() not in present])
    return response


def _rendered_for_someone(response: Response) -> bool:
    # A page's layout names whoever is signed in and holds their sign-out form's CSRF token; the
    # public PDFs, the API and static files are the same for everyone.
    return response.mimetype == "text/html" and current_user.is_authenticated


def forbid_storing(response: Response) -> Response:
    """Tell browsers and proxies never to store a response that is not public: drafts, comments,
    the audit trail, e-mail addresses, forms with their CSRF token, every refusal, and any page
    rendered for someone signed in."""
    # A refusal on a public address too (the final PDF of a declaration not adopted): it may name
    # someone, or set a cookie, and it does not last.
    if request.endpoint not in PUBLIC_ENDPOINTS or _rendered_for_someone(response) or response.status_code >= 400:
        response.headers["Cache-Control"] = "no-store"
    return response


def refuse_other_hosts(allowed_hosts: list[str]) -> None:
    """Refuse a request for a Host that is not one of allowed_hosts, unless its route answers on any Host."""
    if request.endpoint not in ANY_HOST_ENDPOINTS and not host_is_trusted(request.host, allowed_hosts):
        raise SecurityError(f"The host {request.host!r} is not served here.")


def refuse_nul_in_path() -> None:
    """Refuse an address that holds a NUL character: no route argument may hold one."""
    if NUL in request.path:
        raise NulCharacter()


def leave_session_unread(app: Flask) -> None:
    """Skip Flask-Login's check of the "remember me" cookie (which this site never sets) on the endpoints
    answered the same whoever asks: that check reads the session, and Flask then adds `Vary: Cookie`."""
    hooks = app.after_request_funcs[None]
    remember = login_manager._update_remember_cookie

    def unless_whoever_asks(response: Response) -> Response:
        return response if request.endpoint in WHOEVER_ASKS else remember(response)

    # In its place: the hooks run in the order they were registered, backwards.
    hooks[hooks.index(remember)] = unless_whoever_asks


def leave_limits_unchecked(app: Flask) -> None:
    """Skip Flask-Limiter's search for the limits of the endpoints answered the same whoever asks: none applies
    to them, and the search cost as much as all our other hooks together."""
    hooks = app.before_request_funcs.get(None, [])
    check = limiter._check_request_limit
    if check not in hooks:
        return  # RATELIMIT_ENABLED is off: Flask-Limiter installed nothing

    def unless_whoever_asks() -> None:
        if request.endpoint not in WHOEVER_ASKS:
            check()

    hooks[hooks.index(check)] = unless_whoever_asks


def register(app: Flask) -> None:
    """Install the headers on every response, `no-store` on every response that is not public, the
    Host check when ALLOWED_HOSTS lists the site's names, and ProxyFix when PROXY_FIX_HOPS says how
    many proxies to trust."""
    headers = security_headers(app.config.get("HSTS", False))
    app.after_request(lambda response: secure_headers(response, headers))
    app.after_request(forbid_storing)
    leave_session_unread(app)
    leave_limits_unchecked(app)
    app.before_request(refuse_nul_in_path)
    allowed_hosts = app.config.get("ALLOWED_HOSTS")
    if allowed_hosts:
        app.before_request(lambda: refuse_other_hosts(allowed_hosts))
    hops = app.config.get("PROXY_FIX_HOPS", 0)
    if hops:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops, x_port=hops, x_prefix=hops)

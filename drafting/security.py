"""Response headers that keep browsers on our side, and trusting a reverse proxy only when told to."""

from flask import Flask, Response
from werkzeug.middleware.proxy_fix import ProxyFix

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


def secure_headers(response: Response, hsts: bool) -> Response:
    """Add the security headers to a response (HSTS only where the site is served over HTTPS)."""
    response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    response.headers.setdefault("X-Frame-Options", "DENY")
    if hsts:
        response.headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
    return response


def register(app: Flask) -> None:
    """Install the headers on every response, and ProxyFix when PROXY_FIX_HOPS says how many proxies to trust."""
    hsts = app.config.get("HSTS", False)
    app.after_request(lambda response: secure_headers(response, hsts))
    hops = app.config.get("PROXY_FIX_HOPS", 0)
    if hops:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops, x_port=hops, x_prefix=hops)

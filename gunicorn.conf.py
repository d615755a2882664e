"""gunicorn settings for production; each can be overridden from the environment."""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# The usual rule for synchronous workers: two per core, plus one.
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2 + 1))
# Rendering a long declaration as PDF at adoption takes a second or two; nothing takes thirty.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 30
keepalive = 5
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")
errorlog = "-"
# Each worker opens its own database connections: nothing is shared across a fork.
preload_app = False
# gunicorn's control socket is one path per user: servers side by side on one host would share it.
control_socket_disable = True

"""drafting: a host city drafts a declaration, participants comment and affirm it, anyone downloads it."""

import importlib
from pathlib import Path

from flask import Flask
from sqlalchemy import event
from sqlalchemy.engine import Engine

from config import Config
from drafting import pooled_connections
from drafting.domain import time_zones
from drafting.domain.text import characters
from drafting.extensions import csrf, db, described_by_models, limiter, login_manager, migrate
from drafting.web.session_cookie import SessionCookie

PACKAGE_DIR = Path(__file__).resolve().parent


def resource_folder(name: str) -> str:
    """Return the folder of templates or static files: the checkout's top level, or the installed copy."""
    checkout = PACKAGE_DIR.parent / name
    return str(checkout if checkout.is_dir() else PACKAGE_DIR / name)


def create_app(config_class: type | str = Config) -> Flask:
    """Create the application with the given configuration class, or its "module:Class" name.

    The name form lets a server start it with any configuration:
    `gunicorn 'drafting:create_app("config:TestConfig")'`.
    """
    if isinstance(config_class, str):
        module, _, name = config_class.partition(":")
        config_class = getattr(importlib.import_module(module), name)
    app = Flask(
        __name__,
        template_folder=resource_folder("templates"),
        static_folder=resource_folder("static"),
        instance_relative_config=True,
    )
    app.config.from_object(config_class)
    app.session_interface = SessionCookie()
    if hasattr(config_class, "check"):
        config_class.check()
    # Every page and e-mail with a deadline would fail on it: refuse to start instead.
    if app.config["DEFAULT_TIME_ZONE"] not in time_zones.known_zones():
        raise RuntimeError(f"DEFAULT_TIME_ZONE {app.config['DEFAULT_TIME_ZONE']!r} is not an IANA time zone, "
                           "such as UTC or Asia/Tokyo.")
    if not app.config.get("SQLALCHEMY_DATABASE_URI"):
        Path(app.instance_path).mkdir(parents=True, exist_ok=True)
        app.config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{Path(app.instance_path) / 'drafting.sqlite'}"

    db.init_app(app)
    with app.app_context():
        pooled_connections.check_before_use(db.engine, app.config["POOL_PING_AFTER"])
    migrate.init_app(app, db, directory=str(PACKAGE_DIR.parent / "migrations"), render_as_batch=True,
                     include_name=described_by_models)
    login_manager.init_app(app)
    csrf.init_app(app)
    limiter.init_app(app)

    from drafting.cli import register_commands
    from drafting.rendering import kept_pdfs, outbox
    from drafting.web import errors, jinja, security
    from drafting.web.account.routes import bp as account_bp
    from drafting.web.admin.routes import bp as admin_bp
    from drafting.web.affirmation.routes import bp as affirmation_bp
    from drafting.web.api.routes import bp as api_bp
    from drafting.web.archive.routes import bp as archive_bp
    from drafting.web.auth.routes import bp as auth_bp
    from drafting.web.compare.routes import bp as compare_bp
    from drafting.web.delegates.routes import bp as delegates_bp
    from drafting.web.desk.routes import bp as desk_bp
    from drafting.web.downloads.routes import bp as downloads_bp
    from drafting.web.editor.routes import bp as editor_bp
    from drafting.web.library.routes import bp as library_bp
    from drafting.web.main.routes import bp as main_bp
    from drafting.web.people.routes import bp as people_bp
    from drafting.web.review.routes import bp as review_bp
    from drafting.web.signoff.routes import bp as signoff_bp
    from drafting.web.stances.routes import bp as stances_bp
    from drafting.web.silence.routes import bp as silence_bp

    app.register_blueprint(main_bp)
    app.register_blueprint(auth_bp)
    app.register_blueprint(account_bp)
    app.register_blueprint(editor_bp)
    app.register_blueprint(library_bp)
    app.register_blueprint(admin_bp)
    app.register_blueprint(review_bp)
    app.register_blueprint(desk_bp)
    app.register_blueprint(compare_bp)
    app.register_blueprint(delegates_bp)
    app.register_blueprint(people_bp)
    app.register_blueprint(affirmation_bp)
    app.register_blueprint(signoff_bp)
    app.register_blueprint(stances_bp)
    app.register_blueprint(silence_bp)
    app.register_blueprint(downloads_bp)
    app.register_blueprint(archive_bp)
    app.register_blueprint(api_bp)
    errors.register(app)
    security.register(app)
    jinja.register(app)
    outbox.register(app)
    kept_pdfs.init_app(app)
    register_commands(app)
    return app


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, connection_record) -> None:
    # pysqlite's own transaction handling breaks SAVEPOINT and ignores foreign keys; take control of both.
    if type(dbapi_connection).__module__ == "sqlite3":
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        # Every transaction takes the write lock (below): a request, or the mail sent after one,
        # waits its turn up to 30 s rather than failing after pysqlite's 5 s.
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()


event.listen(Engine, "before_cursor_execute", characters.refuse_nul_parameters)


@event.listens_for(Engine, "begin")
def _sqlite_begin(connection) -> None:
    # IMMEDIATE takes SQLite's write lock at the start: a transaction that reads, then writes, cannot
    # fail half-way because another wrote in between; concurrent requests wait their turn instead.
    if connection.dialect.name == "sqlite":
        connection.exec_driver_sql("BEGIN IMMEDIATE")

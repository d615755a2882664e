"""Alembic environment: migrations run against the Flask app's engine and models."""

import logging
from logging.config import fileConfig

from alembic import context
from flask import current_app

config = context.config
# Keep the application's own loggers (and pytest's capture) working while migrations run.
fileConfig(config.config_file_name, disable_existing_loggers=False)
logger = logging.getLogger("alembic.env")

database = current_app.extensions["migrate"].db
config.set_main_option(
    "sqlalchemy.url", database.engine.url.render_as_string(hide_password=False).replace("%", "%%")
)
target_metadata = database.metadata


def run_migrations_offline() -> None:
    """Write the migration SQL for the configured URL without connecting."""
    context.configure(url=config.get_main_option("sqlalchemy.url"), target_metadata=target_metadata, literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    """Run the migrations over a connection of the app's engine."""

    def process_revision_directives(context, revision, directives):
        if getattr(config.cmd_opts, "autogenerate", False) and directives[0].upgrade_ops.is_empty():
            directives[:] = []
            logger.info("No changes in schema detected.")

    conf_args = dict(current_app.extensions["migrate"].configure_args)
    conf_args.setdefault("process_revision_directives", process_revision_directives)
    # One transaction for the whole run on SQLite too (the app's engine, not pysqlite, begins it):
    # a migration that fails leaves the database as it was.
    conf_args.setdefault("transactional_ddl", True)
    with database.engine.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:
            # Batch mode changes a table on SQLite by copying it and dropping the original; with foreign
            # keys enforced, dropping a table that others refer to fails or cascades.
            _sqlite_foreign_keys(connection, "OFF")
        try:
            context.configure(connection=connection, target_metadata=target_metadata, **conf_args)
            with context.begin_transaction():
                context.run_migrations()
                if sqlite:
                    _check_sqlite_foreign_keys(connection)
        finally:
            if sqlite:
                _sqlite_foreign_keys(connection, "ON")


def _sqlite_foreign_keys(connection, setting: str) -> None:
    # SQLite ignores this pragma inside a transaction: send it on the driver's connection, which
    # SQLAlchemy would otherwise wrap in one.
    connection.connection.driver_connection.execute(f"PRAGMA foreign_keys={setting}")


def _check_sqlite_foreign_keys(connection) -> None:
    """Refuse, rolling the run back, if a row refers to one that does not exist."""
    broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
    if broken:
        raise RuntimeError(f"Rows whose foreign key points nowhere (table, rowid, parent, key): {broken}")


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()

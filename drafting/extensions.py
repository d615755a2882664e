"""The Flask extensions, created unbound so that any module can import them without the app."""

from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

# Named constraints, so that Alembic can alter them later on SQLite and PostgreSQL alike.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


# Objects keep their loaded values after a commit: a view that reports what it just saved must not
# need the database again to do so.
db = SQLAlchemy(model_class=Base, session_options={"expire_on_commit": False})
migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()
# Storage and limits come from the configuration: RATELIMIT_STORAGE_URI (memory, or Redis).
limiter = Limiter(key_func=get_remote_address)


def described_by_models(name: str | None, type_: str, parent_names: dict) -> bool:
    """Tell Alembic whether a table of the database is one the models describe.

    The archive's full-text index (drafting.domain.archive_index) differs between SQLite (an FTS5 virtual
    table and its shadow tables) and PostgreSQL: its migration makes it, and autogenerate leaves it alone.
    """
    return not (type_ == "table" and name is not None and name.startswith("archive_index"))

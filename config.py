"""Configuration classes; every value can come from the environment."""

import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent


class Config:
    """Default configuration: SQLite in the instance folder, for development and the demonstration."""

    SECRET_KEY = os.environ.get("SECRET_KEY", "dev-only-not-secret")
    # None means "SQLite in the instance folder"; create_app fills it in once it knows that folder.
    SQLALCHEMY_DATABASE_URI = os.environ.get("DATABASE_URL")
    SQLALCHEMY_ENGINE_OPTIONS: dict = {}
    WTF_CSRF_ENABLED = True
    WTF_CSRF_TIME_LIMIT = None  # a drafter may keep an editor open all afternoon
    MAX_CONTENT_LENGTH = 2 * 1024 * 1024
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_HTTPONLY = True
    ARGON2_TIME_COST = 3
    ARGON2_MEMORY_COST = 65536  # KiB


class TestConfig(Config):
    """Configuration for the test suite: its own database, cheap password hashing."""

    TESTING = True
    SECRET_KEY = "test-only"
    # Most tests post forms directly; the tests of CSRF protection switch it back on.
    WTF_CSRF_ENABLED = False
    SQLALCHEMY_DATABASE_URI = os.environ.get("TEST_DATABASE_URL", "sqlite://")
    # Still memory-hard, just small enough that hundreds of logins in tests stay fast.
    ARGON2_TIME_COST = 1
    ARGON2_MEMORY_COST = 1024


class ProductionConfig(Config):
    """Production: a real secret key and a real database are mandatory."""

    SECRET_KEY = os.environ.get("SECRET_KEY")
    SQLALCHEMY_DATABASE_URI = os.environ.get("DATABASE_URL")
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True

    @classmethod
    def check(cls) -> None:
        """Refuse to start without the settings production cannot do without."""
        if not cls.SECRET_KEY or cls.SECRET_KEY == Config.SECRET_KEY or len(cls.SECRET_KEY) < 32:
            raise RuntimeError("ProductionConfig needs SECRET_KEY: at least 32 random characters.")
        if not cls.SQLALCHEMY_DATABASE_URI:
            raise RuntimeError("ProductionConfig needs DATABASE_URL pointing at the production database.")

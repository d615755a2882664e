"""The migrations build, from an empty database, exactly the schema the models describe."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import upgrade

from config import TestConfig
from drafting import create_app
from drafting.extensions import db, described_by_models
from tests.databases import fresh_database


def test_upgrade_from_empty_leaves_no_difference_with_the_models(tmp_path):
    with fresh_database(tmp_path) as url:

        class EmptyDatabase(TestConfig):
            SQLALCHEMY_DATABASE_URI = url

        app = create_app(EmptyDatabase)
        with app.app_context():
            upgrade()
            with db.engine.connect() as connection:
                differences = compare_metadata(
                    MigrationContext.configure(connection, opts={"include_name": described_by_models}), db.metadata
                )
            db.engine.dispose()
    assert differences == []

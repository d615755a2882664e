"""Optimistic locking: a save based on an older version of a row is refused, never applied silently.

Editable rows carry a `lock_version`. A form sends back the version it was shown; the save is one
conditional UPDATE, so that of two drafters saving at the same moment exactly one wins, on
SQLite and PostgreSQL alike, and the other is shown what the winner wrote.
"""

from sqlalchemy import update

from drafting.extensions import db


class EditConflict(Exception):
    """Someone saved the row since the editor loaded it; `current` is the row as it is now."""

    def __init__(self, current):
        super().__init__(f"{current!r} was changed by someone else in the meantime.")
        self.current = current


def save_if_unchanged(row, based_on: int, **values) -> None:
    """Write values to the row if its lock_version is still based_on, bumping it; else raise EditConflict."""
    model = type(row)
    result = db.session.execute(
        update(model)
        .where(model.id == row.id, model.lock_version == based_on)
        .values(**values, lock_version=model.lock_version + 1)
        .execution_options(synchronize_session=False)
    )
    db.session.refresh(row)
    if result.rowcount != 1:
        raise EditConflict(row)

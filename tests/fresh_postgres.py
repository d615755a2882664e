"""Print the URL of a fresh, empty PostgreSQL database for a test run, or nothing if no server answers.

`make test` calls it to decide whether the suite runs a second time, on PostgreSQL.
"""

import sys

import psycopg

SERVER = "postgresql://postgres@127.0.0.1:5432"
DATABASE = "drafting_test"


def main() -> int:
    try:
        with psycopg.connect(f"{SERVER}/postgres", connect_timeout=3, autocommit=True) as connection:
            connection.execute(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")
            connection.execute(f"CREATE DATABASE {DATABASE}")
    except psycopg.OperationalError:
        return 0
    print(f"postgresql+psycopg://postgres@127.0.0.1:5432/{DATABASE}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

# Licensed under the Apache License, Version 2.0 (the "License"); you may
# not use this file except in compliance with the License. You may obtain
# a copy of the License at
#
#      http://www.apache.org/licenses/LICENSE-2.0
#
# Unless required by applicable law or agreed to in writing, software
# distributed under the License is distributed on an "AS IS" BASIS, WITHOUT
# WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied. See the
# License for the specific language governing permissions and limitations
# under the License.
"""Alembic environment for the main database.

The caller (masakari.db.migration) hands over an open connection in
``config.attributes['connection']``; the version table is
``masakari_alembic_version`` so it never clashes with taskflow's.
"""

from alembic import context

from masakari.db import models

VERSION_TABLE = "masakari_alembic_version"


def _configure(connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=models.Base.metadata,
        version_table=VERSION_TABLE,
        render_as_batch=connection.dialect.name == "sqlite",
        transaction_per_migration=True,
    )


def run_migrations_online() -> None:
    connection = context.config.attributes.get("connection")
    if connection is None:
        import sqlalchemy as sa
        engine = sa.create_engine(context.config.get_main_option(
            "sqlalchemy.url"))
        with engine.connect() as connection:
            _configure(connection)
            with context.begin_transaction():
                context.run_migrations()
        engine.dispose()
        return
    _configure(connection)
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    context.configure(url=context.config.get_main_option("sqlalchemy.url"),
                      target_metadata=models.Base.metadata,
                      version_table=VERSION_TABLE, literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()
else:
    run_migrations_online()

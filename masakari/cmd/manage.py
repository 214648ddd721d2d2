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
"""masakari-manage: ``masakari-manage [--config-file ...] db <action>``.

Actions: ``sync [version]``, ``version``, ``purge [--age_in_days N]
[--max_rows M]``.  Every failure is one line on stderr
and a non-zero exit code, never a traceback: 2 for usage errors, 1 for
invalid values and database errors.
"""

import datetime
import os
import sys
from collections.abc import Callable

import sqlalchemy as sa
from oslo_config import cfg
from oslo_log import log as logging

from masakari.common import config as common_config
from masakari.cmd import timeline
from masakari.cmd import whatif
from masakari import conf as masakari_conf
from masakari.db import migration
from masakari.db import purge
from masakari import exception

LOG = logging.getLogger(__name__)
CONF = masakari_conf.CONF
CATEGORIES = ("db", "notification", "recovery")
MAX_ROWS_LIMIT = 2147483647


class UsageError(Exception):
    """Bad command line: printed with the usage, exit 2."""


def _version() -> str:
    try:
        from masakari import version
        return version.version_string()
    except Exception:  # noqa: BLE001 - metadata missing in a source tree
        return "unknown"


def _print_categories(prog: str) -> None:
    print()
    print("OpenStack masakari version: %s" % _version())
    print()
    print("%s category action [<args>]" % prog)
    print("Available categories:")
    for category in CATEGORIES:
        print("\t%s" % category)


# --- actions -----------------------------------------------------------------

def _engine() -> sa.engine.Engine:
    # A plain engine: fail fast when the server is unreachable instead of
    # oslo.db's connect-retry loop.
    return sa.create_engine(CONF.database.connection)


def db_sync(version: str | None = None) -> int:
    engine = _engine()
    try:
        migration.db_sync(
            version, engine=engine,
            taskflow_connection=CONF.taskflow.connection)
    finally:
        engine.dispose()
    return 0


def db_version() -> int:
    engine = _engine()
    try:
        print(migration.db_version(engine=engine))
    finally:
        engine.dispose()
    return 0


def validate_purge(age_in_days: int, max_rows: int,
                   today: datetime.date | None = None) -> None:
    """Raise InvalidInput with the operator-facing message."""
    if max_rows < -1:
        raise exception.InvalidInput(reason="max_rows must be >= -1")
    if max_rows > MAX_ROWS_LIMIT:
        raise exception.InvalidInput(
            reason="max_rows must be <= %d" % MAX_ROWS_LIMIT)
    if max_rows == 0:
        raise exception.InvalidInput(
            "Must supply value greater than 0 for max_rows.")
    if age_in_days < 0:
        raise exception.InvalidInput(
            "Must supply a non-negative value for age.")
    today = today or datetime.datetime.now(datetime.timezone.utc).date()
    if age_in_days >= (today - datetime.date(1970, 1, 1)).days:
        raise exception.InvalidInput(
            "Maximal age is count of days since epoch.")


def db_purge(age_in_days: int = 30, max_rows: int = -1) -> int:
    validate_purge(age_in_days, max_rows)
    engine = _engine()
    try:
        deleted = purge.purge_deleted_rows(engine, age_in_days, max_rows)
    finally:
        engine.dispose()
    print("Purged %d rows." % deleted)
    return 0


def notification_timeline(notification_uuid: str,
                          output_format: str = "text") -> int:
    """Print the story of one recovery (see masakari.cmd.timeline)."""
    from masakari.db import api as db_api
    from masakari.engine.drivers.taskflow import TaskFlowDriver

    db = db_api.DBAPI.from_conf(CONF)
    try:
        driver = TaskFlowDriver(conf=CONF, nova_api=object())
        story = timeline.load(db, driver, notification_uuid)
    finally:
        db.dispose()
    print(timeline.render(story, output_format))
    return 0


def recovery_plan(host_name: str | None = None,
                  segment_uuid: str | None = None,
                  output_format: str = "text") -> int:
    """Print what a host recovery would do now (masakari.cmd.whatif)."""
    from masakari.compute import nova
    from masakari.db import api as db_api

    if (host_name is None) == (segment_uuid is None):
        print("masakari-manage recovery plan: give --host or --segment "
              "(one of them)", file=sys.stderr)
        return 2
    db = db_api.DBAPI.from_conf(CONF)
    try:
        answer = whatif.load(db, nova.API(conf=CONF), CONF, host=host_name,
                             segment=segment_uuid)
    finally:
        db.dispose()
    print(whatif.render(answer, output_format))
    return 0


# --- command line ------------------------------------------------------------

_parsers: dict[str, object] = {}


def _add_parsers(subparsers) -> None:
    db = subparsers.add_parser("db", help="Database schema and data.")
    _parsers["db"] = db
    actions = db.add_subparsers(dest="action", metavar="<action>")

    sync = actions.add_parser(
        "sync", help="Upgrade the schema (and taskflow's, if configured).")
    sync.add_argument("version", nargs="?", default=None,
                      help="Target: an alembic revision (default: head) or "
                           "a legacy sqlalchemy-migrate number (7, 8).")
    sync.set_defaults(action_fn=db_sync, action_args=("version",))

    version = actions.add_parser("version",
                                 help="Print the current schema revision.")
    version.set_defaults(action_fn=db_version, action_args=())

    purge_parser = actions.add_parser(
        "purge", help="Delete old soft-deleted rows and old finished "
                      "notifications.")
    purge_parser.add_argument("--age_in_days", type=int, default=30,
                              help="Purge rows older than this many days "
                                   "(default 30).")
    purge_parser.add_argument("--max_rows", type=int, default=-1,
                              help="Maximum number of rows to delete, -1 "
                                   "for no limit (default -1).")
    purge_parser.set_defaults(action_fn=db_purge,
                              action_args=("age_in_days", "max_rows"))

    notification = subparsers.add_parser(
        "notification", help="What masakari did with a notification.")
    _parsers["notification"] = notification
    actions = notification.add_subparsers(dest="action", metavar="<action>")
    story = actions.add_parser(
        "timeline", help="The recovery of one notification in time order: "
                         "tasks, fence records, instances moved, seconds "
                         "since the failure.")
    story.add_argument("notification_uuid",
                       help="The notification's notification_uuid.")
    story.add_argument("--format", dest="output_format", default="text",
                       choices=timeline.FORMATS,
                       help="Output format (default text).")
    story.set_defaults(action_fn=notification_timeline,
                       action_args=("notification_uuid", "output_format"))

    recovery = subparsers.add_parser(
        "recovery", help="What a host recovery would do now.")
    _parsers["recovery"] = recovery
    actions = recovery.add_subparsers(dest="action", metavar="<action>")
    plan = actions.add_parser(
        "plan", help="If this host (or any host of this segment) failed "
                     "now: which instances would move where, in which "
                     "order, which would not fit, and why.")
    plan.add_argument("--host", dest="host_name", default=None,
                      help="A host's name.")
    plan.add_argument("--segment", dest="segment_uuid", default=None,
                      help="A segment's uuid.")
    plan.add_argument("--format", dest="output_format", default="text",
                      choices=whatif.FORMATS,
                      help="Output format (default text).")
    plan.set_defaults(action_fn=recovery_plan,
                      action_args=("host_name", "segment_uuid",
                                   "output_format"))


CATEGORY_OPT = cfg.SubCommandOpt("category", title="Command categories",
                                 help="Available categories",
                                 handler=_add_parsers)


def _selected() -> tuple[Callable[..., int], dict]:
    category = CONF.category
    fn = getattr(category, "action_fn", None)
    if fn is None:
        raise UsageError(category.name)
    names = getattr(category, "action_args", ())
    return fn, {name: getattr(category, name) for name in names}


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv if argv is None else argv)
    prog = argv[0] if argv else "masakari-manage"
    if len(argv) < 2:
        _print_categories(prog)
        return 2
    try:
        CONF.register_cli_opt(CATEGORY_OPT)
    except cfg.ArgsAlreadyParsedError:
        pass
    try:
        common_config.parse_args(argv)
        # Logs go to stderr so stdout carries only the command's output
        # (e.g. the revision printed by "db version").
        CONF.set_default("use_stderr", True)
    except cfg.Error as exc:
        print("%s: error: %s" % (prog, exc), file=sys.stderr)
        return 2
    common_config.setup_logging()
    try:
        fn, kwargs = _selected()
    except UsageError as exc:
        category = str(exc) or "db"
        parser = _parsers.get(category)
        if parser is not None:
            parser.print_usage(sys.stderr)
        print("%s: error: an action is required for category %s"
              % (prog, category), file=sys.stderr)
        return 2
    try:
        return fn(**kwargs)
    except (exception.Invalid, exception.NotFound) as exc:
        print(exc, file=sys.stderr)
        return 1
    except BrokenPipeError:
        # The reader went away (e.g. "| head"); leave quietly.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    except Exception as exc:  # noqa: BLE001 - one line, never a traceback
        LOG.debug("masakari-manage failed", exc_info=True)
        print("Error: %s" % _one_line(exc), file=sys.stderr)
        return 1


def _one_line(exc: Exception) -> str:
    text = str(getattr(exc, "orig", None) or exc).strip()
    first = text.splitlines()[0] if text else type(exc).__name__
    return "%s: %s" % (type(exc).__name__, first)


if __name__ == "__main__":
    sys.exit(main())

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

"""Distributed coordination (group coordination)."""

from oslo_config import cfg

coordination_group = cfg.OptGroup(
    'coordination',
    title='Coordination options',
    help='Distributed coordination through tooz. Optional: without a '
         'backend, masakari-api still detects duplicate notifications '
         'race-free inside one database transaction, and the '
         'engines keep a reserved host to one recovery at a time with '
         'locks in the masakari database (see use_database_locks).')

coordination_opts = [
    cfg.StrOpt('backend_url',
               secret=True,
               help='The tooz backend URL used for distributed locks, for '
                    'example etcd3+http://127.0.0.1:2379 or '
                    'redis://127.0.0.1:6379. When set, the duplicate check '
                    'of host failure notifications also runs under a '
                    'per-hostname distributed lock, and masakari-engine '
                    'holds a distributed lock per reserved host while it '
                    'prepares and evacuates to it, so recoveries running '
                    'in different engines never use one reserved host at '
                    'the same time (a recovery waits up to '
                    'wait_period_after_evacuation seconds, then takes the '
                    'next reserved host).'),
    cfg.BoolOpt('use_database_locks',
                default=True,
                help='When backend_url is not set, masakari-engine takes '
                     'its per-reserved-host lock in the masakari database '
                     'instead: GET_LOCK on MySQL/MariaDB, an advisory lock '
                     'on PostgreSQL, and on SQLite a lock file in the '
                     'directory "<database file>.locks" beside it. Every '
                     'engine using the same database then sees the lock, '
                     'and it is freed when its holder exits or is killed. '
                     'If the machine of an engine vanishes, the database '
                     'server drops its lock within about a minute: the '
                     'lock connection sets short TCP keepalives on '
                     'PostgreSQL, and on MySQL a 60 second wait_timeout '
                     'that the holder keeps resetting while it is alive. '
                     'Set to False to keep the lock inside each engine '
                     'process only.'),
]


def register_opts(conf: cfg.ConfigOpts) -> None:
    conf.register_group(coordination_group)
    conf.register_opts(coordination_opts, group=coordination_group)


def list_opts() -> dict:
    return {coordination_group: coordination_opts}

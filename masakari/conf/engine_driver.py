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

"""Recovery behaviour of the engine's driver, by failure kind.

Groups: host_failure, instance_failure, process_failure, taskflow and
taskflow_driver_recovery_flows (the last one is generated into its own
sample file, masakari-custom-recovery-methods.conf).
"""

from oslo_config import cfg
from oslo_config import types

host_failure_group = cfg.OptGroup(
    'host_failure',
    title='Host failure recovery options',
    help='Options of the recovery flows for COMPUTE_HOST notifications.')

instance_failure_group = cfg.OptGroup(
    'instance_failure',
    title='Instance failure recovery options',
    help='Options of the recovery flow for VM notifications.')

process_failure_group = cfg.OptGroup(
    'process_failure',
    title='Process failure recovery options',
    help='Options of the recovery flow for PROCESS notifications.')

taskflow_group = cfg.OptGroup(
    'taskflow',
    title='Taskflow driver options',
    help='Persistence of the recovery workflows run by the taskflow '
         'driver.')

recovery_flows_group = cfg.OptGroup(
    'taskflow_driver_recovery_flows',
    title='Custom recovery workflows',
    help='Task lists of the recovery workflows. Each value is a dictionary '
         'without braces with the three keys pre, main and post, each a '
         'bracketed list of task names from the stevedore namespace '
         'masakari.task_flow.tasks, for example '
         "pre:['disable_compute_service_task'],main:[],post:[]. "
         'masakari-engine refuses to start when a list names an unknown '
         'task or a key is missing.')

host_failure_opts = [
    cfg.BoolOpt('evacuate_all_instances',
                default=True,
                help='Evacuate all instances of a failed host, not only '
                     'those whose metadata carries '
                     'ha_enabled_instance_metadata_key set to true. '
                     'HA-enabled instances are always evacuated first.'),
    cfg.StrOpt('ha_enabled_instance_metadata_key',
               default='HA_Enabled',
               help='Instance metadata key that marks an instance as HA '
                    'enabled for host failure recovery.'),
    cfg.BoolOpt('ignore_instances_in_error_state',
                default=False,
                help='Do not evacuate instances in error state.'),
    cfg.BoolOpt('add_reserved_host_to_aggregate',
                default=False,
                help='Before evacuating to a reserved host, add it to the '
                     'host aggregates the failed host belongs to.'),
    cfg.StrOpt('service_disable_reason',
               default='Masakari detected host failed.',
               help='Disabled reason recorded on the nova-compute service '
                    'of a failed host.'),
    cfg.BoolOpt('force_down_fenced_host',
                default=True,
                help='When a failed host is proven powered off (see the '
                     '[fencing] options: the notification carries fencing '
                     'evidence, or a fence device of the engine powered it '
                     'off), mark its '
                     'nova-compute service forced_down before disabling it '
                     'and evacuate at once, instead of waiting for Nova to '
                     'notice the missing heartbeat. To bring the host back, '
                     'first unset forced_down, then enable the service (in '
                     'that order, or Nova schedules nothing to it for up to '
                     'service_down_time), then clear maintenance in '
                     'masakari.'),
    cfg.BoolOpt('rollback_reserved_host',
                default=True,
                help='When no instance could be evacuated to a reserved '
                     'host, remove it from the aggregates masakari added it '
                     'to, disable its nova-compute again if masakari enabled '
                     'it, and mark it reserved again, so the next recovery '
                     'finds it as the operator left it.'),
]

instance_failure_opts = [
    cfg.BoolOpt('process_all_instances',
                default=False,
                help='Recover every failed instance, not only those whose '
                     'metadata carries ha_enabled_instance_metadata_key set '
                     'to true.'),
    cfg.StrOpt('ha_enabled_instance_metadata_key',
               default='HA_Enabled',
               help='Instance metadata key that marks an instance as HA '
                    'enabled for instance failure recovery.'),
]

process_failure_opts = [
    cfg.StrOpt('service_disable_reason',
               default='Masakari detected process failed.',
               help='Disabled reason recorded on the nova-compute service '
                    'of a host whose nova-compute process failed.'),
]

taskflow_opts = [
    cfg.StrOpt('connection',
               secret=True,
               help='SQLAlchemy URL of the database that persists recovery '
                    'workflow state and progress details (may be the main '
                    'database). Required by the taskflow driver; '
                    'masakari-manage db sync creates its tables.'),
]

_TASK_LISTS = types.Dict(
    value_type=types.List(item_type=types.String(quotes=True), bounds=True))


def _flow_opt(name: str, pre: list, main: list, post: list,
              what: str) -> cfg.Opt:
    return cfg.Opt(name,
                   type=_TASK_LISTS,
                   default={'pre': pre, 'main': main, 'post': post},
                   help='Task lists of the %s recovery workflow.' % what)


recovery_flow_opts = [
    _flow_opt('host_auto_failure_recovery_tasks',
              ['disable_compute_service_task'],
              ['prepare_HA_enabled_instances_task'],
              ['evacuate_instances_task'],
              "host failure 'auto'"),
    _flow_opt('host_rh_failure_recovery_tasks',
              ['disable_compute_service_task'],
              ['prepare_HA_enabled_instances_task', 'evacuate_instances_task'],
              [],
              "host failure 'reserved_host'"),
    _flow_opt('instance_failure_recovery_tasks',
              ['stop_instance_task'],
              ['start_instance_task'],
              ['confirm_instance_active_task'],
              'instance failure'),
    _flow_opt('process_failure_recovery_tasks',
              ['disable_compute_node_task'],
              ['confirm_compute_node_disabled_task'],
              [],
              'process failure'),
]

GROUPS = (
    (host_failure_group, host_failure_opts),
    (instance_failure_group, instance_failure_opts),
    (process_failure_group, process_failure_opts),
    (taskflow_group, taskflow_opts),
    (recovery_flows_group, recovery_flow_opts),
)


def register_opts(conf: cfg.ConfigOpts) -> None:
    for group, opts in GROUPS:
        conf.register_group(group)
        conf.register_opts(opts, group=group)


def list_opts() -> dict:
    """Options of the main sample (without the custom workflow lists)."""
    return {group: opts for group, opts in GROUPS
            if group is not recovery_flows_group}


def list_recovery_workflow_opts() -> dict:
    return {recovery_flows_group: recovery_flow_opts}

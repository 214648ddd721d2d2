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

"""Recovery policies: which instances, in which order, where, how often.

Every option is off (or equal to upstream masakari) by default; the
policy logic itself is in masakari.engine.policy.
"""

from oslo_config import cfg

HOST_FAILURE = 'host_failure'

recovery_limits_group = cfg.OptGroup(
    'recovery_limits',
    title='Recovery limits',
    help='How often one instance is recovered, and how long a host that '
         'failed is kept out of the evacuation targets.')

host_failure_policy_opts = [
    cfg.StrOpt('evacuable_tag',
               help='A flavor extra spec, image property and host aggregate '
                    'metadata key whose value true marks instances (flavor '
                    'or image) for evacuation, besides the '
                    'ha_enabled_instance_metadata_key metadata. When an '
                    'aggregate carries it, only hosts of such aggregates '
                    'are evacuated and used as targets; when none does, '
                    'every host counts. Reading image properties costs one '
                    'request per distinct image. Unset: not used.'),
    cfg.BoolOpt('skip_unevacuable_instances',
                default=False,
                help='Do not ask Nova to evacuate instances it refuses to '
                     'evacuate (vTPM: flavor extra spec hw:tpm_version or '
                     'image property hw_tpm_version); their vmove is '
                     'recorded as ignored with the reason, and they do not '
                     'fail the recovery.'),
    cfg.BoolOpt('restart_priority_tiers',
                default=False,
                help='Evacuate tier by tier by the server metadata '
                     'masakari:restart_priority (1 to 1000, higher first, '
                     'default 500): a tier starts when every evacuation '
                     'of the tiers before it has ended or after '
                     'restart_tier_timeout seconds. Within a tier, '
                     'evacuations run in parallel.'),
    cfg.IntOpt('restart_tier_timeout',
               default=600,
               min=0,
               help='Seconds the evacuations of one restart priority tier '
                    'are waited for before the next tier starts anyway.'),
    cfg.BoolOpt('capacity_aware_targets',
                default=False,
                help='Choose each instance\'s target host (auto: the '
                     'enabled, up hosts of the segment that are not '
                     'reserved or on maintenance; reserved_host: the '
                     'reserved host) from the hypervisors\' usage and the '
                     'server groups\' (anti-)affinity, highest restart '
                     'priority first; instances that fit nowhere are '
                     'reported and fail the recovery. Off: Nova\'s '
                     'scheduler picks (auto) or the reserved host is used '
                     'blindly.'),
    cfg.IntOpt('failover_capacity_check_interval',
               default=0,
               min=0,
               help='Seconds between two checks, by masakari-engine, that '
                    'each failover segment could absorb the failure of any '
                    'one of its hosts (the capacity-aware plan, whether or '
                    'not capacity_aware_targets is set); a warning is '
                    'logged when a segment loses that room and a message '
                    'when it has it again. 0: no check.'),
    cfg.FloatOpt('cpu_allocation_ratio',
                 default=4.0,
                 min=0.0,
                 help='VCPU overcommit of the compute hosts, as Nova\'s '
                      'cpu_allocation_ratio, for capacity_aware_targets.'),
    cfg.FloatOpt('ram_allocation_ratio',
                 default=1.0,
                 min=0.0,
                 help='Memory overcommit of the compute hosts, as Nova\'s '
                      'ram_allocation_ratio, for capacity_aware_targets.'),
    cfg.FloatOpt('disk_allocation_ratio',
                 default=1.0,
                 min=0.0,
                 help='Disk overcommit of the compute hosts, as Nova\'s '
                      'disk_allocation_ratio, for capacity_aware_targets.'),
]

recovery_limits_opts = [
    cfg.IntOpt('max_recoveries_per_instance',
               default=0,
               min=0,
               help='Recoveries (instance failure recoveries and '
                    'evacuations) one instance may have within '
                    'recovery_window seconds; past it, the instance is '
                    'left alone and the notification says why. 0: no '
                    'limit.'),
    cfg.IntOpt('recovery_window',
               default=3600,
               min=1,
               help='Seconds over which max_recoveries_per_instance '
                    'counts.'),
    cfg.IntOpt('flap_threshold',
               default=0,
               min=0,
               help='Failures (host or process failure notifications) of '
                    'one host within stabilisation_window seconds from '
                    'which the host counts as flapping: it is not used as '
                    'an evacuation target (capacity_aware_targets) until '
                    'it has been stable that long. 0: off.'),
    cfg.IntOpt('stabilisation_window',
               default=1800,
               min=1,
               help='Seconds over which flap_threshold counts.'),
]


api_opts = [
    cfg.BoolOpt('enable_recovery_plan_api',
                default=False,
                help='Offer API microversion 1.4, whose recovery plan calls '
                     '(GET /v1/segments/{segment_id}/recovery_plans and '
                     '/recovery_plans/{host_id}) answer what a host recovery '
                     'would do if the host failed now. Off: the highest '
                     'microversion is 1.3, as upstream\'s, and every answer '
                     'is upstream\'s.'),
]


def register_opts(conf: cfg.ConfigOpts) -> None:
    conf.register_opts(api_opts)
    conf.register_opts(host_failure_policy_opts, group=HOST_FAILURE)
    conf.register_group(recovery_limits_group)
    conf.register_opts(recovery_limits_opts, group=recovery_limits_group)


def list_opts() -> dict:
    return {'DEFAULT': api_opts,
            HOST_FAILURE: host_failure_policy_opts,
            recovery_limits_group: recovery_limits_opts}

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

"""How masakari-engine proves a failed host is off (group fencing)."""

from oslo_config import cfg

MODE_EVIDENCE = 'evidence'
MODE_REQUIRED = 'required'
MODE_TRUST_MONITOR = 'trust_monitor'

fencing_group = cfg.OptGroup(
    'fencing',
    title='Fencing options',
    help='A host failure is recovered by rebuilding its instances on other '
         'hosts. If the failed host is only cut off from the network, its '
         'instances still run, and two copies would write to one disk. '
         'These options decide what masakari-engine accepts as proof that '
         'a failed host is powered off before it marks the host '
         'forced_down and evacuates at once.')

fencing_opts = [
    cfg.StrOpt('mode',
               default=MODE_EVIDENCE,
               choices=[
                   (MODE_EVIDENCE,
                    'A host is treated as fenced only with evidence: a '
                    '"fencing" object with "confirmed": true in the '
                    'notification payload (sent by the Pacemaker host '
                    'monitor after a STONITH or IPMI confirmation), or a '
                    'fence device of config_file that powered it off. '
                    'With evidence the host is marked forced_down and its '
                    'instances are evacuated at once; without, its '
                    'nova-compute is disabled and the engine waits until '
                    'Nova itself reports the service down (up to '
                    'wait_period_after_service_update seconds) before '
                    'evacuating, and never sets forced_down.'),
                   (MODE_REQUIRED,
                    'Like evidence, but without evidence and without a '
                    'fence device that succeeds nothing is evacuated: the '
                    'notification ends in error with the reason in its '
                    'progress details and is retried later.'),
                   (MODE_TRUST_MONITOR,
                    'Treat every host failure notification with '
                    'host_status NORMAL as proof that the host is off '
                    '(the behaviour of earlier releases). Only for '
                    'operators who vouch that every monitor sending '
                    'NORMAL has checked the power state itself.'),
               ],
               help='What counts as proof that a failed host is off.'),
    cfg.StrOpt('config_file',
               help='YAML file naming the fence devices of each compute '
                    'host (a "default" list and per-host lists under '
                    '"hosts"; drivers fence_agent, redfish, ipmi, maas and '
                    'kdump), tried in order with a timeout each. Passwords '
                    'come from files or environment variables named in '
                    'it, never from the file itself. Read and checked '
                    'when masakari-engine starts. Unset: the engine has '
                    'no fence devices and relies on the evidence sent '
                    'with the notification.'),
    cfg.BoolOpt('safety_gates',
                default=True,
                help='Check the mass-failure breaker '
                     '(max_failed_hosts_percent) and the per-window cap '
                     '(max_host_failures_per_window) before fencing or '
                     'evacuating a failed host. Set to False to disable '
                     'both gates explicitly.'),
    cfg.IntOpt('max_failed_hosts_percent',
               default=50,
               min=1,
               max=100,
               help='Mass-failure breaker: when more than this percentage '
                    'of a failover segment\'s hosts reported a failure '
                    'within failure_window seconds (and at least two '
                    'did), no host of the segment is fenced or evacuated: '
                    'so many hosts failing together usually means the '
                    'monitoring or the network failed, not the hosts. '
                    'The notification ends in error with the reason.'),
    cfg.IntOpt('max_host_failures_per_window',
               default=10,
               min=1,
               help='Per-window cap: at most this many hosts of one '
                    'failover segment are fenced or evacuated for '
                    'failures reported within failure_window seconds; '
                    'later failures end in error with the reason.'),
    cfg.IntOpt('failure_window',
               default=600,
               min=1,
               help='Seconds over which host failure notifications of a '
                    'segment are counted for the safety gates.'),
]


def register_opts(conf: cfg.ConfigOpts) -> None:
    conf.register_group(fencing_group)
    conf.register_opts(fencing_opts, group=fencing_group)


def list_opts() -> dict:
    return {fencing_group: fencing_opts}

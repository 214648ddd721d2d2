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

"""``[host]`` options: the host monitor and its drivers."""

from oslo_config import cfg
from oslo_config import types

host_group = cfg.OptGroup("host", title="Host monitor options")

host_opts = [
    cfg.StrOpt("monitoring_driver", default="default",
               help="Name of the hostmonitor.driver entry point to load: "
                    "'default' or 'simple' (Pacemaker), 'consul' or "
                    "'kubernetes'."),
    cfg.IntOpt("monitoring_interval", default=60, min=1,
               help="Seconds between two checks of the cluster status."),
    cfg.IntOpt("monitoring_samples", default=1, min=1,
               help="Number of consecutive identical observations needed "
                    "before a host status change is trusted and reported."),
    cfg.IntOpt("api_retry_max", default=12, min=0,
               help="Number of retries of a failed notification."),
    cfg.IntOpt("api_retry_interval", default=10, min=0,
               help="Seconds between notification retries."),
    cfg.BoolOpt("disable_ipmi_check", default=False,
                help="Do not ask the host's BMC (ipmitool) whether a failed "
                     "host is powered off. Pacemaker's fencing history is "
                     "still consulted; without a confirmation the host "
                     "status is reported as UNKNOWN."),
    cfg.BoolOpt("restrict_to_remotes", default=False,
                help="Watch only pacemaker-remote nodes. By default full "
                     "cluster members and pacemaker-remote nodes are "
                     "watched together."),
    cfg.IntOpt("ipmi_timeout", default=5, min=1,
               help="Seconds one ipmitool power status call may take."),
    cfg.IntOpt("ipmi_retry_max", default=3, min=0,
               help="Retries of the IPMI power status check of one failure."),
    cfg.IntOpt("ipmi_retry_interval", default=10, min=0,
               help="Seconds between IPMI power status retries."),
    cfg.IntOpt("stonith_wait", default=30, min=0,
               help="Seconds to wait after the corosync heartbeat check "
                    "failed (this host may be the isolated one) before the "
                    "cluster status is read."),
    cfg.IntOpt("tcpdump_timeout", default=5, min=1,
               help="Seconds tcpdump waits for one incoming corosync "
                    "packet per interface."),
    cfg.ListOpt("corosync_multicast_interfaces",
                help="Interfaces carrying corosync traffic, e.g. "
                     "enp0s3,enp0s8. Unset disables the heartbeat check."),
    cfg.ListOpt("corosync_multicast_ports",
                item_type=types.Port(),
                help="Corosync ports, same length and order as "
                     "corosync_multicast_interfaces."),
    cfg.StrOpt("pacemaker_node_type", default="autodetect",
               choices=["autodetect", "cluster", "remote"],
               help="Whether this host is a full cluster member or a "
                    "pacemaker-remote node; autodetect probes the systemd "
                    "units corosync, pacemaker and pacemaker_remote."),
    # Options below are not in upstream masakari-monitors.
    cfg.StrOpt("reporting", default="leader", choices=["leader", "all"],
               help="Which hostmonitor reports a failure. 'leader': only "
                    "one: the designated controller's when it runs a "
                    "monitor, else the one on the online node with the "
                    "lowest name (monitors find each other through the "
                    "transient node attribute masakari-hostmonitor-"
                    "heartbeat); another node takes over when it is gone. "
                    "'all': every monitor reports every peer (upstream "
                    "behaviour, N-1 identical notifications)."),
    cfg.IntOpt("fencing_timeout", default=120, min=0,
               help="Seconds to wait for a failed host to be confirmed off "
                    "(Pacemaker fencing history or IPMI) before the failure "
                    "is reported with host_status UNKNOWN. A confirmation "
                    "that arrives later is reported again with NORMAL."),
    cfg.IntOpt("fencing_history_lookback", default=600, min=0,
               help="A host already offline when the monitor starts is "
                    "reported when Pacemaker fenced it within this many "
                    "seconds, or when it is still unclean (failed, not yet "
                    "fenced)."),
    cfg.StrOpt("ipmi_password_file",
               help="File holding the IPMI password (ipmitool -f). When "
                    "unset the password from the CIB is passed through the "
                    "IPMI_PASSWORD environment variable (ipmitool -E); it "
                    "never appears on a command line."),
    cfg.BoolOpt("assume_fenced_when_offline", default=False,
                help="UNSAFE: report host_status NORMAL for a failed host "
                     "even when nothing confirmed it is off (the upstream "
                     "behaviour with disable_ipmi_check = True). Only for "
                     "clusters without fencing whose hosts cannot survive "
                     "a cluster-stack failure."),
    cfg.BoolOpt("report_fencing_evidence", default=True,
                help="Add the proof that a failed host is off to its "
                     "STOPPED/NORMAL notification: a payload key 'fencing' "
                     "= {confirmed: true, source: 'stonith-history' or "
                     "'ipmi', at: ISO 8601 UTC time of the fencing or of "
                     "the IPMI check}. A NORMAL report without proof "
                     "(assume_fenced_when_offline) and UNKNOWN reports "
                     "never carry the key, so the engine can tell proven "
                     "from assumed power-off. A masakari API that does not "
                     "know the key answers HTTP 400; the notification is "
                     "then sent again at once without it (a warning is "
                     "logged once), so no report is lost. Set to False to "
                     "never send the key."),
]


def register_opts(conf: cfg.ConfigOpts) -> None:
    # A fresh group per ConfigOpts: oslo.config copies groups shallowly, so
    # registering the module-level object would share option state (for
    # example overrides) between ConfigOpts instances.
    conf.register_group(cfg.OptGroup(host_group.name,
                                     title=host_group.title))
    conf.register_opts(host_opts, group=host_group.name)


def list_opts() -> dict:
    return {host_group: host_opts}

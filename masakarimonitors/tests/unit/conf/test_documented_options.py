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

"""Every documented monitors option: group, name, type, default, choices
and deprecated aliases, as one table."""

import socket

import pytest
from oslo_config import cfg
from oslo_config import types

from masakarimonitors.conf import opts as conf_opts

SOCK = (r"/var/lib/libvirt/qemu/org\.qemu\.guest_agent\..*"
        r"\.instance-.*\.sock")

# (group, name, option class, default, choices or None)
DOCUMENTED_OPTIONS = [
    ("DEFAULT", "hostname", cfg.StrOpt, socket.gethostname(), None),
    ("DEFAULT", "tempdir", cfg.StrOpt, None, None),
    ("DEFAULT", "monkey_patch", cfg.BoolOpt, False, None),
    ("DEFAULT", "monkey_patch_modules", cfg.ListOpt, [], None),
    ("DEFAULT", "hostmonitor_manager", cfg.StrOpt,
     "masakarimonitors.hostmonitor.host.HostmonitorManager", None),
    ("DEFAULT", "instancemonitor_manager", cfg.StrOpt,
     "masakarimonitors.instancemonitor.instance.InstancemonitorManager",
     None),
    ("DEFAULT", "introspectiveinstancemonitor_manager", cfg.StrOpt,
     "masakarimonitors.introspectiveinstancemonitor.instance."
     "IntrospectiveInstanceMonitorManager", None),
    ("DEFAULT", "processmonitor_manager", cfg.StrOpt,
     "masakarimonitors.processmonitor.process.ProcessmonitorManager", None),
    ("api", "region", cfg.StrOpt, "RegionOne", None),
    ("api", "api_interface", cfg.StrOpt, "public",
     ("public", "internal", "admin")),
    ("host", "monitoring_driver", cfg.StrOpt, "default", None),
    ("host", "monitoring_interval", cfg.IntOpt, 60, None),
    ("host", "monitoring_samples", cfg.IntOpt, 1, None),
    ("host", "api_retry_max", cfg.IntOpt, 12, None),
    ("host", "api_retry_interval", cfg.IntOpt, 10, None),
    ("host", "disable_ipmi_check", cfg.BoolOpt, False, None),
    ("host", "restrict_to_remotes", cfg.BoolOpt, False, None),
    ("host", "ipmi_timeout", cfg.IntOpt, 5, None),
    ("host", "ipmi_retry_max", cfg.IntOpt, 3, None),
    ("host", "ipmi_retry_interval", cfg.IntOpt, 10, None),
    ("host", "stonith_wait", cfg.IntOpt, 30, None),
    ("host", "tcpdump_timeout", cfg.IntOpt, 5, None),
    ("host", "corosync_multicast_interfaces", cfg.ListOpt, None, None),
    ("host", "corosync_multicast_ports", cfg.ListOpt, None, None),
    ("host", "pacemaker_node_type", cfg.StrOpt, "autodetect",
     ("autodetect", "cluster", "remote")),
    ("consul", "agent_manage", cfg.StrOpt, None, None),
    ("consul", "agent_tenant", cfg.StrOpt, None, None),
    ("consul", "agent_storage", cfg.StrOpt, None, None),
    ("consul", "matrix_config_file", cfg.StrOpt, None, None),
    ("kubernetes", "monitoring_node_labels", cfg.StrOpt, "", None),
    ("callback", "retry_max", cfg.IntOpt, 12, None),
    ("callback", "retry_interval", cfg.IntOpt, 10, None),
    ("libvirt", "connection_uri", cfg.StrOpt, "qemu:///system", None),
    ("introspectiveinstancemonitor", "guest_monitoring_interval",
     cfg.IntOpt, 10, None),
    ("introspectiveinstancemonitor", "guest_monitoring_timeout",
     cfg.IntOpt, 2, None),
    ("introspectiveinstancemonitor", "guest_monitoring_failure_threshold",
     cfg.IntOpt, 3, None),
    ("introspectiveinstancemonitor", "qemu_guest_agent_sock_path",
     cfg.StrOpt, SOCK, None),
    ("process", "check_interval", cfg.IntOpt, 5, None),
    ("process", "restart_retries", cfg.IntOpt, 3, None),
    ("process", "restart_interval", cfg.IntOpt, 5, None),
    ("process", "api_retry_max", cfg.IntOpt, 12, None),
    ("process", "api_retry_interval", cfg.IntOpt, 10, None),
    ("process", "process_list_path", cfg.StrOpt,
     "/etc/masakarimonitors/process_list.yaml", None),
]

# Options of libraries (keystoneauth, oslo.privsep) the monitors document
# per group.
LIBRARY_OPTIONS = {
    "api": {"auth_type", "auth_section", "auth_url", "username", "user_id",
            "password", "project_name", "project_id", "project_domain_name",
            "project_domain_id", "user_domain_name", "user_domain_id",
            "domain_id", "domain_name", "system_scope", "trust_id",
            "default_domain_id", "default_domain_name", "cafile",
            "certfile", "keyfile", "insecure", "timeout", "collect_timing",
            "split_loggers"},
    "masakarimonitors_privileged": {
        "user", "group", "capabilities", "thread_pool_size",
        "helper_command", "logger_name", "log_daemon_traceback"},
}


def _registered() -> dict:
    found = {}
    for group, options in conf_opts.list_opts():
        name = getattr(group, "name", group)
        for opt in options:
            found[(name, opt.dest)] = opt
    return found


@pytest.mark.parametrize("group,name,kind,default,choices",
                         DOCUMENTED_OPTIONS,
                         ids=[f"{g}.{n}" for g, n, *_ in DOCUMENTED_OPTIONS])
def test_option_matches_its_documentation(group, name, kind, default,
                                          choices, make_conf):
    opt = _registered()[(group, name)]
    assert type(opt) is kind
    conf = make_conf()
    value = conf[name] if group == "DEFAULT" else conf[group][name]
    assert value == default
    if choices is None:
        assert not getattr(opt.type, "choices", None)
    else:
        assert tuple(opt.type.choices) == choices


@pytest.mark.parametrize("group", sorted(LIBRARY_OPTIONS))
def test_library_options_are_listed(group):
    names = {dest.replace("-", "_") for (g, dest) in _registered()
             if g == group}
    assert LIBRARY_OPTIONS[group] <= names


def test_library_defaults(make_conf):
    conf = make_conf()
    assert conf.api.auth_type == "password"
    assert conf.api.auth_section is None
    assert conf.api.insecure is False


def test_hostname_has_deprecated_alias_host():
    opt = _registered()[("DEFAULT", "hostname")]
    aliases = {(d.group, d.name) for d in opt.deprecated_opts}
    assert aliases == {(None, "host")}
    assert opt.sample_default == "<HOSTNAME>"


def test_corosync_ports_are_ports():
    opt = _registered()[("host", "corosync_multicast_ports")]
    assert isinstance(opt.type.item_type, types.Port)


def test_privsep_capabilities_default_empty():
    opt = _registered()[("masakarimonitors_privileged", "capabilities")]
    assert opt.default == []

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

import socket

from masakarimonitors.conf import opts


def test_defaults(make_conf):
    conf = make_conf()
    assert conf.hostname == socket.gethostname()
    assert conf.api.auth_type == "password"
    assert conf.api.region == "RegionOne"
    assert conf.api.api_interface == "public"
    assert (conf.callback.retry_max, conf.callback.retry_interval) == (12, 10)
    assert conf.libvirt.connection_uri == "qemu:///system"
    assert conf.process.process_list_path == (
        "/etc/masakarimonitors/process_list.yaml")
    assert (conf.process.check_interval, conf.process.restart_retries,
            conf.process.restart_interval) == (5, 3, 5)
    group = conf.introspectiveinstancemonitor
    assert (group.guest_monitoring_interval, group.guest_monitoring_timeout,
            group.guest_monitoring_failure_threshold) == (10, 2, 3)
    assert conf.instancemonitor_manager == (
        "masakarimonitors.instancemonitor.instance.InstancemonitorManager")


def test_deprecated_host_alias(make_conf):
    assert make_conf(DEFAULT={"host": "legacy"}).hostname == "legacy"


def test_spool_dir_follows_state_path(make_conf, tmp_path):
    conf = make_conf(DEFAULT={"state_path": str(tmp_path / "st")})
    assert conf.spool_dir == str(tmp_path / "st" / "spool")


def test_confs_do_not_leak_into_each_other(make_conf):
    first = make_conf(api={"auth_type": "none", "endpoint": "http://a/v1"})
    from keystoneauth1 import loading
    loading.load_auth_from_conf_options(first, "api")
    second = make_conf()
    assert not hasattr(second.api, "endpoint")


def test_list_opts_covers_every_group():
    names = {getattr(group, "name", group) for group, _ in opts.list_opts()}
    assert {"DEFAULT", "api", "callback", "libvirt", "process", "host",
            "introspectiveinstancemonitor", "consul", "kubernetes",
            "masakarimonitors_privileged"} <= names
    api = dict((getattr(g, "name", g), o) for g, o in opts.list_opts())["api"]
    api_names = {opt.name for opt in api}
    assert {"region", "api_interface", "auth-url",
            "password", "cafile", "insecure", "timeout"} <= api_names

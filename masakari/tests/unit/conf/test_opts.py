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

"""The options of spec api.md §18 and engine.md Appendix A, as registered."""

import os
import re
import subprocess
import sys

import pytest
from oslo_config import cfg

from masakari import conf as masakari_conf
from masakari.conf import opts

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__),
                                    '..', '..', '..', '..'))

# (group, name, expected default); the defaults are those of the contract,
# except where we deliberately changed them (noted).
EXPECTED = [
    ('DEFAULT', 'masakari_topic', 'ha_engine'),
    ('DEFAULT', 'notification_driver', 'taskflow_driver'),
    ('DEFAULT', 'duplicate_notification_detection_interval', 180),
    ('DEFAULT', 'wait_period_after_service_update', 180),
    ('DEFAULT', 'wait_period_after_evacuation', 90),
    ('DEFAULT', 'verify_interval', 1),
    ('DEFAULT', 'wait_period_after_power_off', 180),
    ('DEFAULT', 'wait_period_after_power_on', 60),
    ('DEFAULT', 'process_unfinished_notifications_interval', 120),
    ('DEFAULT', 'retry_notification_new_status_interval', 60),
    ('DEFAULT', 'check_expired_notifications_interval', 600),
    ('DEFAULT', 'notifications_expired_interval', 86400),
    # Deliberately 16 (upstream 3): evacuations run concurrently.
    ('DEFAULT', 'host_failure_recovery_threads', 16),
    # New: engine ownership leases, retries and concurrency.
    ('DEFAULT', 'notification_lease_period', 60),
    ('DEFAULT', 'max_concurrent_evacuations', 64),
    ('DEFAULT', 'notification_max_retries', 3),
    ('DEFAULT', 'notification_retry_backoff', 30),
    ('DEFAULT', 'notification_workers', 64),
    ('DEFAULT', 'evacuation_poll_interval', 0.5),
    ('host_failure', 'evacuate_all_instances', True),
    ('host_failure', 'ha_enabled_instance_metadata_key', 'HA_Enabled'),
    ('host_failure', 'ignore_instances_in_error_state', False),
    ('host_failure', 'add_reserved_host_to_aggregate', False),
    ('host_failure', 'service_disable_reason',
     'Masakari detected host failed.'),
    ('host_failure', 'force_down_fenced_host', True),
    ('host_failure', 'rollback_reserved_host', True),
    ('instance_failure', 'process_all_instances', False),
    ('instance_failure', 'ha_enabled_instance_metadata_key', 'HA_Enabled'),
    ('process_failure', 'service_disable_reason',
     'Masakari detected process failed.'),
    ('taskflow', 'connection', None),
    ('DEFAULT', 'engine_manager', 'masakari.engine.manager.MasakariManager'),
    ('DEFAULT', 'periodic_enable', True),
    ('DEFAULT', 'periodic_interval_max', 300),
    ('DEFAULT', 'periodic_fuzzy_delay', 60),
    ('DEFAULT', 'use_ssl', False),
    ('DEFAULT', 'masakari_api_listen', '0.0.0.0'),
    ('DEFAULT', 'masakari_api_listen_port', 15868),
    ('DEFAULT', 'masakari_api_workers', None),
    ('DEFAULT', 'nova_catalog_admin_info', 'compute:nova:publicURL'),
    ('DEFAULT', 'os_region_name', None),
    ('DEFAULT', 'nova_ca_certificates_file', None),
    ('DEFAULT', 'nova_api_insecure', False),
    ('DEFAULT', 'os_privileged_user_name', None),
    ('DEFAULT', 'os_privileged_user_password', None),
    ('DEFAULT', 'os_privileged_user_tenant', None),
    ('DEFAULT', 'os_privileged_user_auth_url', None),
    ('DEFAULT', 'os_user_domain_name', 'default'),
    ('DEFAULT', 'os_project_domain_name', 'default'),
    ('DEFAULT', 'os_system_scope', None),
    ('DEFAULT', 'cafile', None),
    ('DEFAULT', 'insecure', False),
    ('DEFAULT', 'timeout', None),
    ('DEFAULT', 'tempdir', None),
    ('DEFAULT', 'auth_strategy', 'keystone'),
    ('DEFAULT', 'use_forwarded_for', False),
    ('DEFAULT', 'osapi_max_limit', 1000),
    ('DEFAULT', 'osapi_masakari_link_prefix', None),
    # Deliberately 0 (upstream 5): duplicates are detected without a delay.
    ('DEFAULT', 'notification_delay_max', 0),
    ('coordination', 'backend_url', None),
    ('coordination', 'use_database_locks', True),
    ('osapi_v1', 'project_id_regex', None),
    ('wsgi', 'api_paste_config', 'api-paste.ini'),
    ('wsgi', 'secure_proxy_ssl_header', None),
    ('wsgi', 'ssl_ca_file', None),
    ('wsgi', 'ssl_cert_file', None),
    ('wsgi', 'ssl_key_file', None),
    ('wsgi', 'tcp_keepidle', 600),
    ('wsgi', 'default_pool_size', 1000),
    ('wsgi', 'max_header_line', 16384),
    ('wsgi', 'keep_alive', True),
    ('wsgi', 'client_socket_timeout', 900),
]

# Upstream options that nothing would read here: not registered (a file
# that still sets them loads; oslo.config ignores unknown options).
REMOVED = [
    ('DEFAULT', 'report_interval'),
    ('DEFAULT', 'service_down_time'),
    ('DEFAULT', 'monkey_patch'),
    ('DEFAULT', 'monkey_patch_modules'),
    ('DEFAULT', 'fatal_exception_format_errors'),
    ('DEFAULT', 'bindir'),
    ('osapi_v1', 'extensions_blacklist'),
    ('osapi_v1', 'extensions_whitelist'),
]

RECOVERY_FLOWS = {
    'host_auto_failure_recovery_tasks': {
        'pre': ['disable_compute_service_task'],
        'main': ['prepare_HA_enabled_instances_task'],
        'post': ['evacuate_instances_task']},
    'host_rh_failure_recovery_tasks': {
        'pre': ['disable_compute_service_task'],
        'main': ['prepare_HA_enabled_instances_task',
                 'evacuate_instances_task'],
        'post': []},
    'instance_failure_recovery_tasks': {
        'pre': ['stop_instance_task'],
        'main': ['start_instance_task'],
        'post': ['confirm_instance_active_task']},
    'process_failure_recovery_tasks': {
        'pre': ['disable_compute_node_task'],
        'main': ['confirm_compute_node_disabled_task'],
        'post': []},
}


@pytest.fixture
def conf():
    """A private ConfigOpts with every masakari option registered."""
    c = cfg.ConfigOpts()
    for module in masakari_conf.MODULES:
        module.register_opts(c)
    c([], project='masakari', default_config_files=[])
    yield c
    c.reset()


@pytest.mark.parametrize('group,name,default', EXPECTED,
                         ids=['%s.%s' % (g, n) for g, n, _ in EXPECTED])
def test_default(conf, group, name, default):
    section = conf if group == 'DEFAULT' else conf[group]
    assert section[name] == default


def test_default_database_is_embedded_sqlite(conf):
    assert conf.database.connection.startswith('sqlite:///')
    assert conf.database.connection.endswith('/masakari.sqlite')
    assert conf.database.connection[len('sqlite:///'):].startswith(
        conf.state_path)


def test_host_is_the_hostname(conf):
    import socket
    assert conf.host == socket.gethostname()


@pytest.mark.parametrize('name,value', sorted(RECOVERY_FLOWS.items()))
def test_recovery_flow_defaults(conf, name, value):
    assert conf.taskflow_driver_recovery_flows[name] == value


def test_shipped_custom_recovery_file_changes_nothing(tmp_path):
    c = cfg.ConfigOpts()
    for module in masakari_conf.MODULES:
        module.register_opts(c)
    c(['--config-file', os.path.join(
        REPO, 'etc', 'masakari', 'masakari-custom-recovery-methods.conf')],
      project='masakari')
    for name, value in RECOVERY_FLOWS.items():
        assert c.taskflow_driver_recovery_flows[name] == value


def test_braced_recovery_flow_is_rejected(tmp_path):
    f = tmp_path / 'flows.conf'
    f.write_text('[taskflow_driver_recovery_flows]\n'
                 "host_auto_failure_recovery_tasks = {pre:['a']}\n")
    c = cfg.ConfigOpts()
    for module in masakari_conf.MODULES:
        module.register_opts(c)
    c(['--config-file', str(f)], project='masakari')
    with pytest.raises(cfg.ConfigFileValueError):
        c.taskflow_driver_recovery_flows.host_auto_failure_recovery_tasks


# Values that would mean "wait forever", "busy loop" or a nonsense port are
# refused (upstream accepts them: engine.md W20).
NONSENSE = [
    ('DEFAULT', 'verify_interval', 0),
    ('DEFAULT', 'wait_period_after_evacuation', 0),
    ('DEFAULT', 'wait_period_after_service_update', -1),
    ('DEFAULT', 'wait_period_after_power_off', 0),
    ('DEFAULT', 'wait_period_after_power_on', -5),
    ('DEFAULT', 'host_failure_recovery_threads', 0),
    ('DEFAULT', 'duplicate_notification_detection_interval', -1),
    ('DEFAULT', 'notification_delay_max', -1),
    ('DEFAULT', 'masakari_api_listen_port', 0),
    ('DEFAULT', 'masakari_api_listen_port', 65536),
    ('DEFAULT', 'osapi_max_limit', 0),
    ('DEFAULT', 'process_unfinished_notifications_interval', 0),
    ('DEFAULT', 'notification_lease_period', 5),
    ('DEFAULT', 'evacuation_poll_interval', 0),
]


@pytest.mark.parametrize('group,name,value', NONSENSE,
                         ids=['%s=%s' % (n, v) for _, n, v in NONSENSE])
def test_nonsense_values_rejected(tmp_path, group, name, value):
    f = tmp_path / 'm.conf'
    f.write_text('[%s]\n%s = %s\n' % (group, name, value))
    c = cfg.ConfigOpts()
    for module in masakari_conf.MODULES:
        module.register_opts(c)
    c(['--config-file', str(f)], project='masakari')
    section = c if group == 'DEFAULT' else c[group]
    with pytest.raises(cfg.ConfigFileValueError):
        section[name]


def test_every_module_option_is_listed_for_the_generator():
    listed = {(getattr(g, 'name', g), o.dest)
              for g, group_opts in opts.list_opts() for o in group_opts}
    for group, name, _ in EXPECTED:
        if (group, name) in (('DEFAULT', 'cafile'), ('DEFAULT', 'insecure'),
                             ('DEFAULT', 'timeout')):
            continue
        assert (group, name) in listed, (group, name)
    flows = {o.dest for _, group_opts in opts.list_recovery_workflow_opts()
             for o in group_opts}
    assert flows == set(RECOVERY_FLOWS)


def test_deprecations():
    by_name = {o.dest: o for _, group_opts in opts.list_opts()
               for o in group_opts}
    assert by_name['masakari_topic'].deprecated_for_removal
    assert by_name['use_forwarded_for'].deprecated_for_removal
    assert by_name['retry_notification_new_status_interval'].mutable


def test_sample_generator_writes_every_option(tmp_path):
    out = tmp_path / 'masakari.conf.sample'
    subprocess.run(
        [sys.executable, '-m', 'oslo_config.generator',
         '--config-file',
         os.path.join(REPO, 'etc', 'masakari',
                      'masakari-config-generator.conf'),
         '--output-file', str(out)],
        check=True, cwd=REPO, capture_output=True)
    text = out.read_text()
    sections = {}
    current = None
    for line in text.splitlines():
        if line.startswith('[') and line.endswith(']'):
            current = line[1:-1]
        elif current and re.match(r'^#\w+ =', line):
            sections.setdefault(current, set()).add(
                line[1:].split(' =')[0])
    for group, name, _ in EXPECTED:
        assert name in sections.get(group, set()), (group, name)
    assert 'connection' in sections['database']
    assert 'transport_url' in sections['DEFAULT']
    assert '#connection = sqlite:///$state_path/masakari.sqlite' in text


def test_removed_options_are_gone_and_old_files_still_load(tmp_path):
    listed = {(getattr(g, 'name', g), o.dest)
              for g, group_opts in opts.list_opts() for o in group_opts}
    assert not listed & set(REMOVED)
    f = tmp_path / 'old.conf'
    f.write_text('[DEFAULT]\nmonkey_patch = true\nreport_interval = 5\n'
                 '[osapi_v1]\nextensions_blacklist = a,b\n')
    c = cfg.ConfigOpts()
    for module in masakari_conf.MODULES:
        module.register_opts(c)
    c(['--config-file', str(f)], project='masakari')
    assert c.osapi_max_limit == 1000

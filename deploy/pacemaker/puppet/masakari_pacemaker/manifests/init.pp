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

# @summary masakari-api and masakari-engine as Pacemaker resources, through
#   deploy/pacemaker/masakari-pcmk of a masakari checkout or package.
#
# Declare it on every controller: each one installs the OCF agents; the
# resources are created once (by whichever node gets there first) and
# replaced when the options change.
#
# @param pcmk Path of masakari-pcmk.
# @param ensure present: install and set up; absent: tear down.
# @param resource_class ocf (the agents) or systemd (deploy/systemd units).
# @param config masakari.conf of both services.
# @param user User the services run as (ocf only; the agent's default when
#   undef).
# @param api_binary, engine_binary Executables (ocf only).
# @param api_port Port of masakari-api, for its monitor (ocf only).
# @param engine clone (an engine on every node) or single.
# @param monitor_interval Seconds between monitors.
# @param wait Seconds setup and teardown wait for the cluster.
# @param state_file Where the current options are kept; a change of it
#   runs setup again.
# @param ocf_root Where the agents go (ocf only).
class masakari_pacemaker (
  String[1] $pcmk = '/opt/masakari/src/deploy/pacemaker/masakari-pcmk',
  Enum['present', 'absent'] $ensure = 'present',
  Enum['ocf', 'systemd'] $resource_class = 'ocf',
  String[1] $config = '/etc/masakari/masakari.conf',
  Optional[String[1]] $user = undef,
  String[1] $api_binary = '/opt/masakari/venv/bin/masakari-api',
  String[1] $engine_binary = '/opt/masakari/venv/bin/masakari-engine',
  Integer[1, 65535] $api_port = 15868,
  Enum['clone', 'single'] $engine = 'clone',
  Integer[1] $monitor_interval = 10,
  Integer[0] $wait = 120,
  String[1] $state_file = '/etc/masakari/pacemaker-resources.args',
  String[1] $ocf_root = '/usr/lib/ocf',
) {
  $path = ['/usr/sbin', '/usr/bin', '/sbin', '/bin']
  $exists = "cibadmin --query --xpath \"/cib/configuration/resources/clone[@id='masakari-api-clone']\""

  if $ensure == 'absent' {
    exec { 'masakari-pcmk teardown':
      command => "${shellquote($pcmk)} teardown --wait ${wait}",
      onlyif  => $exists,
      path    => $path,
      timeout => $wait * 3 + 60,
    }
  } else {
    $ocf_args = $resource_class ? {
      'ocf'   => ['--config', $config, '--api-binary', $api_binary,
                  '--engine-binary', $engine_binary,
                  '--api-port', String($api_port)] + ($user ? {
                    undef   => [],
                    default => ['--user', $user],
                  }),
      default => [],
    }
    $args = ['--class', $resource_class, '--engine', $engine,
              '--monitor-interval', String($monitor_interval),
              '--wait', String($wait)] + $ocf_args
    $setup = "${shellquote([$pcmk] + $args)} setup"

    if $resource_class == 'ocf' {
      exec { 'masakari-pcmk install':
        command => "${shellquote($pcmk, '--ocf-root', $ocf_root)} install",
        creates => "${ocf_root}/resource.d/masakari/engine",
        path    => $path,
        before  => [Exec['masakari-pcmk setup'], Exec['masakari-pcmk setup (options changed)']],
      }
    }
    file { $state_file:
      ensure  => file,
      mode    => '0644',
      content => "${setup}\n",
    }
    # Replaced when the options change (checked first, so that the very
    # first run creates them once)...
    exec { 'masakari-pcmk setup (options changed)':
      command     => "${setup} --no-install",
      refreshonly => true,
      onlyif      => $exists,
      subscribe   => File[$state_file],
      path        => $path,
      timeout     => $wait * 2 + 60,
      before      => Exec['masakari-pcmk setup'],
    }
    # ... and created when missing.
    exec { 'masakari-pcmk setup':
      command => "${setup} --no-install",
      unless  => $exists,
      path    => $path,
      timeout => $wait * 2 + 60,
      require => File[$state_file],
    }
  }
}

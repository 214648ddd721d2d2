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

"""Test doubles for the host monitor: crm_mon documents, a scripted
command runner and a configuration object."""

from __future__ import annotations

import dataclasses
from xml.sax.saxutils import quoteattr

from oslo_config import cfg

from masakarimonitors.conf import consul as consul_conf
from masakarimonitors.conf import host as host_conf
from masakarimonitors.conf import kubernetes as kubernetes_conf
from masakarimonitors.hostmonitor import commands


def make_conf(config_file: str | None = None,
              **host_overrides) -> cfg.ConfigOpts:
    conf = cfg.ConfigOpts()
    conf.register_opt(cfg.StrOpt("hostname", default="node1"))
    for module in (host_conf, consul_conf, kubernetes_conf):
        module.register_opts(conf)
    conf([], project="masakarimonitors-test",
         default_config_files=[config_file] if config_file else [],
         default_config_dirs=[])
    for name, value in host_overrides.items():
        conf.set_override(name, value, group="host")
    return conf


@dataclasses.dataclass
class N:
    """A node line of crm_mon XML."""
    name: str
    kind: str = "member"
    online: bool = True
    unclean: bool = False
    standby: bool = False
    maintenance: bool = False
    shutdown: bool = False
    expected_up: bool = True


def _b(value: bool) -> str:
    return "true" if value else "false"


def crm_mon_xml(*nodes: N, dc: str | None = "node1", quorum: bool = True,
                maintenance_mode: bool = False, legacy: bool = False,
                attributes: dict | None = None) -> str:
    """attributes: node name -> {attribute name: value}."""
    if dc is None:
        current_dc = '<current_dc present="false"/>'
    else:
        current_dc = ('<current_dc present="true" name=%s with_quorum="%s"/>'
                      % (quoteattr(dc), _b(quorum)))
    lines = []
    for n in nodes:
        lines.append(
            '<node name=%s id=%s online="%s" standby="%s" maintenance="%s" '
            'unclean="%s" shutdown="%s" expected_up="%s" is_dc="%s" '
            'type="%s"/>' % (
                quoteattr(n.name), quoteattr(n.name), _b(n.online),
                _b(n.standby), _b(n.maintenance), _b(n.unclean),
                _b(n.shutdown), _b(n.expected_up), _b(n.name == dc),
                n.kind))
    root_open = ('<crm_mon version="2.1.5">' if legacy else
                 '<pacemaker-result api-version="2.25">')
    root_close = "</crm_mon>" if legacy else "</pacemaker-result>"
    status = "" if legacy else '<status code="0" message="OK"/>'
    attrs = "".join(
        "<node name=%s>%s</node>" % (quoteattr(node), "".join(
            "<attribute name=%s value=%s/>" % (quoteattr(k), quoteattr(str(v)))
            for k, v in pairs.items()))
        for node, pairs in (attributes or {}).items())
    return (f'{root_open}<summary>{current_dc}'
            f'<cluster_options maintenance-mode="{_b(maintenance_mode)}"/>'
            f'</summary><nodes>{"".join(lines)}</nodes>'
            f'<node_attributes>{attrs}</node_attributes>{status}{root_close}')


def history_xml(*events: tuple) -> str:
    """events: (target, action, status, completed 'YYYY-MM-DD HH:MM:SSZ')."""
    body = "".join(
        '<fence_event target="%s" action="%s" status="%s" completed="%s"/>'
        % e for e in events)
    return ('<pacemaker-result><list name="fencing history">%s</list>'
            '<status code="0" message="OK"/></pacemaker-result>' % body)


class ScriptedRunner:
    """Answers commands by their first words; records every call."""

    def __init__(self) -> None:
        self.calls: list[tuple[tuple[str, ...], dict]] = []
        self.answers: dict[tuple[str, ...], commands.Result] = {}

    def set(self, prefix: tuple[str, ...], stdout: str = "", rc: int = 0,
            stderr: str = "") -> None:
        self.answers[tuple(prefix)] = commands.Result(rc, stdout, stderr)

    def __call__(self, argv, *, root=False, env=None, timeout=30.0):
        argv = tuple(argv)
        self.calls.append((argv, {"root": root, "env": env,
                                  "timeout": timeout}))
        best = None
        for prefix, result in self.answers.items():
            if argv[:len(prefix)] == prefix and (
                    best is None or len(prefix) > len(best[0])):
                best = (prefix, result)
        if best is None:
            return commands.Result(127, "", f"unexpected command {argv}")
        return best[1]

    def ran(self, first: str) -> list[tuple[str, ...]]:
        return [argv for argv, _ in self.calls if argv[0] == first]


class Clock:
    def __init__(self, start: float = 1_800_000_000.0) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds

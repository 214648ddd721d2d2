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

"""CIB documents for ``CIB_file``-driven runs of the real Pacemaker tools.

Member states: online, down (clean shutdown), failed (left without
shutting down). Remote states: online (connection resource running on the
DC), failed (its monitor failed), down (connection resource disabled).
"""

from __future__ import annotations

_MEMBER_STATE = {
    "online": 'in_ccm="true" crmd="online" join="member" expected="member"',
    "down": 'in_ccm="false" crmd="offline" join="down" expected="down"',
    "failed": 'in_ccm="false" crmd="offline" join="down" expected="member"',
}
_REMOTE_NODE_STATE = {
    "online": 'in_ccm="true" crmd="online"',
    "failed": 'in_ccm="true" crmd="online"',
    "down": 'in_ccm="false" crmd="offline"',
}
_KEY = "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee"


def _op(rsc: str, name: str, call: int, rc: int, interval: int,
        on: str) -> str:
    return (
        f'<lrm_rsc_op id="{rsc}_{name}_{call}" '
        f'operation_key="{rsc}_{name}_{interval}" operation="{name}" '
        f'crm-debug-origin="test" crm_feature_set="3.16.1" '
        f'transition-key="{call}:1:0:{_KEY}" '
        f'transition-magic="0:{rc};{call}:1:0:{_KEY}" exit-reason="" '
        f'on_node="{on}" call-id="{call}" rc-code="{rc}" op-status="0" '
        f'interval="{interval}" last-rc-change="1700000000" exec-time="0" '
        f'queue-time="0" op-digest="x"/>')


def _remote_history(name: str, state: str, dc: str, call: int) -> str:
    if state == "down":
        return ""
    ops = _op(name, "start", call, 0, 0, dc)
    if state == "failed":
        ops += _op(name, "monitor", call + 1, 1, 30000, dc)
    return (f'<lrm_resource id="{name}" type="remote" class="ocf" '
            f'provider="pacemaker">{ops}</lrm_resource>')


def _attrs(owner: str, pairs: dict) -> str:
    if not pairs:
        return ""
    body = "".join(f'<nvpair id="{owner}-{k}" name="{k}" value="{v}"/>'
                   for k, v in pairs.items())
    return f'<instance_attributes id="{owner}-ia">{body}</instance_attributes>'


def _transient(node_id: str, pairs: dict | None) -> str:
    if not pairs:
        return ""
    body = "".join(f'<nvpair id="status-{node_id}-{k}" name="{k}" '
                   f'value="{v}"/>' for k, v in pairs.items())
    return (f'<transient_attributes id="{node_id}"><instance_attributes '
            f'id="status-{node_id}">{body}</instance_attributes>'
            f'</transient_attributes>')


def build(members: dict[str, str], remotes: dict[str, str] | None = None,
          *, dc: str = "node1", quorum: bool = True, stonith: bool = True,
          standby: tuple = (), maintenance: tuple = (),
          maintenance_mode: bool = False, extra_resources: str = "",
          transient: dict[str, dict] | None = None) -> str:
    """transient: node name -> transient attributes (status section)."""
    remotes = remotes or {}
    transient = transient or {}
    ids = {name: str(i) for i, name in enumerate(members, start=1)}
    node_defs = "".join(
        f'<node id="{ids[n]}" uname="{n}">'
        + _attrs(n, {**({"standby": "on"} if n in standby else {}),
                     **({"maintenance": "true"} if n in maintenance
                        else {})})
        + "</node>" for n in members)
    node_defs += "".join(
        f'<node id="{r}" uname="{r}" type="remote">'
        + _attrs(r, {**({"standby": "on"} if r in standby else {}),
                     **({"maintenance": "true"} if r in maintenance
                        else {})})
        + "</node>" for r in remotes if r in standby or r in maintenance)
    resources = "".join(
        f'<primitive id="{r}" class="ocf" provider="pacemaker" '
        f'type="remote">'
        + (f'<meta_attributes id="{r}-meta"><nvpair id="{r}-tr" '
           f'name="target-role" value="Stopped"/></meta_attributes>'
           if state == "down" else "")
        + "</primitive>" for r, state in remotes.items())
    history = "".join(_remote_history(r, s, dc, 10 * i)
                      for i, (r, s) in enumerate(remotes.items(), start=1))
    states = []
    for n, state in members.items():
        lrm = (f'<lrm id="{ids[n]}"><lrm_resources>{history}'
               f'</lrm_resources></lrm>' if n == dc and history else "")
        states.append(f'<node_state id="{ids[n]}" uname="{n}" '
                      f'{_MEMBER_STATE[state]}>'
                      f'{_transient(ids[n], transient.get(n))}{lrm}'
                      f'</node_state>')
    for r, state in remotes.items():
        states.append(f'<node_state id="{r}" uname="{r}" remote_node="true" '
                      f'{_REMOTE_NODE_STATE[state]}>'
                      f'{_transient(r, transient.get(r))}</node_state>')
    options = {"stonith-enabled": "true" if stonith else "false",
               "maintenance-mode": "true" if maintenance_mode else "false"}
    crm_config = "".join(
        f'<nvpair id="opt-{k}" name="{k}" value="{v}"/>'
        for k, v in options.items())
    return (
        f'<cib crm_feature_set="3.16.1" validate-with="pacemaker-3.9" '
        f'epoch="5" num_updates="0" admin_epoch="0" '
        f'have-quorum="{1 if quorum else 0}" dc-uuid="{ids[dc]}">'
        f'<configuration><crm_config><cluster_property_set id="opts">'
        f'{crm_config}</cluster_property_set></crm_config>'
        f'<nodes>{node_defs}</nodes>'
        f'<resources>{resources}{extra_resources}</resources>'
        f'<constraints/></configuration>'
        f'<status>{"".join(states)}</status></cib>')

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

"""A real single-node corosync + Pacemaker cluster on 127.0.0.1.

Machine-wide state: Pacemaker's IPC names and /var/lib/pacemaker are fixed,
so only one such cluster can run at a time and it needs root. The CIB is
seeded so that the node becomes DC within seconds (dc-deadtime 2s, fencing
disabled). Peers are simulated by writing node and node_state entries into
the live CIB with cibadmin; fencing history entries come from
``stonith_admin --confirm``.
"""

from __future__ import annotations

import contextlib
import fcntl
import glob
import os
import shutil
import subprocess

from masakarimonitors.testing import daemon
from masakarimonitors.testing import helpers

STATE_GLOBS = ("/var/lib/pacemaker/cib/*", "/var/lib/pacemaker/pengine/*",
               "/var/lib/corosync/ringid_*")
CIB_PATH = "/var/lib/pacemaker/cib/cib.xml"

COROSYNC_CONF = """totem {{
  version: 2
  cluster_name: masakaritest
  transport: knet
  crypto_cipher: none
  crypto_hash: none
}}
nodelist {{
  node {{
    name: {name}
    nodeid: 1
    ring0_addr: 127.0.0.1
  }}
}}
quorum {{
  provider: corosync_votequorum
}}
logging {{
  to_stderr: yes
  to_logfile: no
  to_syslog: no
}}
"""

MEMBER_STATES = {
    "online": 'in_ccm="true" crmd="online" join="member" expected="member"',
    "down": 'in_ccm="false" crmd="offline" join="down" expected="down"',
    "failed": 'in_ccm="false" crmd="offline" join="down" expected="member"',
}


class ClusterError(RuntimeError):
    pass


def _run(*argv: str, env: dict | None = None, timeout: float = 30
         ) -> subprocess.CompletedProcess:
    return subprocess.run(argv, capture_output=True, text=True, timeout=timeout,
                          env={**os.environ, **(env or {})}, check=False)


LOCK_PATH = "/run/lock/masakari-test-pacemaker.lock"


@contextlib.contextmanager
def machine_lock(timeout: float, path: str = LOCK_PATH):
    """Serialise cluster users across test processes (pytest-xdist
    workers): the cluster's state is machine-wide."""
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        helpers.wait_until(lambda: _try_lock(f), timeout,
                           "the Pacemaker test lock", interval=0.5,
                           error=ClusterError)
        try:
            yield
        finally:
            fcntl.flock(f, fcntl.LOCK_UN)


def _try_lock(f) -> bool:
    try:
        fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


def already_running() -> bool:
    return any(_run("pgrep", "-x", name).returncode == 0
               for name in ("corosync", "pacemakerd"))


class LocalCluster:
    def __init__(self, workdir: str, node_name: str) -> None:
        self.workdir = workdir
        self.node_name = node_name
        self._procs: list[subprocess.Popen] = []
        self._logs: list = []

    # -- lifecycle --------------------------------------------------------

    def start(self, timeout: float = 60) -> None:
        self._clean_state()
        self._seed_cib()
        conf = os.path.join(self.workdir, "corosync.conf")
        with open(conf, "w") as f:
            f.write(COROSYNC_CONF.format(name=self.node_name))
        self._spawn("corosync", "corosync", "-f", "-c", conf)
        helpers.wait_until(
            lambda: _run("corosync-quorumtool", "-s").returncode == 0,
            20, "corosync quorum", interval=0.2, error=ClusterError)
        self._spawn("pacemakerd", "pacemakerd")
        helpers.wait_until(self._is_dc, timeout, "Pacemaker to elect a DC",
                           interval=0.2, error=ClusterError)

    def stop(self) -> None:
        # Reverse order: pacemakerd (its children follow), then corosync.
        for proc in reversed(self._procs):
            daemon.terminate(proc)
        self._procs.clear()
        for log in self._logs:
            log.close()
        self._logs.clear()
        self._clean_state()

    def _spawn(self, label: str, *argv: str) -> None:
        log = open(os.path.join(self.workdir, label + ".log"), "w")
        self._logs.append(log)
        self._procs.append(subprocess.Popen(argv, stdout=log,
                                            stderr=subprocess.STDOUT))

    @staticmethod
    def _clean_state() -> None:
        for pattern in STATE_GLOBS:
            for path in glob.glob(pattern):
                if os.path.isdir(path):
                    shutil.rmtree(path, ignore_errors=True)
                else:
                    os.unlink(path)

    def _seed_cib(self) -> None:
        seed = os.path.join(self.workdir, "seed.xml")
        with open(seed, "w") as f:
            f.write(_run("cibadmin", "--empty").stdout)
        for name, value in (("dc-deadtime", "2s"),
                            ("stonith-enabled", "false")):
            result = _run("crm_attribute", "--type", "crm_config", "--name",
                          name, "--update", value, env={"CIB_file": seed})
            if result.returncode:
                raise ClusterError(result.stderr)
        shutil.copyfile(seed, CIB_PATH)
        shutil.chown(CIB_PATH, "hacluster", "haclient")
        os.chmod(CIB_PATH, 0o600)

    def _is_dc(self) -> bool:
        out = _run("crm_mon", "--output-as=xml", "-1").stdout
        return (f'name="{self.node_name}"' in out and 'is_dc="true"' in out
                and 'with_quorum="true"' in out)

    # -- simulated peers --------------------------------------------------

    def set_peer(self, name: str, node_id: str, state: str) -> None:
        """Create or update a simulated full member."""
        _run("cibadmin", "--create", "-o", "nodes", "-X",
             f'<node id="{node_id}" uname="{name}"/>')
        xml = (f'<node_state id="{node_id}" uname="{name}" '
               f'{MEMBER_STATES[state]}/>')
        result = _run("cibadmin", "--modify", "--allow-create", "-o",
                      "status", "-X", xml)
        if result.returncode:
            raise ClusterError(result.stderr)

    def confirm_fenced(self, name: str) -> None:
        result = _run("stonith_admin", "--confirm", name)
        if result.returncode:
            raise ClusterError(result.stderr)

    def peer_online(self, name: str) -> bool | None:
        out = _run("crm_mon", "--output-as=xml", "-1").stdout
        for line in out.splitlines():
            if f'<node name="{name}"' in line:
                return 'online="true"' in line
        return None

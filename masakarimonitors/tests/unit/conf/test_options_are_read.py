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

"""Every registered monitors option is read by some code.

An option that nothing reads is documented in the sample configuration
but has no effect, which misleads operators. The check is textual: the
non-test sources outside the option definitions must access the option as
an attribute (``.name``) or name it in a string (``"name"``, used with
``conf[...]`` lookups).
"""

import pathlib
import re

from masakarimonitors.conf import opts as conf_opts

PACKAGE = pathlib.Path(__file__).resolve().parents[3]

# Options that libraries read from the group they were registered in, not
# the monitors' own code.
LIBRARY_READ = {
    # keystoneauth's session and auth plugin options: loaded by
    # ks_loading.load_session_from_conf_options / load_auth_from_conf_options
    # in common/client.py.
    "api": {"auth_type", "auth_section", "auth_url", "username", "user_id",
            "password", "project_name", "project_id",
            "project_domain_name", "project_domain_id", "user_domain_name",
            "user_domain_id", "domain_id", "domain_name", "system_scope",
            "trust_id", "default_domain_id", "default_domain_name",
            "cafile", "certfile", "keyfile", "insecure", "collect_timing",
            "split_loggers", "tls_ciphers", "tls_min_version"},
    # oslo.privsep reads its context's group when it starts the daemon.
    "masakarimonitors_privileged": {
        "user", "group", "capabilities", "thread_pool_size",
        "helper_command", "logger_name", "log_daemon_traceback"},
}


def _sources() -> str:
    texts = []
    for path in sorted(PACKAGE.rglob("*.py")):
        relative = path.relative_to(PACKAGE).parts
        if relative[0] in ("tests", "conf"):
            continue
        texts.append(path.read_text(encoding="utf-8"))
    return "\n".join(texts)


def _is_read(name: str, source: str) -> bool:
    pattern = (rf"\.{re.escape(name)}\b|"
               rf"[\"']{re.escape(name)}[\"']")
    return re.search(pattern, source) is not None


def test_every_registered_option_is_read():
    source = _sources()
    unread = []
    for group, options in conf_opts.list_opts():
        group_name = getattr(group, "name", group)
        allowed = LIBRARY_READ.get(group_name, set())
        for opt in options:
            if opt.dest in allowed:
                continue
            if not _is_read(opt.dest, source):
                unread.append(f"[{group_name}] {opt.dest}")
    assert not unread, ("registered but never read: " + ", ".join(unread))


def test_library_exceptions_are_still_registered():
    """A stale exception would hide an option that is no longer read."""
    registered = {}
    for group, options in conf_opts.list_opts():
        registered[getattr(group, "name", group)] = {o.dest for o in options}
    for group_name, names in LIBRARY_READ.items():
        assert names <= registered[group_name], group_name


def test_the_check_sees_an_unread_option():
    assert not _is_read("no_such_option_anywhere", _sources())
    assert _is_read("connection_uri", _sources())

#!/usr/bin/env bash
# The one command that runs the whole test suite on a fresh Debian machine.
#
# It installs what the tests need (Debian packages via apt-get when run as
# root, Python packages into a virtualenv), starts private loopback-only
# MariaDB, PostgreSQL and RabbitMQ instances, runs pytest over every test of
# both packages and of the Juju charms (pytest.ini's testpaths) and tears
# the services down again.
#
# Environment:
#   VENV                 virtualenv to use/create (default: .venv)
#   PYTEST_ADDOPTS       extra pytest arguments
#   PYTEST_WORKERS       pytest-xdist workers (default 2; 0 = no xdist)
#   MASAKARI_TEST_SKIP_SERVICES=1  do not start the real services (SQLite only)
#   MASAKARI_TEST_OPENSTACK=0      skip the real OpenStack tier (default: run
#                                  it unless the services are skipped)
#   MASAKARI_TEST_OPENSTACK_ARGS   pytest arguments of that tier (split on spaces)
#
# The real OpenStack tier (masakari/tests/functional/real) runs as a phase
# of its own after the main run: it installs a real Keystone, Placement and
# Nova into their own virtualenv (tools/openstack-bed/), starts them, runs
# the tier's tests against them and stops them again.
set -euo pipefail

TOP=$(cd "$(dirname "$0")/.." && pwd)
cd "$TOP"
VENV=${VENV:-$TOP/.venv}

# Debian packages: database servers and RabbitMQ for the functional tests,
# libvirt (headers for libvirt-python, libvirtd and qemu for the instance
# monitors and the BMC emulators), the Pacemaker/Corosync tools for the host
# monitor, ipmitool and the fence agents (fence_ipmilan, fence_redfish: one
# package, fence-agents, in Debian 12) for the fencing tests.
DEB_PACKAGES=(
    mariadb-server postgresql rabbitmq-server
    libvirt-dev pkg-config libvirt-daemon-system qemu-system-x86
    pacemaker corosync pacemaker-cli-utils ipmitool fence-agents
    systemd  # systemd-analyze verify of deploy/systemd
    libxml2-utils  # xmllint: ocf-tester's meta-data check of deploy/pacemaker
    puppet  # the Puppet class of deploy/pacemaker (parser validate, apply)
    python3-venv  # the venv the os_masakari Ansible role builds (deploy/ansible)
)

if [ "$(id -u)" = 0 ]; then
    tools/test-services.sh install "${DEB_PACKAGES[@]}"
fi

if [ ! -x "$VENV/bin/python" ]; then
    python3 -m venv "$VENV"
fi
"$VENV/bin/pip" install -q --upgrade pip >/dev/null 2>&1 || true
echo "[run-tests] pip install"
"$VENV/bin/pip" install -q -r requirements.txt -r test-requirements.txt
if pkg-config --exists libvirt 2>/dev/null; then
    # virtualbmc (IPMI BMC emulator of the fencing tests) needs
    # libvirt-python, so it comes with it.
    "$VENV/bin/pip" install -q libvirt-python 'virtualbmc>=3.0.0'
fi
"$VENV/bin/pip" install -q -e .

if [ "${MASAKARI_TEST_SKIP_SERVICES:-0}" != 1 ]; then
    # Quietly: pytest's summary (the test counts) stays the closing line.
    trap 'tools/test-services.sh stop >/dev/null 2>&1' EXIT
    tools/test-services.sh start
    # shellcheck disable=SC1091
    . .test-services/env
    # In this harness every backend must be there: a missing one fails the
    # tests instead of skipping them.
    export MASAKARI_TEST_REQUIRE_BACKENDS=1
fi

OPENSTACK=${MASAKARI_TEST_OPENSTACK:-1}
[ "${MASAKARI_TEST_SKIP_SERVICES:-0}" = 1 ] && OPENSTACK=${MASAKARI_TEST_OPENSTACK:-0}

export PATH="$VENV/bin:$PATH"
set +e
# Two workers by default (CI machines have two cores); PYTEST_WORKERS=0 runs
# everything in one process. The real tier has its own phase below.
"$VENV/bin/python" -m pytest -p no:cacheprovider -n "${PYTEST_WORKERS:-2}" \
    --ignore=masakari/tests/functional/real "$@"
rc=$?
if [ "$OPENSTACK" = 1 ]; then
    # Installs and starts the bed, runs the tier (a missing bed fails it),
    # stops the bed.
    echo "[run-tests] real OpenStack tier"
    # shellcheck disable=SC2086
    MASAKARI_VENV=$VENV tools/openstack-bed/bed.sh test ${MASAKARI_TEST_OPENSTACK_ARGS:-}
    real_rc=$?
    [ $rc = 0 ] && rc=$real_rc
fi
set -e
exit $rc

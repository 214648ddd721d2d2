#!/usr/bin/env bash
# The OpenStack test bed: a real Keystone, Placement and Nova (fake virt
# driver) on loopback, for masakari's real tier (see README.rst here).
#
#   tools/openstack-bed/bed.sh install          create the bed's own virtualenv
#   tools/openstack-bed/bed.sh start [--computes N]
#   tools/openstack-bed/bed.sh stop             stop exactly what start started
#   tools/openstack-bed/bed.sh kill-compute HOST | start-compute HOST
#   tools/openstack-bed/bed.sh test [pytest args]
#                            install, start, run masakari's real tier
#                            (masakari/tests/functional/real), stop
#
# Environment: MASAKARI_BED_VENV (default .openstack-venv),
# MASAKARI_BED_DIR (default .openstack-bed; start writes $DIR/env).
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
TOP=$(cd "$HERE/../.." && pwd)
VENV=${MASAKARI_BED_VENV:-$TOP/.openstack-venv}
PY=${PYTHON:-python3}

case ${1:-} in
    install)
        # Nova needs eventlet: it lives in this virtualenv only, never in
        # masakari's.
        if [ ! -x "$VENV/bin/python" ]; then "$PY" -m venv "$VENV"; fi
        "$VENV/bin/pip" install -q -c "$HERE/constraints.txt" \
            keystone==30.0.0 openstack-placement==16.0.0 nova==34.0.0 \
            uwsgi psycopg2-binary
        ;;
    test)
        shift
        "$0" install
        trap '"$0" stop >/dev/null 2>&1' EXIT
        "$0" start
        MASAKARI_TEST_OPENSTACK_BED=1 MASAKARI_TEST_REQUIRE_BACKENDS=1 \
            "${MASAKARI_VENV:-$TOP/.venv}/bin/python" -m pytest \
            -p no:cacheprovider "$TOP/masakari/tests/functional/real" "$@"
        ;;
    *)
        exec "$PY" "$HERE/bed.py" --venv "$VENV" "$@"
        ;;
esac

#!/usr/bin/env bash
# Start masakari all-in-one on the embedded defaults: masakari-api and
# masakari-engine in one process, SQLite under ./.aio/, in-process messaging,
# noauth2, and the cloud simulator standing in for Keystone and Nova (unless
# --no-simulator or a real Nova is configured). Prints the endpoint and how to
# use it from the openstack CLI. `--demo` also registers the simulator's hosts,
# fails one and shows the recovery finishing (it can be run again and again).
#
# Creates/updates the virtualenv .venv first (set VENV to use another one).
set -euo pipefail
TOP=$(cd "$(dirname "$0")/.." && pwd)
cd "$TOP"
VENV=${VENV:-$TOP/.venv}
if [ ! -x "$VENV/bin/python" ]; then
    echo "[all-in-one] creating the virtualenv $VENV"
    python3 -m venv "$VENV"
fi
if ! "$VENV/bin/python" -c 'import masakari.cmd.all_in_one, openstackclient, masakariclient' 2>/dev/null; then
    echo "[all-in-one] installing masakari and the openstack CLI into $VENV" \
         "(first run: a minute or two)"
    "$VENV/bin/pip" install --progress-bar off -r requirements.txt \
        python-openstackclient python-masakariclient 2>&1 |
        grep -E '^(Collecting|Successfully installed)' |
        sed -e 's/^/[all-in-one]   /' || true
    "$VENV/bin/pip" install -q -e .
    echo "[all-in-one] installed"
fi
exec "$VENV/bin/python" -m masakari.cmd.all_in_one "$@"

#!/usr/bin/env bash
# Start masakari all-in-one on the embedded defaults: masakari-api and
# masakari-engine in one process, SQLite under ./.aio/, in-process messaging,
# noauth2. Prints the endpoint. `--demo` also starts the cloud simulator,
# registers its hosts, fails one and shows the recovery finishing.
#
# Creates/updates the virtualenv .venv first (set VENV to use another one).
set -euo pipefail
TOP=$(cd "$(dirname "$0")/.." && pwd)
cd "$TOP"
VENV=${VENV:-$TOP/.venv}
if [ ! -x "$VENV/bin/python" ]; then
    python3 -m venv "$VENV"
fi
if ! "$VENV/bin/python" -c 'import masakari.cmd.all_in_one' 2>/dev/null; then
    "$VENV/bin/pip" install -q -r requirements.txt
    "$VENV/bin/pip" install -q -e .
fi
exec "$VENV/bin/python" -m masakari.cmd.all_in_one "$@"

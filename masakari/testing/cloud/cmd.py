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

"""``masakari-cloud-simulator``: run the simulated cloud by hand.

It prints the Keystone URL and the admin credentials, then serves until
interrupted (Ctrl-C / SIGTERM).
"""

from __future__ import annotations

import argparse
import json
import sys
import threading

from masakari.common import signals
from masakari import version
from masakari.testing.cloud import builder
from masakari.testing.cloud.compute_model import Timings
from masakari.testing.cloud.simulator import CloudSimulator


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog='masakari-cloud-simulator',
        description='Simulated Keystone v3 + Nova API for trying masakari '
                    'without a cloud. Listens on 127.0.0.1 only.')
    parser.add_argument('--port', type=int, default=0,
                        help='TCP port (default: any free port)')
    parser.add_argument('--time-scale', type=float, default=None,
                        help='simulated seconds per real second '
                             '(default 1, or "scale" from --cloud)')
    parser.add_argument('--cloud', metavar='FILE',
                        help='YAML or JSON file describing hosts, servers, '
                             'aggregates, users, endpoints, timings')
    parser.add_argument('--admin-password', default=None,
                        help='password of user "admin" (default: random)')
    parser.add_argument('--json', action='store_true',
                        help='print the connection details as JSON')
    parser.add_argument('--version', action='version',
                        version=version.version_string())
    return parser


def main(argv: list[str] | None = None,
         stop_event: threading.Event | None = None) -> int:
    args = _parser().parse_args(argv)
    spec: dict = {}
    try:
        if args.cloud:
            spec = builder.load(args.cloud)
        options = builder.simulator_options(spec)
    except (OSError, builder.SpecError) as exc:
        print('masakari-cloud-simulator: %s' % exc, file=sys.stderr)
        return 2
    if args.time_scale is not None:
        options['scale'] = args.time_scale
    if args.admin_password:
        options['admin_password'] = args.admin_password
    if options.get('scale', 1.0) <= 0:
        print('masakari-cloud-simulator: --time-scale must be positive',
              file=sys.stderr)
        return 2
    options.setdefault('timings', Timings())
    try:
        cloud = CloudSimulator(port=args.port, **options)
    except (OSError, ValueError, TypeError) as exc:
        print('masakari-cloud-simulator: %s' % exc, file=sys.stderr)
        return 2
    try:
        counts = builder.build(cloud, spec)
    except builder.SpecError as exc:
        print('masakari-cloud-simulator: %s: %s' % (args.cloud, exc),
              file=sys.stderr)
        cloud.stop()
        return 2
    with cloud:
        details = dict(cloud.credentials, region_name=cloud.region,
                       compute_url=cloud.compute_url,
                       admin_url=cloud.admin_url, **counts)
        if args.json:
            print(json.dumps(details), flush=True)
        else:
            for key, value in details.items():
                print('%s=%s' % (key, value), flush=True)
        if stop_event is not None:
            stop_event.wait()
        else:
            with signals.SignalWaiter() as waiter:
                waiter.wait()
    return 0


if __name__ == '__main__':
    sys.exit(main())

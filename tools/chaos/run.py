#!/usr/bin/env python3
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

"""Run the fault suite (full counts unless --ci) and print one line per
scenario: "N trials, N ok, N lost, N duplicated (what was checked)".

Needs the servers of tools/test-services.sh (source .test-services/env).
Exit status 1 when any scenario lost or duplicated anything.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import time
import traceback

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", ".."))

from masakari.testing.chaos import suite  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("scenarios", nargs="*", metavar="SCENARIO",
                        choices=[[], *suite.SCENARIOS],
                        help="default: all of " + ", ".join(suite.SCENARIOS))
    parser.add_argument("--ci", action="store_true",
                        help="the small counts of the functional tests")
    parser.add_argument("--trials", type=int,
                        help="override the number of trials")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("-v", "--verbose", action="store_true",
                        help="print each trial")
    args = parser.parse_args(argv)
    if not args.verbose:
        # the monitors' notifier logs every failed attempt of an outage
        logging.getLogger("masakarimonitors").setLevel(logging.CRITICAL)
    failed = 0
    for name in args.scenarios or list(suite.SCENARIOS):
        scenario = suite.SCENARIOS[name]
        kwargs = dict(scenario.ci if args.ci else scenario.full)
        if args.trials is not None:
            kwargs["trials"] = args.trials
        report = print if args.verbose else (lambda _line: None)
        started = time.monotonic()
        try:
            tally = scenario.function()(seed=args.seed, report=report,
                                        **kwargs)
        except Exception:  # noqa: BLE001 - reported, the others still run
            print(f"{name}: aborted\n{traceback.format_exc()}", flush=True)
            failed += 1
            continue
        print(f"{name}: {tally.line()} "
              f"[{time.monotonic() - started:.0f} s]", flush=True)
        for failure in tally.failures:
            print(f"  {failure}")
        failed += not tally.clean
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

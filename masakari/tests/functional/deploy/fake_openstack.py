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

"""A stand-in for the ``openstack`` CLI, for the os_masakari role's test.

It answers the few identity commands the role's Keystone registration runs
from a JSON state file and appends every call to a log, so the test can
check what was created and that a second run only looked things up.

Usage: fake_openstack.py STATE_FILE <openstack arguments>
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import uuid

MUTATING = {('user', 'create'), ('role', 'add'), ('service', 'create'),
            ('endpoint', 'create'), ('endpoint', 'set')}


def _load(path: str) -> dict:
    try:
        with open(path) as handle:
            return json.load(handle)
    except FileNotFoundError:
        return {'users': {}, 'roles': [], 'services': [], 'endpoints': [],
                'calls': []}


def _options(args: list[str], flags: tuple[str, ...]) -> tuple[dict, list]:
    """--flag value pairs (and bare switches) apart from the positionals."""
    parser = argparse.ArgumentParser(add_help=False)
    for flag in flags:
        parser.add_argument(flag)
    parser.add_argument('--names', action='store_true')
    parser.add_argument('--long', action='store_true')
    parser.add_argument('-f', dest='format')
    parser.add_argument('-c', dest='column')
    known, rest = parser.parse_known_args(args)
    return vars(known), rest


def run(state: dict, argv: list[str]) -> int:
    noun, verb, args = argv[0], argv[1], argv[2:]
    if (noun, verb) == ('role', 'assignment'):
        verb, args = 'assignment ' + args[0], args[1:]
    opts, rest = _options(args, ('--domain', '--password', '--user',
                                 '--user-domain', '--project',
                                 '--project-domain', '--name',
                                 '--description', '--service', '--region',
                                 '--url'))
    if (noun, verb) == ('user', 'show'):
        user = state['users'].get(rest[0])
        if user is None:
            print('No user with a name or ID of %s exists.' % rest[0],
                  file=sys.stderr)
            return 1
        print(user['id'])
    elif (noun, verb) == ('user', 'create'):
        state['users'][rest[0]] = {'id': uuid.uuid4().hex,
                                   'domain': opts['domain']}
    elif (noun, verb) == ('role', 'assignment list'):
        print(json.dumps([{'Role': role['role'],
                           'User': '%s@%s' % (role['user'],
                                              opts['user_domain']),
                           'Project': '%s@%s' % (role['project'],
                                                 opts['project_domain'])}
                          for role in state['roles']
                          if role['user'] == opts['user']
                          and role['project'] == opts['project']]))
    elif (noun, verb) == ('role', 'add'):
        state['roles'].append({'role': rest[0], 'user': opts['user'],
                               'project': opts['project']})
    elif (noun, verb) == ('service', 'list'):
        print(json.dumps(state['services']))
    elif (noun, verb) == ('service', 'create'):
        state['services'].append({'ID': uuid.uuid4().hex,
                                  'Name': opts['name'], 'Type': rest[0],
                                  'Description': opts['description'],
                                  'Enabled': True})
    elif (noun, verb) == ('endpoint', 'list'):
        print(json.dumps([e for e in state['endpoints']
                          if e['Service Type'] == opts['service']
                          and e['Region'] == opts['region']]))
    elif (noun, verb) == ('endpoint', 'create'):
        service_type, interface, url = rest
        state['endpoints'].append({'ID': uuid.uuid4().hex,
                                   'Region': opts['region'],
                                   'Service Type': service_type,
                                   'Interface': interface, 'URL': url,
                                   'Enabled': True})
    elif (noun, verb) == ('endpoint', 'set'):
        for endpoint in state['endpoints']:
            if endpoint['ID'] == rest[0]:
                endpoint['URL'] = opts['url']
    else:
        print('fake openstack: unsupported command %s' % ' '.join(argv),
              file=sys.stderr)
        return 2
    return 0


def main() -> int:
    path, argv = sys.argv[1], sys.argv[2:]
    if not os.environ.get('OS_AUTH_URL'):
        print('Missing value auth-url required for auth plugin password',
              file=sys.stderr)
        return 1
    state = _load(path)
    state['calls'].append({'argv': argv, 'mutating':
                           tuple(argv[:2]) in MUTATING})
    code = run(state, argv)
    with open(path, 'w') as handle:
        json.dump(state, handle)
    return code


if __name__ == '__main__':
    sys.exit(main())

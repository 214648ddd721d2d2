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

"""Raw compute API calls and server-state reads for the novaclient tests."""


def raw(cloud, method, path, version='2.53', admin=True, **kwargs):
    headers = kwargs.pop('headers', {})
    if version:
        headers['X-OpenStack-Nova-API-Version'] = version
    sess = cloud.session(admin)
    return sess.request(cloud.compute_url + path, method, headers=headers,
                        raise_exc=False, **kwargs)


def server_state(nova, server_id):
    """(vm_state, task_state, host) of a server as an admin sees it."""
    attrs = nova.servers.get(server_id).to_dict()
    return (attrs['OS-EXT-STS:vm_state'], attrs['OS-EXT-STS:task_state'],
            attrs['OS-EXT-SRV-ATTR:host'])

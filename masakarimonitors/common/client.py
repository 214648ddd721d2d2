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

"""HTTP client of the masakari API, configured from the ``[api]`` group.

A keystoneauth session (auth plugin and session options of ``[api]``)
addresses the ``instance-ha`` endpoint of the catalog; with
``auth_type = none`` and ``endpoint = http://...:15868/v1`` no Keystone is
needed. Plain keystoneauth keeps the daemons small (openstacksdk would
roughly double their resident memory) while speaking the same wire format.
"""

from keystoneauth1 import loading as ks_loading
from oslo_config import cfg

GROUP = "api"
SERVICE_TYPE = "instance-ha"
DEFAULT_TIMEOUT = 30.0


class Response:
    """What the notifier needs of an HTTP answer."""

    def __init__(self, status_code: int, text: str) -> None:
        self.status_code = status_code
        self.text = text


class MasakariClient:
    """POSTs notifications through one cached keystoneauth session."""

    def __init__(self, conf: cfg.ConfigOpts) -> None:
        self.conf = conf
        auth = ks_loading.load_auth_from_conf_options(conf, GROUP)
        self.session = ks_loading.load_session_from_conf_options(
            conf, GROUP, auth=auth)
        group = conf[GROUP]
        self.endpoint_filter = {
            "service_type": SERVICE_TYPE,
            "interface": group.api_interface,
            "region_name": group.region,
        }
        self.timeout = group.timeout or DEFAULT_TIMEOUT

    def create_notification(self, body: dict) -> Response:
        """POST ``{"notification": body}``; network errors raise."""
        resp = self.session.post(
            "notifications", json={"notification": body},
            endpoint_filter=self.endpoint_filter, raise_exc=False,
            timeout=self.timeout,
            headers={"Accept": "application/json"})
        return Response(resp.status_code, resp.text)

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

import pytest

from masakarimonitors.common import config


def test_valid_configuration_passes(make_conf):
    config.validate(make_conf(host={"monitoring_interval": 5}))


@pytest.mark.parametrize("group, name, value, message", [
    ("host", "monitoring_interval", "soon",
     "invalid value for [host] monitoring_interval: invalid literal"),
    ("host", "monitoring_samples", "0",
     "invalid value for [host] monitoring_samples: Should be greater"),
    ("DEFAULT", "monkey_patch", "perhaps",
     "invalid value for [DEFAULT] monkey_patch:"),
    ("api", "auth_type", "nonesuch",
     "invalid value for [api] auth_type: no keystoneauth plugin named "
     "'nonesuch'"),
    ("libvirt", "reconnect_interval_max", "0",
     "invalid value for [libvirt] reconnect_interval_max:"),
])
def test_bad_value_is_one_clear_error(make_conf, group, name, value,
                                      message):
    conf = make_conf(**{group: {name: value}})
    with pytest.raises(config.ConfigValueError) as info:
        config.validate(conf)
    assert str(info.value).startswith(message)
    assert "\n" not in str(info.value)
    assert "LocationInfo" not in str(info.value)

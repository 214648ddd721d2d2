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

"""The committed configuration sample is what the generator writes today,
on any machine: no option default may depend on where it runs."""

import os
import subprocess
import sys

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..',
                                    '..', '..'))
GENERATOR = os.path.join(os.path.dirname(sys.executable),
                         'oslo-config-generator')


def test_masakari_conf_sample_is_regenerated_identically(tmp_path):
    out = tmp_path / 'masakari.conf.sample'
    subprocess.run(
        [GENERATOR, '--config-file',
         os.path.join(REPO, 'etc', 'masakari',
                      'masakari-config-generator.conf'),
         '--output-file', str(out)],
        cwd=REPO, check=True, capture_output=True)
    with open(os.path.join(REPO, 'etc', 'masakari',
                           'masakari.conf.sample')) as committed:
        assert out.read_text() == committed.read(), (
            'etc/masakari/masakari.conf.sample is stale: regenerate it with '
            'oslo-config-generator --config-file '
            'etc/masakari/masakari-config-generator.conf')


def test_sample_has_no_machine_paths():
    with open(os.path.join(REPO, 'etc', 'masakari',
                           'masakari.conf.sample')) as sample:
        text = sample.read()
    assert REPO not in text
    assert sys.prefix not in text

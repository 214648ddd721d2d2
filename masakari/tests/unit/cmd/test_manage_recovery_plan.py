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

"""masakari-manage recovery plan against a SQLite database and a
simulated cloud."""

import json

import pytest

from masakari.cmd import manage
from masakari.db import api as db_api
from masakari.db import models
from masakari.tests.unit.engine import sim as simhelp


@pytest.fixture
def world(tmp_path):
    url = f"sqlite:///{tmp_path}/masakari.sqlite"
    db = db_api.DBAPI(db_api.Database(url))
    models.Base.metadata.create_all(db.get_engine())
    seg = db.failover_segment_create({
        "name": "s1", "service_type": "COMPUTE", "recovery_method": "auto"})
    for name in ("c1", "c2"):
        db.host_create({"name": name, "type": "COMPUTE",
                        "control_attributes": "SSH",
                        "failover_segment_id": seg.uuid})
    db.dispose()
    with simhelp.cloud() as cloud:
        cloud.add_host("c1")
        cloud.add_host("c2", vcpus=2, memory_mb=2048, local_gb=100)
        creds = cloud.credentials
        conf = tmp_path / "manage.conf"
        conf.write_text(
            "[DEFAULT]\n"
            f"os_privileged_user_auth_url = {creds['auth_url']}\n"
            f"os_privileged_user_name = {creds['username']}\n"
            f"os_privileged_user_password = {creds['password']}\n"
            f"os_privileged_user_tenant = {creds['project_name']}\n"
            f"os_region_name = {cloud.region}\n"
            f"[database]\nconnection = {url}\n"
            "[host_failure]\ncapacity_aware_targets = true\n")
        yield cloud, str(conf), seg.uuid


def run(conf, *args):
    try:
        return manage.main(["masakari-manage", "--config-file", conf,
                            "recovery", "plan", *args])
    finally:
        # main() parses the global CONF with its command line option:
        # leave it as the next test expects it.
        manage.CONF.reset()
        manage.CONF.unregister_opt(manage.CATEGORY_OPT)


def test_host_plan(world, capsys):
    cloud, conf, _ = world
    fits = cloud.add_server("c1", metadata={
        "masakari:restart_priority": "700"})
    left = cloud.add_server("c1")
    assert run(conf, "--host", "c1", "--format", "json") == 0
    answer = json.loads(capsys.readouterr().out)
    by_id = {i["instance_uuid"]: i for i in answer["instances"]}
    assert by_id[fits.id]["target_host"] == "c2"
    assert answer["not_fitting"] == [left.id]
    assert run(conf, "--host", "c1") == 0
    assert "would not fit: " + left.id in capsys.readouterr().out


def test_segment_plan(world, capsys):
    cloud, conf, segment = world
    cloud.add_server("c1")
    assert run(conf, "--segment", segment) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"Segment {segment}: failover capacity kept")


def test_bad_arguments(world, capsys):
    _, conf, _ = world
    assert run(conf) == 2
    assert "give --host or --segment" in capsys.readouterr().err
    assert run(conf, "--host", "nope") == 1
    err = capsys.readouterr().err
    assert "nope" in err and "Traceback" not in err

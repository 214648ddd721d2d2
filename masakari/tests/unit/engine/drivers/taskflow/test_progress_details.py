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

"""Progress details: kept in memory while a task runs, saved when it ends.

The engine running the flow answers the details API from memory; another
engine (another driver on the same taskflow database) sees what was saved.
"""

import threading

import pytest

from masakari.engine import exceptions
from masakari.engine.drivers import taskflow as tf_driver
from masakari.engine.drivers.taskflow import base
from masakari.engine.drivers.taskflow import flows

GROUP = "taskflow_driver_recovery_flows"
NOTIF = "bbbbbbbb-2222-3333-4444-555555555555"


class Script:
    """What the Stepper task does, set per test."""

    def __init__(self, fail=None, advance_between=0.0):
        self.fail = fail
        self.advance_between = advance_between
        self.reached = threading.Event()
        self.go = threading.Event()


def stepper(script):
    class Stepper(base.MasakariTask):
        def execute(self, host_name):
            self.update_details("one", 0.2)
            if script.advance_between:
                self.runtime.clock.advance(script.advance_between)
            self.update_details("two", 0.5)
            script.reached.set()
            assert script.go.wait(10)
            self.update_details("three", 0.8)
            if script.fail is not None:
                raise script.fail

    return Stepper


@pytest.fixture
def backend(tmp_path):
    return f"sqlite:///{tmp_path}/taskflow.sqlite"


def make_driver(conf, nova, backend, script):
    registry = flows.TaskRegistry(extra={"stepper": stepper(script)})
    conf.set_override("process_failure_recovery_tasks",
                      {"pre": ["stepper"], "main": [], "post": []}, group=GROUP)
    return tf_driver.TaskFlowDriver(conf=conf, nova_api=nova, backend_url=backend,
                                    registry=registry)


def messages(driver):
    details = driver.get_notification_recovery_workflow_details(None, NOTIF)
    return {d["name"]: ([e["message"] for e in d["progress_details"]], d["progress"],
                        d["state"]) for d in details}


def start(driver, runtime, script):
    errors = []

    def run():
        try:
            driver.execute_process_failure(None, "nova-compute", "h1", NOTIF,
                                           runtime=runtime)
        except Exception as err:  # noqa: BLE001 - checked by the test
            errors.append(err)

    thread = threading.Thread(target=run)
    thread.start()
    assert script.reached.wait(10)
    return thread, errors


def finish(script, thread):
    script.go.set()
    thread.join(10)
    assert not thread.is_alive()


def test_running_task_answers_from_memory_and_saves_once_at_the_end(
        conf, nova, runtime, backend):
    script = Script()
    running = make_driver(conf, nova, backend, script)
    other = make_driver(conf, nova, backend, script)  # another engine
    thread, errors = start(running, runtime, script)
    try:
        # This engine shows the entries at once, with the last progress.
        assert messages(running) == {"Stepper": (["one", "two"], 0.5, "RUNNING")}
        # Nothing was written per entry: another engine sees none yet.
        assert messages(other) == {}
    finally:
        finish(script, thread)
    assert errors == []
    expected = {"Stepper": (["one", "two", "three"], 1.0, "SUCCESS")}
    assert messages(running) == expected
    assert messages(other) == expected


@pytest.mark.parametrize("error", [
    RuntimeError("boom"),
    exceptions.RecoveryCancelled(notification_uuid=NOTIF, reason="stop"),
])
def test_failed_or_interrupted_task_saves_its_entries(conf, nova, runtime, backend,
                                                      error):
    script = Script(fail=error)
    running = make_driver(conf, nova, backend, script)
    other = make_driver(conf, nova, backend, script)
    thread, errors = start(running, runtime, script)
    finish(script, thread)
    assert [type(e) for e in errors] == [type(error)]
    names, progress, saved_state = messages(other)["Stepper"]
    assert names == ["one", "two", "three"]
    # taskflow then reverts the task (a no-op revert ends at 1.0).
    assert (progress, saved_state) == (1.0, "REVERTED")


def test_long_running_task_saves_every_interval(conf, nova, runtime, backend):
    script = Script(advance_between=base.DETAILS_SAVE_INTERVAL)
    running = make_driver(conf, nova, backend, script)
    other = make_driver(conf, nova, backend, script)
    thread, errors = start(running, runtime, script)
    try:
        # The second entry came an interval after the task started: saved.
        assert messages(other)["Stepper"][0] == ["one", "two"]
    finally:
        finish(script, thread)
    assert errors == []


def test_task_run_outside_an_engine_saves_each_entry(conf, nova, runtime):
    seen = []

    class Direct(base.MasakariTask):
        def execute(self):
            self.update_details("only", 0.4)

    task = Direct(None, nova, runtime=runtime)
    task.notifier.register(base.task.EVENT_UPDATE_PROGRESS,
                           lambda event, details: seen.append(details))
    task.execute()
    assert seen == [{"progress": 0.4, "progress_details": [
        {"timestamp": seen[0]["progress_details"][0]["timestamp"],
         "progress": 0.4, "message": "only"}]}]
    assert task.progress_snapshot() is None  # nothing left unsaved

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

"""Console entry points of the four monitor daemons.

Importing this package (which every ``masakari-*monitor`` script does
before its own imports) hides the deprecation warnings that third-party
libraries raise: they address those libraries' developers, not the
operator starting a monitor. Warnings from masakarimonitors itself still
show.
"""

import warnings

# Module names that are not ours: ``masakarimonitors`` and ``masakari``
# (the shared client side) keep their warnings.
THIRD_PARTY_MODULES = r"^(?!masakarimonitors\b|masakari\b)"


def quiet_library_warnings() -> None:
    """Ignore (Pending)DeprecationWarning raised from third-party modules."""
    for category in (DeprecationWarning, PendingDeprecationWarning):
        warnings.filterwarnings("ignore", category=category,
                                module=THIRD_PARTY_MODULES)
    # dnspython (pulled in through eventlet) trips over cryptography's DSA
    # deprecation, which cryptography raises as a UserWarning subclass.
    warnings.filterwarnings("ignore", message=r".* is deprecated",
                            module=r"^dns\.")


quiet_library_warnings()

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

"""Recovery policies of a host failure, in one place.

Which instances are evacuated (selection.py), in which order and tiers,
how often one instance may be recovered (limits.py), and where each one
goes (capacity.py). plan.py joins them into a :class:`plan.Plan` computed
from plain data (:class:`facts.Facts`); facts.py gathers that data from
Nova and the masakari database. The host recovery flow and the 'what if
this host failed now' answer both build their plan through
:func:`plan.build`, so they cannot disagree.
"""

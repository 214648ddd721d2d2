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

"""Masakari: Virtual Machine High Availability service for OpenStack."""

# Native threads only: whatever first asks oslo.service for its backend
# (oslo.messaging, the service launcher, looping calls) gets the threading
# one; nothing runs on eventlet and nothing is monkey patched.
import warnings as _warnings

from oslo_service import backend as _oslo_service_backend

_oslo_service_backend.register_backend_default_hook(
    lambda: _oslo_service_backend.BackendType.THREADING)

# eventlet is installed only because oslo.service depends on it; futurist
# probes for it on import, which makes eventlet print a deprecation banner on
# every command. The banner says nothing about this code, so hide it.
_warnings.filterwarnings('ignore', message=r'\s*Eventlet is deprecated')

# Deprecation warnings of the libraries we use speak to those libraries'
# developers, not to operators: every console script would otherwise start
# with them (dnspython's DSA warnings from cryptography, for one). Warnings
# raised from masakari's own modules still show.
_THIRD_PARTY = r'^(?!masakari|masakarimonitors)'
for _category in (DeprecationWarning, PendingDeprecationWarning):
    _warnings.filterwarnings('ignore', category=_category,
                             module=_THIRD_PARTY)
_warnings.filterwarnings('ignore', message=r'.* is deprecated',
                         module=r'^dns\.')

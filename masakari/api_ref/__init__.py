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

"""The OpenAPI 3.0 description of /v1, built from the code's own tables.

Nothing here restates the API: paths and methods come from the route
table, request bodies from the Draft-4 schemas the handlers validate with
(converted to the OpenAPI 3.0 dialect, reversibly), list parameters from
the handlers' filter tuples and the models' columns, response bodies from
the view field tables. What is left are the few facts only the handlers'
code knows (success statuses, which errors an operation can answer); they
are small tables in :mod:`masakari.api_ref.facts`.

This is documentation generation, kept out of the runtime API package:
the service never imports it. Regenerate the committed copy with
``python -m masakari.api_ref`` (or ``tools/gen-openapi.py``); a unit test
keeps it equal to what this builds.
"""

from masakari.api_ref.dialects import to_json_schema
from masakari.api_ref.dialects import to_openapi_schema
from masakari.api_ref.document import build
from masakari.api_ref.document import main
from masakari.api_ref.document import render
from masakari.api_ref.document import schema_component
from masakari.api_ref.facts import DOCUMENT_PATH
from masakari.api_ref.facts import fault_name
from masakari.api_ref.facts import implemented
from masakari.api_ref.facts import OPENAPI_VERSION
from masakari.api_ref.facts import path_parameters
from masakari.api_ref.facts import request_schemas

__all__ = ['DOCUMENT_PATH', 'OPENAPI_VERSION', 'build', 'fault_name',
           'implemented', 'main', 'path_parameters', 'render',
           'request_schemas', 'schema_component', 'to_json_schema',
           'to_openapi_schema']

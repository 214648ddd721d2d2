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

"""``[DEFAULT] monkey_patch``: wrap module functions with a decorator."""

import functools
import importlib
import inspect

from oslo_utils import importutils


class MonkeyPatchError(ValueError):
    """A ``monkey_patch_modules`` entry is malformed or cannot be loaded."""


def apply(entries: list) -> None:
    """Apply every ``module:decorator_path`` entry."""
    for entry in entries:
        module_name, sep, decorator_path = entry.partition(":")
        if not sep or not module_name or not decorator_path:
            raise MonkeyPatchError(
                f"monkey_patch_modules entry {entry!r} is not of the form "
                "module:decorator")
        try:
            module = importlib.import_module(module_name)
            decorator = importutils.import_class(decorator_path)
        except (ImportError, ValueError, AttributeError) as exc:
            raise MonkeyPatchError(
                f"monkey_patch_modules entry {entry!r}: {exc}") from exc
        _wrap_module(module, decorator)


def _wrap_module(module, decorator) -> None:
    prefix = module.__name__
    for name, member in list(vars(module).items()):
        if inspect.isfunction(member) and member.__module__ == prefix:
            setattr(module, name, decorator(f"{prefix}.{name}", member))
        elif inspect.isclass(member) and member.__module__ == prefix:
            for attr, func in list(vars(member).items()):
                if inspect.isfunction(func):
                    wrapped = decorator(f"{prefix}.{name}.{attr}", func)
                    setattr(member, attr, functools.wraps(func)(wrapped))

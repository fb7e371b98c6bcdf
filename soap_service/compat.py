"""spyne 2.14 on Python 3.11: the one place that knows about its old bundled six.

spyne.util.six (six 1.14) appends a meta-path importer without `find_spec`/`exec_module`, so
from then on every import that reaches the end of sys.meta_path (any failed optional import, in
any library) raises an ImportWarning, an error under `filterwarnings = error`. six 1.16 fixed it
by adding those methods; they are added here the same way. spyne's own import also warns about
`cgi`: that import happens once, here, with those two warnings silenced.
"""

from __future__ import annotations

import importlib.util
import warnings
from importlib.machinery import ModuleSpec
from types import ModuleType
from typing import Any


def _find_spec(self: Any, fullname: str, path: Any = None, target: Any = None) -> Any:
    if fullname in self.known_modules:
        return importlib.util.spec_from_loader(fullname, self)
    return None


def _create_module(self: Any, spec: ModuleSpec) -> ModuleType:
    module: ModuleType = self.load_module(spec.name)
    return module


def _exec_module(self: Any, module: ModuleType) -> None:
    return None


_SPYNE_MODULES = ("spyne", "spyne.protocol.soap", "spyne.server.wsgi", "spyne.util.six")


def quiet_spyne() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ImportWarning)
        warnings.simplefilter("ignore", DeprecationWarning)
        modules = [importlib.import_module(name) for name in _SPYNE_MODULES]
    importer = type(modules[-1]._importer)
    if not hasattr(importer, "find_spec"):
        importer.find_spec = _find_spec
        importer.create_module = _create_module
        importer.exec_module = _exec_module

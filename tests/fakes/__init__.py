"""Recording fakes of the host applications' Python modules: ``unreal``, ``maya``, ``bpy``.

Each fake implements only the calls our generated scripts make, with the
parameter names and types of the documented API (Unreal Python API 5.x,
Maya Python API 2.0 / maya.cmds, Blender 4.x/5.x bpy), and records what a
script did in a module-level scene that tests inspect. Wrong argument types or
unknown names raise, as the real modules do.

:func:`run_script` executes a generated script with the fakes importable.
"""

from __future__ import annotations

import importlib
import runpy
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import ModuleType

FAKES = Path(__file__).resolve().parent
_HOST_MODULES = ("unreal", "bpy", "maya")


def _forget() -> None:
    for name in list(sys.modules):
        if name.split(".")[0] in _HOST_MODULES:
            del sys.modules[name]


@contextmanager
def installed(name: str) -> Iterator[ModuleType]:
    """A fresh fake ``unreal``, ``bpy`` or ``maya`` module, importable by scripts meanwhile."""
    sys.path.insert(0, str(FAKES))
    _forget()
    try:
        yield importlib.import_module(name)
    finally:
        _forget()
        sys.path.remove(str(FAKES))


def run_script(path: Path) -> dict:
    """Run a generated script as the host would (``__main__``, ``__file__`` set)."""
    return runpy.run_path(str(path), run_name="__main__")

"""The package reads one way: no module imports from a layer above its own, and packages form no loop.

The layers, bottom to top, are ``LAYERS`` (docs/ARCHITECTURE.md draws them). Every import
counts, including the ones inside functions, since a lazy import is still a dependency.
"""

from __future__ import annotations

import ast
from pathlib import Path

import medtalk

PACKAGE = Path(medtalk.__file__).parent

# bottom to top; a module may import its own layer and the ones below
LAYERS: tuple[tuple[str, ...], ...] = (
    ("errors", "files", "hf", "packages", "emotions", "rig", "audio", "resample", "features", "augment", "bert",
     "mpnet", "text_models", "text", "sidecar"),
    ("synth", "asr", "whisper", "phonetics", "hearing", "preview", "export"),
    ("model",),
    ("data", "guidance"),
    ("infer", "direction"),
    ("eval",),
    ("train",),
    ("cli", "results", "live", "batch", "studio", "__main__"),
)
LAYER_OF = {unit: level for level, units in enumerate(LAYERS) for unit in units}


def unit_of(module: str) -> str | None:
    """The layer unit of a ``medtalk.*`` module name (its top-level module or package), None for ``medtalk``."""
    parts = module.split(".")
    return parts[1] if parts[0] == "medtalk" and len(parts) > 1 else None


def imports(path: Path) -> set[str]:
    """Every ``medtalk.*`` module that ``path`` imports, at any depth in the file."""
    tree = ast.parse(path.read_text(), str(path))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            # `from medtalk import x` names a submodule when x is one
            found |= {f"{node.module}.{a.name}" if node.module == "medtalk" else node.module for a in node.names}
    return {m for m in found if m.split(".")[0] == "medtalk"}


def package_modules() -> dict[str, Path]:
    return {
        ".".join(("medtalk", *p.relative_to(PACKAGE).with_suffix("").parts)).removesuffix(".__init__"): p
        for p in PACKAGE.rglob("*.py")
        if "templates" not in p.parts  # scripts that run inside Maya, Blender and Unreal
    }


def test_every_unit_has_a_layer() -> None:
    units = {unit_of(m) for m in package_modules()} - {None, "__init__"}
    assert units <= set(LAYER_OF), f"modules without a layer: {sorted(units - set(LAYER_OF))}"


def test_no_upward_import() -> None:
    upward = []
    for module, path in package_modules().items():
        here = unit_of(module)
        if here is None:
            continue  # medtalk/__init__.py: the public façade over everything
        for target in imports(path):
            there = unit_of(target)
            if there in LAYER_OF and LAYER_OF[there] > LAYER_OF[here]:
                upward.append(f"{module} -> {target}")
    assert not upward, "imports from a higher layer:\n" + "\n".join(sorted(upward))


def test_packages_form_no_loop() -> None:
    edges: dict[str, set[str]] = {}
    for module, path in package_modules().items():
        here = unit_of(module)
        if here is not None:
            edges.setdefault(here, set()).update(u for u in map(unit_of, imports(path)) if u and u != here)

    def reach(start: str) -> set[str]:
        seen, todo = set(), [start]
        while todo:
            for nxt in edges.get(todo.pop(), ()):
                if nxt not in seen:
                    seen.add(nxt)
                    todo.append(nxt)
        return seen

    loops = sorted(u for u in edges if u in reach(u))
    assert not loops, f"packages that import themselves through others: {loops}"


def test_the_checker_sees_an_upward_import(tmp_path: Path) -> None:
    """The checker itself: a lazy import of training from the model is found."""
    module = tmp_path / "m.py"
    module.write_text("def f():\n    from medtalk.train.loop import train\n    import medtalk.rig.formats\n")
    assert imports(module) == {"medtalk.train.loop", "medtalk.rig.formats"}
    assert LAYER_OF[unit_of("medtalk.train.loop")] > LAYER_OF["model"]

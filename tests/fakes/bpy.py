"""Fake of Blender's ``bpy``: objects with shape keys, Actions, F-curves, the scene.

Follows the bpy reference: ``ActionFCurves.new(data_path, *, index=0,
action_group='')`` (Blender <= 4.5, the legacy flat API),
``Action.fcurve_ensure_for_datablock(datablock, data_path, *, index=0,
group_name='')`` (4.4+, the only way in 5.0), ``FCurveKeyframePoints.add(count)``
and ``foreach_set("co", seq)``. :data:`VERSION` selects which action API exists.
"""

from __future__ import annotations

from types import SimpleNamespace

VERSION = (4, 2, 0)  # tests set (5, 0, 0) for the slotted-actions-only API


class KeyframePoints:
    def __init__(self) -> None:
        self.co: list[tuple[float, float]] = []

    def add(self, count) -> None:
        self.co += [(0.0, 0.0)] * int(count)

    def foreach_set(self, attr, seq) -> None:
        if attr != "co":
            raise AttributeError(f"this fake only sets 'co', not {attr!r}")
        seq = list(seq)
        if len(seq) != 2 * len(self.co):
            raise RuntimeError("internal error setting the array")  # bpy's wording for a size mismatch
        self.co = list(zip(map(float, seq[0::2]), map(float, seq[1::2])))


class FCurve:
    def __init__(self, data_path: str, index: int = 0) -> None:
        self.data_path, self.array_index = data_path, index
        self.keyframe_points = KeyframePoints()
        self.updated = False

    def update(self) -> None:
        self.updated = True


class ActionFCurves(list):
    def new(self, data_path, *, index=0, action_group=""):
        if any(f.data_path == data_path and f.array_index == index for f in self):
            raise RuntimeError(f"F-Curve '{data_path}[{index}]' already exists in action")
        curve = FCurve(data_path, index)
        self.append(curve)
        return curve


class Action:
    def __init__(self, name: str) -> None:
        self.name = name
        self._curves = ActionFCurves()
        self.users: list = []

    def __getattr__(self, name):
        if name == "fcurves" and VERSION < (5, 0, 0):
            return self._curves
        if name == "fcurve_ensure_for_datablock" and VERSION >= (4, 4, 0):
            return self._ensure
        raise AttributeError(f"'Action' object has no attribute '{name}'")

    def _ensure(self, datablock, data_path, *, index=0, group_name=""):
        if datablock.animation_data is None or datablock.animation_data.action is not self:
            raise RuntimeError("the action must be assigned to the data-block first")
        for curve in self._curves:
            if curve.data_path == data_path and curve.array_index == index:
                return curve
        return self._curves.new(data_path, index=index)


class Collection(dict):
    """Name-keyed like ``bpy_prop_collection``: ``in``, ``[name]``, ``get``."""


class Actions(Collection):
    def new(self, name):
        action = Action(name)
        self[name] = action
        return action


class Key:
    def __init__(self, shape_names) -> None:
        self.key_blocks = Collection({n: SimpleNamespace(name=n, value=0.0) for n in ["Basis", *shape_names]})
        self.animation_data = None

    def animation_data_create(self):
        self.animation_data = SimpleNamespace(action=None)
        return self.animation_data


def mesh_object(name: str, shape_names) -> SimpleNamespace:
    """An object whose mesh has these shape keys (tests add it to ``data.objects``)."""
    return SimpleNamespace(name=name, data=SimpleNamespace(shape_keys=Key(shape_names) if shape_names else None))


data = SimpleNamespace(objects=Collection(), actions=Actions())
context = SimpleNamespace(
    scene=SimpleNamespace(render=SimpleNamespace(fps=24, fps_base=1.0), frame_start=1, frame_end=250),
    active_object=None,
)

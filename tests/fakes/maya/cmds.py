"""Fake ``maya.cmds``: the few commands our scripts use, with Maya's flag names."""

from __future__ import annotations

import re

from maya import SCENE, TIME_UNITS

_PLAYBACK_FLAGS = {"minTime", "maxTime", "animationStartTime", "animationEndTime", "min", "max", "ast", "aet"}


def currentUnit(query=False, time=None, linear=None, angle=None, fullName=False, updateAnimation=True):  # noqa: N802
    if query:
        return SCENE.time_unit
    if time is not None:
        if time not in TIME_UNITS and not re.fullmatch(r"\d+(\.\d+)?fps", time):
            raise RuntimeError(f"Invalid time unit: {time}")
        SCENE.time_unit = time
    return None


def playbackOptions(**flags):  # noqa: N802
    unknown = set(flags) - _PLAYBACK_FLAGS
    if unknown:
        raise TypeError(f"Invalid flag {sorted(unknown)[0]!r}")
    SCENE.playback.update(flags)


def objExists(name):  # noqa: N802
    name = str(name)
    return name in SCENE.attributes or any(a.startswith(name + ".") for a in SCENE.attributes)


def cutKey(*objects, clear=False, attribute=None, time=None, **flags):  # noqa: N802
    for plug in objects:
        if plug not in SCENE.attributes:
            raise RuntimeError(f"No object matches name: {plug}")
        if clear:
            SCENE.curves.pop(plug, None)
    return len(objects)


def setKeyframe(*objects, time=None, value=None, attribute=None, **flags):  # noqa: N802
    if time is None or value is None or len(objects) != 1:
        raise RuntimeError("this fake keys one plug at a time with time= and value=")
    plug = objects[0]
    if plug not in SCENE.attributes:
        raise RuntimeError(f"No object matches name: {plug}")
    curve = SCENE.curves.setdefault(plug, {"frames": [], "values": [], "via": "cmds"})
    curve["frames"].append(float(time))
    curve["values"].append(float(value))
    return 1

"""Fake of Maya's ``maya`` package: ``maya.cmds`` and ``maya.api.OpenMaya(Anim)``.

The scene is :data:`SCENE`: tests add board attributes to it, scripts key them
through either API, and tests read the resulting anim curves.
"""

from __future__ import annotations

TIME_UNITS = {  # named units of cmds.currentUnit(time=...) in frames per second
    "game": 15.0, "film": 24.0, "pal": 25.0, "ntsc": 30.0, "show": 48.0, "palf": 50.0, "ntscf": 60.0,
}


class Scene:
    def __init__(self) -> None:
        self.attributes: dict[str, float] = {}  # "node.attr" -> value
        self.locked: set[str] = set()  # plugs the API refuses to animate
        self.curves: dict[str, dict] = {}  # plug -> {"frames": [...], "values": [...], "via": "api"|"cmds"}
        self.time_unit = "film"  # Maya's default
        self.playback: dict[str, float] = {}

    def add_node(self, node: str, attributes=("translateX", "translateY")) -> None:
        for attribute in attributes:
            self.attributes[f"{node}.{attribute}"] = 0.0

    def fps(self) -> float:
        unit = self.time_unit
        return TIME_UNITS[unit] if unit in TIME_UNITS else float(unit[: -len("fps")])


SCENE = Scene()

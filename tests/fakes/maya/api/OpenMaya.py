"""Fake ``maya.api.OpenMaya``: MSelectionList, MPlug, MTime (API 2.0 signatures)."""

from __future__ import annotations

from maya import SCENE


class MTime:
    kInvalid, kFilm, kNTSCField, kUserDef = 0, 6, 8, 100  # the values scripts may name

    def __init__(self, value=0.0, unit=kInvalid) -> None:
        if not isinstance(value, (int, float)):
            raise TypeError("MTime: value must be a number")
        self.value, self.unit = float(value), unit

    @staticmethod
    def uiUnit():  # noqa: N802
        return MTime.kUserDef  # the scene's current unit; frames are counted in it


class MPlug:
    def __init__(self, name: str) -> None:
        self._name = name

    def name(self) -> str:
        return self._name


class MSelectionList:
    def __init__(self) -> None:
        self._items: list[str] = []

    def add(self, pattern, searchChildNamespaces=False):  # noqa: N803
        if pattern not in SCENE.attributes:
            raise RuntimeError("(kInvalidParameter): Object does not exist")
        self._items.append(pattern)
        return self

    def getPlug(self, index):  # noqa: N802
        return MPlug(self._items[index])

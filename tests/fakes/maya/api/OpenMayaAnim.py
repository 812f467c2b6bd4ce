"""Fake ``maya.api.OpenMayaAnim.MFnAnimCurve`` (create + addKeys, API 2.0 signatures)."""

from __future__ import annotations

from maya import SCENE
from maya.api.OpenMaya import MPlug, MTime


class MFnAnimCurve:
    kAnimCurveTA, kAnimCurveTL, kAnimCurveTT, kAnimCurveTU = 0, 1, 2, 3
    kAnimCurveUnknown = 8
    kTangentGlobal = 0

    def __init__(self) -> None:
        self._plug: str | None = None

    def create(self, plug, animCurveType=kAnimCurveUnknown, modifier=None):  # noqa: N803
        if not isinstance(plug, MPlug):
            raise TypeError("create: plug must be an MPlug")
        if plug.name() in SCENE.locked:
            raise RuntimeError("(kFailure): Unexpected Internal Failure")
        if animCurveType != self.kAnimCurveTL:
            raise RuntimeError("translate attributes take a time-to-linear curve")
        self._plug = plug.name()
        SCENE.curves[self._plug] = {"frames": [], "values": [], "via": "api"}
        return object()

    def addKeys(self, times, values, tangentInType=kTangentGlobal, tangentOutType=kTangentGlobal,  # noqa: N802,N803
                keepExistingKeys=False, change=None):
        if self._plug is None:
            raise RuntimeError("(kInvalidParameter): no anim curve attached")
        times, values = list(times), list(values)
        if len(times) != len(values):
            raise ValueError("addKeys: times and values differ in length")
        if not all(isinstance(t, MTime) and t.unit == MTime.kUserDef for t in times):
            raise TypeError("addKeys: times must be MTime in the scene's unit")
        curve = SCENE.curves[self._plug]
        curve["frames"] += [t.value for t in times]
        curve["values"] += [float(v) for v in values]
        return self

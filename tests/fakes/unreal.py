"""Fake of Unreal Editor's ``unreal`` Python module (UE 5.x), recording what scripts do.

Signatures follow the Unreal Python API reference: ``AnimationLibrary.add_curve
(animation_sequence_base, curve_name, curve_type=RCT_FLOAT, meta_data_curve=False)``,
``add_float_curve_keys(animation_sequence_base, curve_name, times, values)``,
``AssetTools.create_asset(asset_name, package_path, asset_class, factory,
calling_context='')``, ``AnimationDataController.set_frame_rate(frame_rate,
should_transact=True)`` / ``set_number_of_frames(new_length_in_frames,
should_transact=True)``, ``ControlRigSequencerLibrary.set_local_control_rig_floats
(level_sequence, control_rig, control_name, frames, values, time_unit)`` and
``..._vector2ds``. Tests populate :data:`ASSETS` and read what was recorded.
"""

from __future__ import annotations

ASSETS: dict[str, object] = {}  # asset path -> asset
LOG: list[str] = []
current_level_sequence = None  # what LevelSequenceEditorBlueprintLibrary returns; tests set it


def _check(value, kind, what):
    if not isinstance(value, kind):
        raise TypeError(f"{what}: expected {getattr(kind, '__name__', kind)}, got {type(value).__name__}")


class _EnumValue:
    def __init__(self, enum: str, name: str) -> None:
        self.enum, self.name = enum, name

    def __repr__(self) -> str:
        return f"{self.enum}.{self.name}"


class RawCurveTrackTypes:
    RCT_FLOAT = _EnumValue("RawCurveTrackTypes", "RCT_FLOAT")
    RCT_VECTOR = _EnumValue("RawCurveTrackTypes", "RCT_VECTOR")
    RCT_TRANSFORM = _EnumValue("RawCurveTrackTypes", "RCT_TRANSFORM")


class MovieSceneTimeUnit:
    DISPLAY_RATE = _EnumValue("MovieSceneTimeUnit", "DISPLAY_RATE")
    TICK_RESOLUTION = _EnumValue("MovieSceneTimeUnit", "TICK_RESOLUTION")


class RigElementType:
    NONE = _EnumValue("RigElementType", "NONE")
    BONE = _EnumValue("RigElementType", "BONE")
    CONTROL = _EnumValue("RigElementType", "CONTROL")


class FrameRate:
    def __init__(self, numerator: int = 60, denominator: int = 1) -> None:
        _check(numerator, int, "FrameRate.numerator")
        _check(denominator, int, "FrameRate.denominator")
        self.numerator, self.denominator = numerator, denominator


class FrameNumber:
    def __init__(self, value: int = 0) -> None:
        _check(value, int, "FrameNumber.value")
        self.value = value


class Vector2D:
    def __init__(self, x: float = 0.0, y: float = 0.0) -> None:
        self.x, self.y = float(x), float(y)


class RigElementKey:
    def __init__(self, type: _EnumValue = RigElementType.NONE, name: str = "None") -> None:  # noqa: A002
        _check(type, _EnumValue, "RigElementKey.type")
        self.type, self.name = type, str(name)


class _Class:
    def __init__(self, name: str) -> None:
        self._name = name

    def get_name(self) -> str:
        return self._name


class Object:
    """Editor properties are checked by name, as ``get/set_editor_property`` do."""

    _properties: dict[str, bool] = {}  # name -> writable
    _class_name = "Object"

    def __init__(self) -> None:
        self._values: dict[str, object] = {}

    def get_class(self) -> _Class:
        return _Class(self._class_name)

    def get_editor_property(self, name: str):
        if name not in self._properties:
            raise Exception(f"Failed to find property '{name}' on '{self._class_name}'")
        return self._values.get(name)

    def set_editor_property(self, name: str, value) -> None:
        if not self._properties.get(name, False):
            raise Exception(f"Property '{name}' on '{self._class_name}' is read-only or missing")
        self._values[name] = value


class Skeleton(Object):
    _class_name = "Skeleton"


class AnimSequenceFactory(Object):
    _properties = {"target_skeleton": True, "preview_skeletal_mesh": True}
    _class_name = "AnimSequenceFactory"


class AnimationDataController(Object):
    _class_name = "AnimSequencerController"

    def __init__(self) -> None:
        super().__init__()
        self.frame_rate: FrameRate | None = None
        self.number_of_frames: int | None = None
        self.open_brackets = 0

    def open_bracket(self, description, should_transact: bool = True) -> None:
        _check(description, str, "open_bracket.description")
        self.open_brackets += 1

    def close_bracket(self, should_transact: bool = True) -> None:
        if self.open_brackets == 0:
            raise Exception("close_bracket without open_bracket")
        self.open_brackets -= 1

    def set_frame_rate(self, frame_rate: FrameRate, should_transact: bool = True) -> None:
        _check(frame_rate, FrameRate, "set_frame_rate.frame_rate")
        self.frame_rate = frame_rate

    def set_number_of_frames(self, new_length_in_frames: FrameNumber, should_transact: bool = True) -> None:
        _check(new_length_in_frames, FrameNumber, "set_number_of_frames.new_length_in_frames")
        if new_length_in_frames.value <= 0:
            raise Exception("number of frames has to be positive and non-zero")
        self.number_of_frames = new_length_in_frames.value


class AnimSequence(Object):
    _properties = {"controller": False, "skeleton": False}
    _class_name = "AnimSequence"

    def __init__(self, skeleton: Skeleton) -> None:
        super().__init__()
        self._values = {"controller": AnimationDataController(), "skeleton": skeleton}
        self.curves: dict[str, dict] = {}  # name -> {"type", "times", "values"}
        self.saved = False


class AnimationLibrary:
    @classmethod
    def add_curve(cls, animation_sequence_base, curve_name, curve_type=RawCurveTrackTypes.RCT_FLOAT,
                  meta_data_curve=False) -> None:
        _check(animation_sequence_base, AnimSequence, "add_curve.animation_sequence_base")
        _check(curve_name, str, "add_curve.curve_name")
        _check(curve_type, _EnumValue, "add_curve.curve_type")
        if curve_name in animation_sequence_base.curves:
            raise Exception(f"curve {curve_name} already exists")
        animation_sequence_base.curves[curve_name] = {"type": curve_type, "times": [], "values": []}

    @classmethod
    def add_float_curve_keys(cls, animation_sequence_base, curve_name, times, values) -> None:
        _check(animation_sequence_base, AnimSequence, "add_float_curve_keys.animation_sequence_base")
        curve = animation_sequence_base.curves.get(curve_name)
        if curve is None or curve["type"] is not RawCurveTrackTypes.RCT_FLOAT:
            raise Exception(f"no float curve {curve_name}")
        times, values = list(times), list(values)
        if len(times) != len(values):
            raise Exception("times and values differ in length")
        for item in times + values:
            _check(item, (int, float), "add_float_curve_keys element")
        curve["times"] += [float(t) for t in times]
        curve["values"] += [float(v) for v in values]


class AssetTools(Object):
    def create_asset(self, asset_name, package_path, asset_class, factory, calling_context=""):
        _check(asset_name, str, "create_asset.asset_name")
        _check(package_path, str, "create_asset.package_path")
        if asset_class is not AnimSequence or not isinstance(factory, AnimSequenceFactory):
            raise TypeError("this fake creates AnimSequence assets with an AnimSequenceFactory")
        path = f"{package_path}/{asset_name}"
        if path in ASSETS:
            return None  # Unreal refuses and returns None
        asset = AnimSequence(factory.get_editor_property("target_skeleton"))
        ASSETS[path] = asset
        return asset


class AssetToolsHelpers:
    @classmethod
    def get_asset_tools(cls) -> AssetTools:
        return AssetTools()


class EditorAssetLibrary:
    @classmethod
    def does_asset_exist(cls, asset_path) -> bool:
        return asset_path in ASSETS

    @classmethod
    def delete_asset(cls, asset_path_to_delete) -> bool:
        return ASSETS.pop(asset_path_to_delete, None) is not None

    @classmethod
    def save_loaded_asset(cls, asset_to_save, only_if_is_dirty=True) -> bool:
        asset_to_save.saved = True
        return True


def load_asset(name, type=None, follow_redirectors=True):  # noqa: A002
    return ASSETS.get(name)


class ScopedSlowTask:
    def __init__(self, work, desc="", enabled=True) -> None:
        self.work, self.done = float(work), 0.0

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        return None

    def make_dialog(self, can_cancel=False, allow_in_pie=False) -> None:
        pass

    def enter_progress_frame(self, work=1.0, desc="") -> None:
        self.done += work

    def should_cancel(self) -> bool:
        return False


def log(arg) -> None:
    LOG.append(str(arg))


def log_warning(arg) -> None:
    LOG.append("warning: " + str(arg))


# --- Sequencer and Control Rig ---
class RigHierarchy(Object):
    def __init__(self, controls: dict[str, str]) -> None:
        super().__init__()
        self.controls = controls  # name -> "float" | "vector2d"

    def contains(self, key: RigElementKey) -> bool:
        _check(key, RigElementKey, "contains.key")
        return key.type is RigElementType.CONTROL and key.name in self.controls


class ControlRig(Object):
    def __init__(self, class_name: str, controls: dict[str, str]) -> None:
        super().__init__()
        self._class_name = class_name
        self._hierarchy = RigHierarchy(controls)
        self.keys: dict[str, tuple[list[int], list]] = {}  # control -> (frames, values)

    def get_hierarchy(self) -> RigHierarchy:
        return self._hierarchy


class ControlRigSequencerBindingProxy:
    def __init__(self, proxy=None, control_rig=None, track=None) -> None:
        self.proxy, self.control_rig, self.track = proxy, control_rig, track


class LevelSequence(Object):
    _class_name = "LevelSequence"

    def __init__(self, rigs: list[ControlRig]) -> None:
        super().__init__()
        self.rigs = rigs
        self.display_rate: FrameRate | None = None
        self.playback = [0, 0]

    def set_display_rate(self, display_rate: FrameRate) -> None:
        _check(display_rate, FrameRate, "set_display_rate.display_rate")
        self.display_rate = display_rate

    def set_playback_start(self, start_frame: int) -> None:
        _check(start_frame, int, "set_playback_start.start_frame")
        self.playback[0] = start_frame

    def set_playback_end(self, end_frame: int) -> None:
        _check(end_frame, int, "set_playback_end.end_frame")
        self.playback[1] = end_frame


class LevelSequenceEditorBlueprintLibrary:
    @classmethod
    def get_current_level_sequence(cls):
        return current_level_sequence


class ControlRigSequencerLibrary:
    @classmethod
    def get_control_rigs(cls, level_sequence) -> list[ControlRigSequencerBindingProxy]:
        _check(level_sequence, LevelSequence, "get_control_rigs.level_sequence")
        return [ControlRigSequencerBindingProxy(control_rig=r) for r in level_sequence.rigs]

    @classmethod
    def _set(cls, level_sequence, control_rig, control_name, frames, values, time_unit, kind, item_type):
        _check(level_sequence, LevelSequence, "level_sequence")
        _check(control_rig, ControlRig, "control_rig")
        _check(time_unit, _EnumValue, "time_unit")
        if control_rig not in level_sequence.rigs:
            raise Exception("control rig is not in this level sequence")
        if control_rig.get_hierarchy().controls.get(control_name) != kind:
            raise Exception(f"{control_name} is not a {kind} control")
        frames, values = list(frames), list(values)
        if len(frames) != len(values):
            raise Exception("frames and values differ in length")
        for frame in frames:
            _check(frame, FrameNumber, "frames element")
        for value in values:
            _check(value, item_type, "values element")
        control_rig.keys[control_name] = ([f.value for f in frames], values)

    @classmethod
    def set_local_control_rig_floats(cls, level_sequence, control_rig, control_name, frames, values,
                                     time_unit=MovieSceneTimeUnit.DISPLAY_RATE) -> None:
        cls._set(level_sequence, control_rig, control_name, frames, values, time_unit, "float", (int, float))

    @classmethod
    def set_local_control_rig_vector2ds(cls, level_sequence, control_rig, control_name, frames, values,
                                        time_unit=MovieSceneTimeUnit.DISPLAY_RATE) -> None:
        cls._set(level_sequence, control_rig, control_name, frames, values, time_unit, "vector2d", Vector2D)

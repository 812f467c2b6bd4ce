"""The rig: the 174 face-board controls and their sequences (``controls``), below their file formats (``formats``).

Everything a caller needs is importable from here: ``from medtalk.rig import RigSequence, read_rig``.
"""

from medtalk.rig.controls import (
    CONTROL_NAMES,
    CONTROLS,
    DEFAULT_FPS,
    INT_CONTROL_NAMES,
    NUM_CONTROLS,
    RANGE_HI,
    RANGE_LO,
    RANGE_TOLERANCE,
    REST_POSE,
    S_ARTIC,
    S_EMO,
    S_INT,
    S_LIP,
    S_UP,
    Control,
    RigSequence,
    clip_to_range,
    index,
    indices,
    pseudo_intensity,
    resample_frames,
    validate,
)
from medtalk.rig.formats import RIG_EXTENSIONS, format_rows, read_rig, write_rig

__all__ = [
    "CONTROL_NAMES", "CONTROLS", "DEFAULT_FPS", "INT_CONTROL_NAMES", "NUM_CONTROLS", "RANGE_HI", "RANGE_LO",
    "RANGE_TOLERANCE", "REST_POSE", "S_ARTIC", "S_EMO", "S_INT", "S_LIP", "S_UP", "Control", "RigSequence",
    "clip_to_range", "index", "indices", "pseudo_intensity", "resample_frames", "validate",
    "RIG_EXTENSIONS", "format_rows", "read_rig", "write_rig",
]

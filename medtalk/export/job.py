"""What one export needs: the rig, where each file goes, and the user's options."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from medtalk.export.curves import CurveTable, default_table, load_table
from medtalk.rig import RigSequence

DEFAULT_SKELETON = "/Game/MetaHumans/Common/Face/Face_Archetype_Skeleton"
DEFAULT_CONTENT_PATH = "/Game/MedTalk"


@dataclass(frozen=True)
class ExportOptions:
    """Target-specific choices; every field has a working default.

    ``skeleton``/``content_path``/``level_sequence``: Unreal asset paths (an
    empty level sequence means the one open in Sequencer); ``namespace``: the
    Maya namespace of the face board; ``mesh``: the Blender object (empty: the
    active one); ``curve_table``: a JSON board->curve table replacing the
    default; ``shape_key_map``: JSON ``{ARKit name: shape key}`` for Blender;
    ``start_frame``: first key frame in Maya and Blender.
    """

    skeleton: str = DEFAULT_SKELETON
    content_path: str = DEFAULT_CONTENT_PATH
    level_sequence: str = ""
    namespace: str = ""
    mesh: str = ""
    curve_table: Path | None = None
    shape_key_map: Path | None = None
    start_frame: int = 0


@dataclass
class ExportJob:
    """One export: ``paths`` maps each artifact kind to its output file."""

    rig: RigSequence
    name: str
    paths: dict[str, Path]
    options: ExportOptions = field(default_factory=ExportOptions)

    @property
    def export_dir(self) -> Path:
        return next(iter(self.paths.values())).parent.resolve()

    @cached_property
    def table(self) -> CurveTable:
        """The board->curve table: the user's if given, else the default."""
        return load_table(self.options.curve_table) if self.options.curve_table else default_table()

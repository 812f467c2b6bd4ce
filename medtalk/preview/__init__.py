"""2D front-view face preview driven by the 174 MetaHuman board controls.

- :func:`render_frame`: one frame ``(174,)`` -> a ``PIL.Image``;
- :func:`render_video`: a rig (plus optional audio) -> an H.264 MP4;
- :func:`render_sheet`: several rigs side by side in one PNG.

See ``docs/PREVIEW.md`` for which controls move what.
"""

from medtalk.preview.draw import render_frame
from medtalk.preview.sheet import pick_frame, render_sheet, rig_label
from medtalk.preview.video import render_video

__all__ = ["pick_frame", "render_frame", "render_sheet", "render_video", "rig_label"]

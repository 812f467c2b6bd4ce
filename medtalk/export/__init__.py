"""Getting a rig into the tools people use: Unreal, Maya, Blender, ARKit, Live Link.

- :func:`export_rig` writes a target's files (scripts for the host application
  plus the CSV data they read); see ``docs/EXPORT.md`` for the steps in each tool;
- :func:`stream` sends a rig in real time as Live Link Face UDP packets.

One module per target (``unreal``, ``maya``, ``blender``, ``arkit``,
``livelink``), the board->curve table in ``curves``, and the registry of
targets in ``registry``.
"""

from medtalk.export.job import ExportOptions
from medtalk.export.livelink import LiveLinkSender, parse_target, stream
from medtalk.export.registry import TARGET_NAMES, export_rig

__all__ = ["ExportOptions", "LiveLinkSender", "TARGET_NAMES", "export_rig", "parse_target", "stream"]

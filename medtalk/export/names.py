"""Names of face-board controls as the tools spell them.

Our rig columns are called ``CTRL_L_brow_down-translateY`` (the EmoFace
spelling); Maya and Unreal address the same channel as the control node
``CTRL_L_brow_down`` and its ``translateY`` attribute (Unreal's Control Rig as a
float control, or the Y of a 2D control). This module converts between them
and keeps the two facts every board exporter needs:

- the four *settings* on the board (``CTRL_lookAtSwitch`` and the three
  ``CTRL_neckCorrectivesMultiplyer`` controls) configure the character and are
  not animation: exporters leave them as the character has them;
- UE 5.6 and later MetaHumans renamed the tongue controls. The map below keeps
  every channel; the generated scripts detect the newer board by its
  ``CTRL_C_tongue_move`` control and rename, instead of dropping channels.
"""

from __future__ import annotations

from medtalk.rig import CONTROL_NAMES

# Board controls that are settings, not animation (INTEGRATION.md).
SETTING_NODES = (
    "CTRL_lookAtSwitch",
    "CTRL_neckCorrectivesMultiplyerD",
    "CTRL_neckCorrectivesMultiplyerM",
    "CTRL_neckCorrectivesMultiplyerU",
)

# Legacy (<= UE 5.5, the published 174-channel list) -> UE 5.6+ control node.
# Axes are unchanged. The 5.6 board also has controls with no legacy source
# (a one-axis ``CTRL_C_tongue_roll`` and ``CTRL_C_tongue_thickThin``): they stay
# at rest. Our ``CTRL_C_tongue_roll`` is the legacy two-axis control that 5.6
# calls ``bendTwist``, which is why the rename is applied to the whole board at
# once and never per control.
UE56_RENAMES = {
    "CTRL_C_tongue": "CTRL_C_tongue_move",
    "CTRL_C_tongue_tip": "CTRL_C_tongue_tipMove",
    "CTRL_C_tongue_roll": "CTRL_C_tongue_bendTwist",
    "CTRL_C_tongue_narrowWide": "CTRL_C_tongue_wideNarrow",
}
# A control only the renamed (UE 5.6+) board has: its presence selects the map.
UE56_MARKER = "CTRL_C_tongue_move"


def split_channel(name: str) -> tuple[str, str]:
    """``CTRL_C_jaw-translateX`` -> (``CTRL_C_jaw``, ``translateX``)."""
    node, sep, attribute = name.rpartition("-")
    if not sep or attribute not in ("translateX", "translateY"):
        raise ValueError(f"not a board channel name: {name!r}")
    return node, attribute


def board_channels() -> list[list[str]]:
    """``[column, node, attribute]`` of the 170 animated channels (settings left out)."""
    channels = []
    for name in CONTROL_NAMES:
        node, attribute = split_channel(name)
        if node not in SETTING_NODES:
            channels.append([name, node, attribute])
    return channels

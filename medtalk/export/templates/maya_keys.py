# --- Maya: key the MetaHuman face-board controls (translateX/Y of CTRL_* nodes) ---
import maya.api.OpenMaya as om
import maya.api.OpenMayaAnim as oma
import maya.cmds as cmds


def _bulk_keys(plug_name, times, values):
    """One anim curve, every key in one call: seconds for a 10-minute take."""
    selection = om.MSelectionList()
    selection.add(plug_name)
    plug = selection.getPlug(0)
    curve = oma.MFnAnimCurve()
    curve.create(plug, oma.MFnAnimCurve.kAnimCurveTL)
    curve.addKeys(times, values)


def main(config):
    columns = [c[0] for c in config["channels"]]
    board = read_columns(find_data(config["data_file"], config["export_dir"]), columns)
    num_frames = len(board[columns[0]])
    start = config["start_frame"]
    cmds.currentUnit(time=config["time_unit"])
    cmds.playbackOptions(minTime=start, maxTime=start + num_frames - 1,
                         animationStartTime=start, animationEndTime=start + num_frames - 1)
    prefix = config["namespace"] + ":" if config["namespace"] else ""
    renames = config["renames"] if cmds.objExists(prefix + config["renamed_board_marker"]) else {}
    unit = om.MTime.uiUnit()
    times = [om.MTime(start + i, unit) for i in range(num_frames)]
    missing = []
    plain = []  # plugs keyed with cmds.setKeyframe
    keyed = 0
    for column, node, attribute in config["channels"]:
        plug_name = "%s%s.%s" % (prefix, renames.get(node, node), attribute)
        if not cmds.objExists(plug_name):
            missing.append(plug_name)
            continue
        cmds.cutKey(plug_name, clear=True)
        values = board[column]
        if config["bulk"]:
            try:
                _bulk_keys(plug_name, times, values)
                keyed += 1
                continue
            except RuntimeError as err:  # e.g. a locked or connected plug: key it the plain way
                print("medtalk: bulk keying failed on %s (%s); using cmds.setKeyframe" % (plug_name, err))
        plain.append(plug_name)
        for i, value in enumerate(values):
            cmds.setKeyframe(plug_name, time=start + i, value=value)
        keyed += 1
    if missing:
        print("medtalk: %d board attributes not found, e.g. %s (check CONFIG['namespace'])"
              % (len(missing), missing[0]))
    print("medtalk: keyed %d board attributes x %d frames at %s" % (keyed, num_frames, config["time_unit"]))
    return {"keyed": keyed, "missing": missing, "plain": plain, "frames": num_frames,
            "renamed": bool(renames)}

# --- Unreal Editor: key the Face_ControlBoard_CtrlRig controls in a Level Sequence ---
import unreal


def _face_board(sequence, class_fragment):
    for proxy in unreal.ControlRigSequencerLibrary.get_control_rigs(sequence):
        rig = proxy.control_rig
        if rig is not None and class_fragment in rig.get_class().get_name():
            return rig
    raise RuntimeError("medtalk: no %s track in this Level Sequence; add your MetaHuman with its face "
                       "board first" % class_fragment)


def main(config):
    columns = [c[0] for c in config["channels"]]
    board = read_columns(find_data(config["data_file"], config["export_dir"]), columns)
    num_frames = len(board[columns[0]])
    if config["level_sequence"]:
        sequence = unreal.load_asset(config["level_sequence"])
    else:
        sequence = unreal.LevelSequenceEditorBlueprintLibrary.get_current_level_sequence()
    if sequence is None:
        raise RuntimeError("medtalk: open the Level Sequence with your MetaHuman, "
                           "or set CONFIG['level_sequence']")
    numerator, denominator = config["frame_rate"]
    sequence.set_display_rate(unreal.FrameRate(numerator, denominator))
    sequence.set_playback_start(0)
    sequence.set_playback_end(num_frames)
    rig = _face_board(sequence, config["control_rig"])
    hierarchy = rig.get_hierarchy()

    def exists(name):
        return hierarchy.contains(unreal.RigElementKey(unreal.RigElementType.CONTROL, name))

    renames = config["renames"] if exists(config["renamed_board_marker"]) else {}
    # UE 5.0 called the enum SequenceTimeUnit, later versions MovieSceneTimeUnit
    unit_enum = getattr(unreal, "MovieSceneTimeUnit", None) or unreal.SequenceTimeUnit
    frames = [unreal.FrameNumber(i) for i in range(num_frames)]
    by_node = {}
    for column, node, attribute in config["channels"]:
        by_node.setdefault(node, {})[attribute] = board[column]
    missing = []
    for node, axes in by_node.items():
        name = renames.get(node, node)
        if not exists(name):
            missing.append(name)
            continue
        if len(axes) == 2:
            values = [unreal.Vector2D(x, y) for x, y in zip(axes["translateX"], axes["translateY"])]
            unreal.ControlRigSequencerLibrary.set_local_control_rig_vector2ds(
                sequence, rig, name, frames, values, unit_enum.DISPLAY_RATE)
        else:
            unreal.ControlRigSequencerLibrary.set_local_control_rig_floats(
                sequence, rig, name, frames, axes["translateY"], unit_enum.DISPLAY_RATE)
    if missing:
        unreal.log_warning("medtalk: the face board has no control %s" % ", ".join(missing))
    keyed = len(by_node) - len(missing)
    unreal.log("medtalk: keyed %d face-board controls x %d frames" % (keyed, num_frames))
    return {"keyed": keyed, "missing": missing, "frames": num_frames, "renamed": bool(renames)}

# --- Unreal Editor: bake CTRL_expressions_* curves into a new AnimSequence ---
import unreal


def main(config):
    names = config["curves"]
    curves = read_columns(find_data(config["data_file"], config["export_dir"]), names)
    num_frames = len(curves[names[0]]) if names else 0
    numerator, denominator = config["frame_rate"]
    skeleton = unreal.load_asset(config["skeleton"])
    if skeleton is None:
        raise RuntimeError("medtalk: no skeleton at %s; set CONFIG['skeleton'] to your face skeleton"
                           % config["skeleton"])
    folder = config["content_path"].rstrip("/")
    asset_path = folder + "/" + config["asset_name"]
    if unreal.EditorAssetLibrary.does_asset_exist(asset_path):
        if not config["overwrite"]:
            raise RuntimeError("medtalk: %s exists; delete it or set CONFIG['overwrite'] = True" % asset_path)
        unreal.EditorAssetLibrary.delete_asset(asset_path)

    factory = unreal.AnimSequenceFactory()
    factory.set_editor_property("target_skeleton", skeleton)
    tools = unreal.AssetToolsHelpers.get_asset_tools()
    sequence = tools.create_asset(config["asset_name"], folder, unreal.AnimSequence, factory)
    if sequence is None:
        raise RuntimeError("medtalk: Unreal could not create %s" % asset_path)

    # one undo bracket, so the whole import is one edit of the data model
    controller = sequence.get_editor_property("controller")
    controller.open_bracket("medtalk: facial curves", True)
    controller.set_frame_rate(unreal.FrameRate(numerator, denominator), True)
    controller.set_number_of_frames(unreal.FrameNumber(max(1, num_frames - 1)), True)
    # key times from the frame index: exact, unlike the rounded time column
    times = [i * denominator / float(numerator) for i in range(num_frames)]
    with unreal.ScopedSlowTask(len(names), "medtalk: keying facial curves") as task:
        task.make_dialog(False)
        for name in names:
            task.enter_progress_frame(1)
            unreal.AnimationLibrary.add_curve(sequence, name, unreal.RawCurveTrackTypes.RCT_FLOAT, False)
            unreal.AnimationLibrary.add_float_curve_keys(sequence, name, times, curves[name])
    controller.close_bracket(True)
    unreal.EditorAssetLibrary.save_loaded_asset(sequence)
    unreal.log("medtalk: %s with %d curves x %d frames" % (asset_path, len(names), num_frames))
    return {"asset": asset_path, "curves": len(names), "frames": num_frames}

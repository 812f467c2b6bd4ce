# --- Blender: an Action on a mesh's ARKit-named shape keys ---
import bpy


def _new_fcurve(action, key, data_path):
    # Blender 4.4+ stores F-curves in action slots; 5.0 removed action.fcurves
    if hasattr(action, "fcurve_ensure_for_datablock"):
        return action.fcurve_ensure_for_datablock(key, data_path)
    return action.fcurves.new(data_path)


def main(config):
    columns = list(config["shapes"])
    frames = read_columns(find_data(config["data_file"], config["export_dir"]), columns)
    num_frames = len(frames[columns[0]])
    obj = bpy.data.objects.get(config["mesh"]) if config["mesh"] else bpy.context.active_object
    if obj is None:
        raise RuntimeError("medtalk: no mesh %s; select your head mesh or set CONFIG['mesh']"
                           % (config["mesh"] or "selected"))
    key = getattr(obj.data, "shape_keys", None)
    if key is None:
        raise RuntimeError("medtalk: %s has no shape keys" % obj.name)

    scene = bpy.context.scene
    fps = config["fps"]
    scene.render.fps = max(1, int(round(fps)))
    scene.render.fps_base = scene.render.fps / fps
    start = config["start_frame"]
    scene.frame_start = start
    scene.frame_end = start + num_frames - 1

    action = bpy.data.actions.new(config["action_name"])
    if key.animation_data is None:
        key.animation_data_create()
    key.animation_data.action = action
    missing = []
    for column, shape in config["shapes"].items():
        if shape not in key.key_blocks:
            missing.append(shape)
            continue
        data_path = 'key_blocks["%s"].value' % shape.replace('"', '\\"')
        fcurve = _new_fcurve(action, key, data_path)
        fcurve.keyframe_points.add(num_frames)
        points = []
        for i, value in enumerate(frames[column]):
            points += (start + i, value)
        fcurve.keyframe_points.foreach_set("co", points)
        fcurve.update()
    if missing:
        print("medtalk: %s has no shape key %s (see --shape-key-map)" % (obj.name, ", ".join(missing)))
    keyed = len(columns) - len(missing)
    print("medtalk: action %s keys %d shape keys x %d frames" % (action.name, keyed, num_frames))
    return {"action": action.name, "keyed": keyed, "missing": missing, "frames": num_frames}

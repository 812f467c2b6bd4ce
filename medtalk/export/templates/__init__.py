"""Sources of the scripts medtalk generates for Unreal, Maya and Blender.

These files are read as text (:mod:`medtalk.export.scripts`) and pasted into a
generated script after :mod:`common`; they are never imported by medtalk, as
they import the host application's own modules (``unreal``, ``maya``, ``bpy``).
Each defines ``main(config)``, called at the end of the generated script with
the ``CONFIG`` literal medtalk writes; ``main`` returns a summary dict.
"""

"""Stage-4 guidance inputs: text descriptions and reference face photos.

- :mod:`describe`: training descriptions of synthetic clips (``describe_clip``, ``describe_pose``);
- :mod:`landmarks`: MediaPipe face-mesh landmarks of a photo;
- :mod:`descriptor`: a pose-, position- and scale-invariant expression descriptor;
- :mod:`face_model`: landmarks synthesised from board poses, and the inverse ``fit_pose``.

Submodules import their heavy dependencies (MediaPipe, scipy) themselves;
this package imports nothing.
"""

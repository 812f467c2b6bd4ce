"""Baselines for the results (docs/RESULTS.md): a FaceFormer-style model, end-to-end training without
the disentangled space (both trained by the one loop, ``medtalk train --arch``), and the procedural
performer driven by a forced alignment (not learned)."""

"""The RAVDESS playful smile, as a photo and as its description: does it drive a smiling upper face?

Run: .venv/bin/python benchmarks/guidance_reference.py [--model PATH] [--audio examples/jfk.flac]
         [--sheet docs/img/guidance_sheet.png --force]
Animates one sentence (default: the JFK example with its transcript) with
the installed model under the neutral label, the happy label, the
description in ``ravdess_01-01-03-02-01-01-24.txt``, the photo
``ravdess_01-01-03-02-01-01-24.png`` (both in ../shared/reference/real) and
two more descriptions, and prints the mean mouth-corner pull and cheek raise
(both sides) of each over the whole clip. Issue 4: photo and description
must both be above neutral. ``--sheet`` draws the same frame of each
animation side by side (``medtalk preview --sheet``), the photo last.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from _common import REAL, load_measured_model

ROOT = Path(__file__).resolve().parents[1]
PHOTO = REAL / "ravdess_01-01-03-02-01-01-24.png"
MORE = ("a tight-lipped, simmering glare", "wide-eyed and shaken, as if hearing a noise in the night")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, help="model file (default: the installed model)")
    parser.add_argument("--audio", type=Path, default=ROOT / "examples" / "jfk.flac")
    parser.add_argument("--seconds", type=float, default=6.0, help="animate only the first SECONDS of the audio")
    parser.add_argument("--sheet", type=Path, help="write the side-by-side preview sheet here (.png)")
    parser.add_argument("--force", action="store_true")
    args = parser.parse_args()
    if not PHOTO.is_file():
        raise SystemExit(f"{PHOTO} is not here (the reference folder is only in the developers' checkout)")

    import torch

    from medtalk.audio import SAMPLE_RATE, load_audio
    from medtalk.infer import animate
    from medtalk.rig import index

    torch.set_num_threads(1)
    model = load_measured_model(args.model)
    wave = load_audio(args.audio)[: round(args.seconds * SAMPLE_RATE)]
    transcript_file = args.audio.with_suffix(".txt")
    transcript = transcript_file.read_text().strip() if transcript_file.is_file() else None
    if transcript and args.seconds:  # the words said in the first SECONDS, in proportion
        words = transcript.split()
        total = len(load_audio(args.audio)) / SAMPLE_RATE
        transcript = " ".join(words[: max(1, round(len(words) * min(1.0, args.seconds / total)))])
    description = PHOTO.with_suffix(".txt").read_text().strip()
    runs = {
        "neutral (label)": dict(emotion="neutral"),
        "happy (label)": dict(emotion="happy"),
        "RAVDESS description": dict(describe=description),
        "RAVDESS photo": dict(reference=PHOTO),
        **{f"'{text}'": dict(describe=text) for text in MORE},
    }
    rigs = {name: animate(wave, transcript=transcript, model=model, **kw) for name, kw in runs.items()}
    corners = [index(f"CTRL_{s}_mouth_cornerPull-translateY") for s in "LR"]
    cheeks = [index(f"CTRL_{s}_eye_cheekRaise-translateY") for s in "LR"]
    brows = [index(f"CTRL_{s}_brow_raiseIn-translateY") for s in "LR"]
    print(f"{args.audio.name}, first {args.seconds:g} s; mean over frames, both sides")
    print(f"{'guidance':62s} {'cornerPull':>10s} {'cheekRaise':>10s} {'brow_raiseIn':>12s}")
    for name, rig in rigs.items():
        v = rig.values
        print(f"{name[:62]:62s} {v[:, corners].mean():10.3f} {v[:, cheeks].mean():10.3f} {v[:, brows].mean():12.3f}")
    if args.sheet is not None:
        _sheet(rigs, args.sheet, args.force)
        print(f"wrote {args.sheet}")


def _sheet(rigs: dict, path: Path, force: bool, size: int = 320) -> None:
    """One frame of every animation (the happy label's most expressive), then the photo itself."""
    from PIL import Image

    from medtalk.files import atomic_output
    from medtalk.preview.sheet import pick_frame, render_sheet

    frame = pick_frame(rigs["happy (label)"])
    panels = [(name, rig.values[frame]) for name, rig in rigs.items()]
    with atomic_output(path, force=force) as tmp:
        faces = tmp.with_name(tmp.stem + ".faces.png")
        render_sheet(panels, faces, size=size, force=True)
        sheet = Image.open(faces).convert("RGB")
        faces.unlink()
        photo = Image.open(PHOTO).convert("RGB")
        photo.thumbnail((sheet.height, sheet.height))
        out = Image.new("RGB", (sheet.width + photo.width, sheet.height), "white")
        out.paste(sheet, (0, 0))
        out.paste(photo, (sheet.width, (sheet.height - photo.height) // 2))
        out.save(tmp, format="PNG")


if __name__ == "__main__":
    main()

"""Studio: time from clicking Animate to the first playback for 10 s of audio, in a real browser.

Run: .venv/bin/python benchmarks/studio_speed.py [--repeats 5] [--screenshots docs/img]
Starts ``medtalk studio`` on 127.0.0.1 with a fresh work folder, opens the page
in headless Chromium (/usr/bin/chromium), uploads the first 10 s of
examples/jfk.flac and clicks Animate ``repeats`` times. For each click it
prints the time until the audio element fires ``playing`` with the face drawn
(measured in the page), the server's own job time, and the longest gap between
animation frames while the job ran (how usable the page stayed). The first
click also loads the model in the server. ``--screenshots`` writes the
studio_*.png pictures of docs/STUDIO.md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))  # the tests' real server and browser launchers
from studio_helpers import chromium, studio_server

SECONDS = 10.0
# armed before a click: the click time, then the first `playing` with a frame drawn, and the
# longest gap between animation frames in between
ARM = """() => {
  const player = document.getElementById('player'), face = document.getElementById('face-a');
  const m = window.__measure = {gap: 0, playing: null};
  document.getElementById('animate').addEventListener('click', () => { m.click = performance.now(); }, {once: true, capture: true});
  let last = performance.now();
  const tick = now => { m.gap = Math.max(m.gap, now - last); last = now; if (m.playing === null) requestAnimationFrame(tick); };
  requestAnimationFrame(tick);
  player.addEventListener('playing', () => { m.playing = performance.now(); m.frame = face.dataset.frame; }, {once: true});
}"""


def clip(seconds: float, folder: Path) -> Path:
    out = folder / f"line{seconds:g}s.flac"
    subprocess.run(["ffmpeg", "-v", "error", "-i", str(ROOT / "examples" / "jfk.flac"), "-t", str(seconds),
                    "-c:a", "flac", str(out)], check=True)
    return out


def measure(page) -> dict:
    page.evaluate(ARM)
    page.click("#animate")
    page.wait_for_function("window.__measure.playing !== null", timeout=300_000)
    m = page.evaluate("window.__measure")
    take = page.evaluate("fetch('/api/takes').then(r => r.json()).then(t => t[0])")
    page.evaluate("document.getElementById('player').pause()")
    return {"first_play_s": (m["playing"] - m["click"]) / 1000, "job_s": take["elapsed"],
            "max_frame_gap_ms": m["gap"], "frame": m["frame"]}


def screenshots(page, folder: Path, scratch: Path) -> None:
    """The pictures in docs/STUDIO.md: a directed take with a timeline, two takes compared, an error."""
    for emotion, weight in (("neutral", "0"), ("happy", "0.7"), ("surprised", "0.3")):
        page.fill(f"#blend-{emotion}", weight)
    page.fill("#transcript", "And so my fellow Americans, ask not what your country can do for you")
    box = page.locator("#timeline").bounding_box()
    y = box["y"] + box["height"] / 2
    for a, b, label in ((2.6, 5.0, "sad"), (6.5, 9.0, "angry")):
        page.mouse.move(box["x"] + box["width"] * a / SECONDS, y)
        page.mouse.down()
        page.mouse.move(box["x"] + box["width"] * b / SECONDS, y, steps=6)
        page.mouse.up()
        page.select_option("#seg-label", label)
    measure(page)
    takes = page.evaluate("fetch('/api/takes').then(r => r.json())")
    page.click(f"tr[data-take='{takes[1]['id']}'] button[data-act='b']")
    page.wait_for_selector("#figure-b:not([hidden])")
    page.select_option("#curve-add", "CTRL_R_mouth_cornerDepress-translateY")
    duration = page.evaluate("document.getElementById('player').duration")
    page.fill("#scrub", f"{3.9 / duration:.5f}")
    page.wait_for_timeout(300)
    page.screenshot(path=str(folder / "studio_overview.png"))
    page.locator(".faces").screenshot(path=str(folder / "studio_compare.png"))
    notes = scratch / "notes.flac"
    notes.write_text("not audio at all\n")
    page.set_input_files("#audio-file", str(notes))
    page.wait_for_function("document.getElementById('error').textContent")
    page.locator("#take").screenshot(path=str(folder / "studio_error.png"))
    print(f"wrote {folder}/studio_overview.png, studio_compare.png, studio_error.png")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--screenshots", type=Path, help="folder for the docs' studio_*.png")
    args = parser.parse_args()
    print(f"machine: {platform.machine()}, {len(os.sched_getaffinity(0))} cores, load average "
          f"{os.getloadavg()[0]:.1f} at the start; chromium headless")
    with tempfile.TemporaryDirectory(prefix="studio-bench-") as tmp, studio_server(Path(tmp) / "work") as url, \
            chromium() as browser:
        line = clip(SECONDS, Path(tmp))
        page = browser.new_page()
        page.goto(url + "/")
        page.wait_for_selector("body[data-ready='1']")
        page.set_input_files("#audio-file", str(line))
        page.wait_for_function("document.getElementById('audio-info').textContent.startsWith('line')")
        runs = [measure(page) for _ in range(args.repeats)]
        for n, run in enumerate(runs):
            print(f"click {n + 1}{' (loads the model)' if n == 0 else ''}: first playback "
                  f"{run['first_play_s']:.2f} s after the click (job {run['job_s']:.2f} s on the server), "
                  f"longest frame gap {run['max_frame_gap_ms']:.0f} ms, face at frame {run['frame']}")
        warm = np.array([r["first_play_s"] for r in runs[1:]])
        if len(warm):
            print(f"{SECONDS:g} s of audio, warm: click to first playback median {np.median(warm):.2f} s "
                  f"(min {warm.min():.2f}, max {warm.max():.2f}) over {len(warm)} clicks; "
                  f"cold (first click) {runs[0]['first_play_s']:.2f} s")
        print(f"load average at the end {os.getloadavg()[0]:.1f}")
        print(json.dumps({"seconds": SECONDS, "runs": runs}))
        if args.screenshots is not None:
            screenshots(page, args.screenshots, Path(tmp))


if __name__ == "__main__":
    main()

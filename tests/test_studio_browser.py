"""The studio page end to end in a real headless Chromium (Debian's), against a real server."""

from __future__ import annotations

import json
import re
import os
import socket
import subprocess
import sys
import zipfile
from pathlib import Path

import numpy as np
import pytest
from studio_helpers import ROOT, chromium, studio_server
from test_studio_api import request, upload, wait_take

from medtalk.export.livelink import decode
from medtalk.preview.board import Board
from medtalk.preview.face import eye
from medtalk.preview.mouth import mouth_geometry

pytestmark = pytest.mark.slow
JFK = ROOT / "examples" / "jfk.flac"
# the mouth on the 360 px face canvas: face units (0.42..0.58, 0.66..0.80) in the page's 0.05 + 0.9 view
MOUTH_BOX = (138, 244, 84, 60)  # x, y, width, height in canvas pixels
# counts the pixels of the open mouth's inside colour (62, 22, 28) in the mouth box of a canvas
DARK_PIXELS = """(id) => {
  const c = document.getElementById(id), [x, y, w, h] = %s;
  const d = c.getContext('2d').getImageData(x, y, w, h).data;
  let n = 0;
  for (let i = 0; i < d.length; i += 4)
    if (Math.abs(d[i] - 62) + Math.abs(d[i + 1] - 22) + Math.abs(d[i + 2] - 28) < 40) n++;
  return n;
}""".replace("%s", json.dumps(MOUTH_BOX))


@pytest.fixture(scope="module")
def studio(tmp_path_factory):
    work = tmp_path_factory.mktemp("studio") / "work"
    with studio_server(work) as url:
        yield url, work


@pytest.fixture(scope="module")
def browser():
    with chromium() as context:
        yield context


@pytest.fixture
def page(browser, studio):
    """A fresh page; after the test, no script error happened and every request stayed on the studio."""
    page = browser.new_page()
    errors: list[str] = []
    elsewhere: list[str] = []
    page.on("pageerror", lambda err: errors.append(str(err)))
    local = (studio[0] + "/", "data:", "blob:")
    page.on("request", lambda r: None if r.url.startswith(local) else elsewhere.append(r.url))
    page.goto(studio[0] + "/")
    page.wait_for_selector("body[data-ready='1']", timeout=30_000)
    yield page
    page.close()
    assert errors == [], errors
    assert elsewhere == [], elsewhere


def load_audio(page, path: Path) -> None:
    page.set_input_files("#audio-file", str(path))
    page.wait_for_function(f"document.getElementById('audio-info').textContent.startsWith({json.dumps(path.name)})",
                           timeout=30_000)


def animate(page) -> dict:
    """Click Animate and wait for the take to play; returns the newest take's record."""
    page.click("#animate")
    page.wait_for_function("document.getElementById('stage').textContent.startsWith('done') || "
                           "document.getElementById('error').textContent", timeout=180_000)
    assert page.text_content("#error") == ""
    return request(page.url.rstrip("/") + "/api/takes")[1][0]


def mouth_opening(frames: np.ndarray) -> np.ndarray:
    """The preview's mouth opening (face units) per frame: what the page's face port draws."""
    return np.array([mouth_geometry(Board(f)).opening for f in frames])


def rank_correlation(a: np.ndarray, b: np.ndarray) -> float:
    """Spearman's rho: the pixel count grows with the opening, though not in proportion."""
    ranks = [np.argsort(np.argsort(x, kind="stable")).astype(float) for x in (a, b)]
    return float(np.corrcoef(*ranks)[0, 1])


def seek(page, seconds: float) -> int:
    """Pause and scrub with the page's slider; returns the frame the face canvas drew."""
    page.evaluate("document.getElementById('player').pause()")
    duration = page.evaluate("document.getElementById('player').duration")
    page.fill("#scrub", f"{seconds / duration:.6f}")
    page.wait_for_function(f"Math.abs(document.getElementById('player').currentTime - {seconds}) < 0.01 && "
                           f"Math.abs(Number(document.getElementById('face-a').dataset.time) - {seconds}) < 0.01")
    return int(page.get_attribute("#face-a", "data-frame"))


def test_upload_blend_timeline_animate_play_in_sync_and_download(page, studio, tmp_path) -> None:
    load_audio(page, JFK)
    page.fill("#transcript", (ROOT / "examples" / "jfk.txt").read_text().strip())
    for emotion, weight in (("neutral", "0"), ("happy", "0.7"), ("surprised", "0.3")):
        page.fill(f"#blend-{emotion}", weight)
    drag(page, 3.0, 6.0, 11.0)
    page.select_option("#seg-label", "sad")
    take = animate(page)

    assert take["request"]["emotion"] == "happy:0.7,surprised:0.3"
    [segment] = take["request"]["timeline"]["segments"]
    assert segment["label"] == "sad" and abs(segment["start"] - 3) < 0.1 and abs(segment["end"] - 6) < 0.1
    from medtalk.guidance.timeline import read_timeline

    [read] = read_timeline(studio[1] / "takes" / take["id"] / "timeline.json")  # the CLI's reader takes it
    assert str(read.guide) == "sad"

    rig = request(f"{studio[0]}/api/takes/{take['id']}/rig.json")[1]
    frames, fps = np.asarray(rig["frames"]), rig["fps"]
    opening = mouth_opening(frames)
    speech = slice(round(0.3 * fps), round(10.5 * fps))
    open_frame = speech.start + int(np.argmax(opening[speech]))
    closed_frame = speech.start + int(np.argmin(opening[speech]))
    assert opening[open_frame] - opening[closed_frame] > 0.02

    # scrubbing: the face shows the frame under the playhead, mouth open or shut as the rig says
    counts = {}
    for frame in (open_frame, closed_frame):
        assert seek(page, (frame + 0.5) / fps) == frame
        counts[frame] = page.evaluate(DARK_PIXELS, "face-a")
    assert counts[open_frame] > 100 and counts[closed_frame] == 0, counts

    # playback: every animation frame, the face drawn matches the audio clock and the rig's mouth
    seek(page, 0.0)
    samples = page.evaluate("""(dark) => new Promise(done => {
      const player = document.getElementById('player'), face = document.getElementById('face-a');
      const count = eval(dark), out = [];
      player.play();
      const tick = () => {
        if (!player.paused && player.currentTime > 0)
          out.push([player.currentTime, Number(face.dataset.time), Number(face.dataset.frame), count('face-a')]);
        if (player.currentTime < 6) requestAnimationFrame(tick); else { player.pause(); done(out); }
      };
      requestAnimationFrame(tick);
    })""", DARK_PIXELS)
    samples = np.array(samples)
    assert len(samples) > 100, len(samples)
    clock, drawn_time, drawn_frame, dark = samples.T
    assert np.abs(drawn_frame - np.floor(drawn_time * fps)).max() <= 1  # data-time is rounded to 0.1 ms
    # the face drawn is never older than the previous display frame, however late frames come on a busy machine
    assert (drawn_time[1:] >= clock[:-1] - 0.002).all()
    assert np.median(clock - drawn_time) < 0.02
    assert clock[-1] - clock[0] > 5.0  # the audio really played
    # the drawn mouth follows the rig's mouth at the frame the audio is at, not a few frames off
    lags = np.arange(-20, 21)
    agreement = [rank_correlation(dark, opening[np.clip(drawn_frame.astype(int) + lag, 0, len(opening) - 1)])
                 for lag in lags]
    assert agreement[20] > 0.8 and abs(lags[int(np.argmax(agreement))]) <= 1, dict(zip(lags, agreement))

    with page.expect_download() as download:
        page.click(f"tr[data-take='{take['id']}'] a.export")
    bundle = tmp_path / "bundle.zip"
    download.value.save_as(bundle)
    with zipfile.ZipFile(bundle) as archive:
        names = set(archive.namelist())
        board = archive.read("jfk/jfk_board.csv").decode().splitlines()
    assert names == {f"jfk/{n}" for n in (
        "jfk.json", "jfk_arkit.csv", "jfk_blender.py", "jfk_board.csv", "jfk_curve_table.json",
        "jfk_expressions.csv", "jfk_maya.py", "jfk_unreal_anim.py", "jfk_unreal_ctrlrig.py", "timeline.json")}
    assert len(board) == 1 + len(frames) and board[0].startswith("time,CTRL_")


def test_the_page_face_is_the_preview_face(page) -> None:
    """face.js is a port of medtalk/preview: on varied frames its mouth and eye are the Python ones."""
    from medtalk.rig import CONTROL_NAMES, RANGE_HI, RANGE_LO, REST_POSE

    rng = np.random.default_rng(0)
    frames = np.vstack([REST_POSE, RANGE_LO + (RANGE_HI - RANGE_LO) * rng.uniform(0.3, 0.7, (40, len(REST_POSE)))])
    shown = page.evaluate("""async ([controls, frames]) => {
      const face = await import('/static/face.js'), columns = face.boardColumns(controls);
      return frames.map(f => {
        const b = new face.Board(columns, f), m = face.mouthGeometry(b), e = face.eye(b, "L", 1);
        return [m.opening, ...m.corners.flat(), ...m.aperture.flat(), ...m.upperLip.flat(), ...m.lowerLip.flat(),
                e.openness, ...e.iris, ...e.upper.flat(), ...e.lower.flat()];
      });
    }""", [list(CONTROL_NAMES), frames.tolist()])
    for values, got in zip(frames, shown):
        m, e = mouth_geometry(Board(values)), eye(Board(values), "L", 1.0)
        want = np.concatenate([[m.opening], m.corners.ravel(), m.aperture.ravel(), m.upper_lip.ravel(),
                               m.lower_lip.ravel(), [e.openness], e.iris, e.upper.ravel(), e.lower.ravel()])
        np.testing.assert_allclose(got, want, atol=1e-5)
    assert np.ptp([g[0] for g in shown]) > 0.01  # the frames really open and close the mouth


def drag(page, start: float, end: float, duration: float) -> None:
    """Drag on the timeline's waveform from ``start`` to ``end`` seconds."""
    box = page.locator("#timeline").bounding_box()
    y = box["y"] + box["height"] / 2
    page.mouse.move(box["x"] + box["width"] * start / duration, y)
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] * end / duration, y, steps=8)
    page.mouse.up()


def test_the_timeline_saves_and_loads_the_cli_json(page, browser, studio, tmp_path) -> None:
    from medtalk.guidance.timeline import read_timeline

    load_audio(page, JFK)
    drag(page, 1.0, 2.5, 11.0)
    page.select_option("#seg-kind", "description")
    page.fill("#seg-value", "a slow-dawning, sheepish grin")
    page.press("#seg-value", "Enter")
    drag(page, 7.0, 9.0, 11.0)
    page.select_option("#seg-kind", "blend")
    page.fill("#seg-value", "happy:0.6,surprised:0.4")
    page.press("#seg-value", "Enter")
    drag(page, 8.0, 9.5, 11.0)  # from inside the second segment: moves it 1.5 s later
    with page.expect_download() as download:
        page.click("#timeline-save")
    saved = tmp_path / "timeline.json"
    download.value.save_as(saved)
    segments = read_timeline(saved)  # what `medtalk animate --timeline` reads
    assert [(round(s.start, 1), round(s.end, 1), str(s.guide)) for s in segments] == [
        (1.0, 2.5, "description 'a slow-dawning, sheepish grin'"), (8.5, 10.5, "happy:0.60,surprised:0.40")]

    again = browser.new_page()
    again.goto(studio[0] + "/")
    again.wait_for_selector("body[data-ready='1']")
    load_audio(again, JFK)
    again.set_input_files("#timeline-file", str(saved))
    box = again.locator("#timeline").bounding_box()
    again.mouse.click(box["x"] + box["width"] * 9 / 11, box["y"] + box["height"] / 2)  # selects the second
    assert again.input_value("#seg-value") == "happy:0.6,surprised:0.4"
    assert (again.input_value("#seg-start"), again.input_value("#seg-end")) == ("8.5", "10.5")
    again.close()


def test_transcribe_fills_the_transcript(page) -> None:
    load_audio(page, JFK)
    page.click("#transcribe")
    page.wait_for_function("document.getElementById('transcript').value.length > 0", timeout=120_000)
    words = re.findall(r"[a-z]+", page.input_value("#transcript").lower())
    assert {"my", "fellow", "americans", "country"} <= set(words), words


def test_two_takes_side_by_side(page, studio) -> None:
    load_audio(page, JFK)
    page.select_option("#label", "angry")
    angry = animate(page)
    page.select_option("#label", "happy")
    happy = animate(page)
    page.click(f"tr[data-take='{angry['id']}'] button[data-act='b']")
    page.wait_for_selector("#figure-b:not([hidden])")
    assert "angry" in page.text_content("#caption-b") and "happy" in page.text_content("#caption-a")
    seek(page, 5.0 + 0.5 / 60)
    assert page.get_attribute("#face-a", "data-frame") == page.get_attribute("#face-b", "data-frame") == "300"
    a, b = (np.frombuffer(page.locator(f"#face-{s}").screenshot(), dtype=np.uint8) for s in "ab")
    assert happy["id"] != angry["id"] and a.tobytes() != b.tobytes()
    page.select_option("#curve-add", "CTRL_L_brow_down-translateY")
    assert "L_brow_down-translateY" in page.text_content("#curve-chips")


def test_the_page_says_busy_and_stays_usable(page, studio, tmp_path) -> None:
    url = studio[0]
    done = [t for t in request(f"{url}/api/takes")[1] if t["status"] == "done"]
    if not done:
        load_audio(page, JFK)
        done = [animate(page)]
    page.click(f"tr[data-take='{done[0]['id']}'] button[data-act='a']")
    page.wait_for_function("document.getElementById('face-a').dataset.frame !== undefined")
    long = tmp_path / "long.flac"  # jfk three times: transcribing and animating it takes a while
    subprocess.run(["ffmpeg", "-v", "error", "-stream_loop", "2", "-i", str(JFK), "-c:a", "flac", str(long)],
                   check=True)
    audio = upload(url, long.read_bytes(), name="long.flac")[1]
    slow = request(f"{url}/api/takes", "POST", doc={"audio": audio["id"]})[1]  # Whisper transcribes first
    page.wait_for_selector("#status.busy", timeout=10_000)
    assert page.text_content("#status").startswith("busy: animate")
    assert page.is_disabled("#animate")
    frames = {seek(page, t + 0.5 / 60) for t in (1.0, 2.0, 3.0)}  # scrubbing and drawing go on meanwhile
    assert frames == {60, 120, 180}
    assert request(f"{url}/api/takes/{slow['id']}")[1]["status"] in ("queued", "running")
    wait_take(url, slow["id"])
    page.wait_for_selector("#status:not(.busy)", timeout=10_000)


def cli_error(tmp_path: Path, *args: str) -> str:
    """The one line ``medtalk animate`` prints for these arguments, run in ``tmp_path``."""
    proc = subprocess.run([sys.executable, "-m", "medtalk", "animate", *args, "-o", "out.json"], cwd=tmp_path,
                          capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(ROOT)}, check=False)
    assert proc.returncode == 2, proc.stderr
    [line] = proc.stderr.strip().splitlines()
    return line


def test_not_audio_shows_the_cli_error(page, tmp_path) -> None:
    notes = tmp_path / "notes.flac"
    notes.write_text("these are my notes, not audio\n")
    page.set_input_files("#audio-file", str(notes))
    page.wait_for_function("document.getElementById('error').textContent")
    shown = page.text_content("#error")
    assert shown == cli_error(tmp_path, "notes.flac")
    assert shown.startswith("medtalk: error: notes.flac: not readable as audio (")


def test_a_malformed_timeline_shows_the_cli_error(page, tmp_path) -> None:
    plan = tmp_path / "timeline.json"
    plan.write_text(json.dumps({"segments": [{"start": 0, "end": 4, "label": "sad"},
                                             {"start": 3, "end": 5, "blend": "happy:0.5,angry"}]}))
    (tmp_path / "jfk.flac").write_bytes(JFK.read_bytes())
    load_audio(page, JFK)
    page.set_input_files("#timeline-file", str(plan))
    page.click("#animate")
    page.wait_for_function("document.getElementById('error').textContent")
    shown = page.text_content("#error")
    assert shown == cli_error(tmp_path, "jfk.flac", "--timeline", "timeline.json")
    assert "timeline.json: segment 2 (3-5 s) overlaps segment 1 (0-4 s)" in shown


def test_a_photo_without_a_face_shows_the_cli_error(page, tmp_path) -> None:
    from PIL import Image

    blank = tmp_path / "blank.png"
    Image.new("RGB", (256, 256), (200, 180, 160)).save(blank)
    (tmp_path / "jfk.flac").write_bytes(JFK.read_bytes())
    load_audio(page, JFK)
    page.set_input_files("#photo", str(blank))
    page.wait_for_selector("#photo-thumb:not([hidden])")
    page.click("#animate")
    page.wait_for_function("document.getElementById('error').textContent", timeout=120_000)
    shown = page.text_content("#error")
    assert shown == cli_error(tmp_path, "jfk.flac", "--reference", "blank.png")
    assert shown == "medtalk: error: blank.png: no face found in the image"


def test_record_in_the_browser(page) -> None:
    page.click("#record")  # Chromium's fake microphone: a beeping tone
    page.wait_for_function("document.getElementById('record').textContent.includes('Stop')")
    page.wait_for_timeout(1500)
    page.click("#record")
    page.wait_for_function("document.getElementById('audio-info').textContent.startsWith('recording.webm')",
                           timeout=30_000)
    seconds = float(page.text_content("#audio-info").split("·")[1].split()[0])
    assert 1.0 < seconds < 3.0
    assert not page.is_disabled("#animate")


def test_stream_a_take_to_live_link_from_the_page(page, studio) -> None:
    done = [t for t in request(f"{studio[0]}/api/takes")[1] if t["status"] == "done"]
    if not done:
        load_audio(page, JFK)
        done = [animate(page)]
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as unreal:
        unreal.bind(("127.0.0.1", 0))
        unreal.settimeout(10)
        page.fill("#livelink-target", f"127.0.0.1:{unreal.getsockname()[1]}")
        page.click(f"tr[data-take='{done[0]['id']}'] button[data-act='ll']")
        packets = [decode(unreal.recv(4096)) for _ in range(30)]
    assert [p.frame for p in packets] == list(range(packets[0].frame, packets[0].frame + 30))
    assert {p.subject for p in packets} == {"MEDTalk"}


def test_takes_survive_a_restart(browser, tmp_path) -> None:
    work = tmp_path / "work"
    with studio_server(work) as url:
        audio = upload(url, JFK.read_bytes())[1]
        take = request(f"{url}/api/takes", "POST", doc={"audio": audio["id"], "emotion": "sad"})[1]
        assert wait_take(url, take["id"])["status"] == "done"
    with studio_server(work) as url:
        page = browser.new_page()
        page.goto(url + "/")
        page.wait_for_selector(f"tr[data-take='{take['id']}']")
        page.click(f"tr[data-take='{take['id']}'] button[data-act='a']")
        page.wait_for_function("document.getElementById('face-a').dataset.frame === '0'")
        assert "sad" in page.text_content("#caption-a")
        page.close()

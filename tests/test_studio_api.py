"""The studio's HTTP API and its security, against a real server on 127.0.0.1 (no browser)."""

from __future__ import annotations

import http.client
import json
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import zipfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pytest
from studio_helpers import ROOT, studio_server

from medtalk.cli.studio import host_warning, is_loopback
from medtalk.errors import MedtalkError

JFK = ROOT / "examples" / "jfk.flac"
pytestmark = pytest.mark.slow  # each module starts a server (torch import) and animates


def request(url: str, method: str = "GET", body: bytes | None = None, content_type: str | None = None,
            doc: object = None) -> tuple[int, object]:
    """``(status, parsed JSON or raw bytes)``; HTTP errors are returned, not raised."""
    headers = {}
    if doc is not None:
        body, content_type = json.dumps(doc).encode(), "application/json"
    if content_type is not None:
        headers["Content-Type"] = content_type
    req = urllib.request.Request(url, data=body, method=method, headers=headers)
    try:
        with urllib.request.urlopen(req, timeout=120) as res:
            status, data, kind = res.status, res.read(), res.headers.get("content-type", "")
    except urllib.error.HTTPError as err:
        status, data, kind = err.code, err.read(), err.headers.get("content-type", "")
    return status, json.loads(data) if kind.startswith("application/json") else data


def upload(url: str, data: bytes, content_type: str = "audio/flac", name: str = "jfk.flac") -> tuple[int, object]:
    return request(f"{url}/api/audio?name={urllib.request.quote(name)}", "POST", data, content_type)


def wait_take(url: str, take_id: str, timeout: float = 180.0) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        take = request(f"{url}/api/takes/{take_id}")[1]
        if take["status"] in ("done", "failed"):
            return take
        time.sleep(0.2)
    raise AssertionError(f"take {take_id} did not finish")


def files_under(folder: Path) -> set[Path]:
    return {p for p in folder.rglob("*")}


@pytest.fixture(scope="module")
def sandbox(tmp_path_factory) -> Path:
    """A folder holding only the work folder: anything else appearing in it was written outside."""
    return tmp_path_factory.mktemp("studio")


@pytest.fixture(scope="module")
def studio(sandbox: Path):
    with studio_server(sandbox / "work", "--max-upload-mb", "1", "--max-seconds", "20") as url:
        yield url


def test_binds_loopback_by_default_and_another_host_needs_a_flag_and_warns() -> None:
    assert subprocess.run([sys.executable, "-m", "medtalk", "studio", "--help"], capture_output=True, text=True,
                          cwd=ROOT, check=False).stdout.count("127.0.0.1") >= 1
    refused = subprocess.run([sys.executable, "-m", "medtalk", "studio", "--host", "0.0.0.0", "--port", "0"],
                             capture_output=True, text=True, cwd=ROOT, check=False)
    assert refused.returncode == 2
    assert refused.stderr.strip().splitlines() == [(
        "medtalk: error: --host 0.0.0.0 lets other machines reach the studio, which has no login; "
        "add --allow-remote if that is what you want")]
    # with the flag the warning comes first; an impossible port then stops it before anything binds
    warned = subprocess.run([sys.executable, "-m", "medtalk", "studio", "--host", "0.0.0.0", "--allow-remote",
                             "--port", "70000"], capture_output=True, text=True, cwd=ROOT, check=False)
    assert warned.stderr.splitlines()[0].startswith("medtalk: warning: serving on 0.0.0.0: anyone who can reach")
    assert warned.returncode == 2
    assert is_loopback("127.0.0.1") and is_loopback("localhost") and is_loopback("::1")
    assert not is_loopback("0.0.0.0") and not is_loopback("192.168.1.2")
    assert host_warning("127.0.0.1", False) is None
    with pytest.raises(MedtalkError):
        host_warning("10.0.0.1", False)


def _outward_address() -> str | None:
    """This machine's address on its default route, if it has one."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        try:
            s.connect(("192.0.2.1", 9))  # TEST-NET: no packet is sent for a UDP connect
            address = s.getsockname()[0]
        except OSError:
            return None
    return None if address.startswith("127.") else address


def test_the_default_server_is_not_reachable_from_another_address(studio: str) -> None:
    port = int(studio.rsplit(":", 1)[1])
    assert request(f"{studio}/api/status")[0] == 200
    outward = _outward_address()
    if outward is None:
        pytest.skip("this machine has no non-loopback address to try")
    with pytest.raises(OSError):
        socket.create_connection((outward, port), timeout=3).close()


def test_another_host_header_is_refused(studio: str) -> None:
    """A web page elsewhere cannot reach the studio by pointing its own name at 127.0.0.1."""
    port = int(studio.rsplit(":", 1)[1])
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    conn.request("GET", "/api/status", headers={"Host": f"evil.example:{port}"})
    assert conn.getresponse().status == 400


def declared_too_large(studio: str, path: str, content_type: str) -> tuple[int, str]:
    """Send only the headers of a request declaring one byte over the 1 MB limit."""
    conn = http.client.HTTPConnection("127.0.0.1", int(studio.rsplit(":", 1)[1]), timeout=30)
    conn.putrequest("POST", path)
    conn.putheader("Content-Type", content_type)
    conn.putheader("Content-Length", str((1 << 20) + 1))
    conn.endheaders()
    response = conn.getresponse()
    return response.status, json.loads(response.read())["detail"]


def test_uploads_are_bounded_in_bytes(studio: str, sandbox: Path) -> None:
    before = files_under(sandbox)
    # a declared size over the limit is refused before any of the body is read, for every request
    for path, kind in (("/api/audio?name=big.flac", "audio/flac"), ("/api/photos", "image/png"),
                       ("/api/takes", "application/json")):
        assert declared_too_large(studio, path, kind) == (413, "the upload is over the studio's limit of 1 MB")
    # without a Content-Length the body is cut off as it streams past the limit
    conn = http.client.HTTPConnection("127.0.0.1", int(studio.rsplit(":", 1)[1]), timeout=30)
    conn.request("POST", "/api/audio?name=big.flac", body=iter([b"\0" * 65536] * 17),
                 headers={"Content-Type": "audio/flac"}, encode_chunked=True)
    response = conn.getresponse()
    assert response.status == 413 and "limit of 1 MB" in json.loads(response.read())["detail"]
    assert files_under(sandbox) == before


def test_uploads_are_bounded_in_duration(studio: str, sandbox: Path, tmp_path: Path) -> None:
    long = tmp_path / "long.flac"
    subprocess.run(["ffmpeg", "-v", "error", "-f", "lavfi", "-i", "anullsrc=r=8000:cl=mono", "-t", "25",
                    "-c:a", "flac", str(long)], check=True)
    before = files_under(sandbox)
    status, doc = upload(studio, long.read_bytes(), name="long.flac")
    assert status == 400
    assert doc["detail"] == "long.flac: 25.0 s of audio is over the studio's limit of 20 s"
    assert files_under(sandbox) == before


def test_an_uploaded_name_is_never_a_path(studio: str, sandbox: Path) -> None:
    before = files_under(sandbox)
    status, doc = upload(studio, JFK.read_bytes(), name="../../x")
    assert status == 201 and doc["name"] == "x"
    added = files_under(sandbox) - before
    assert added and all(p.is_relative_to(sandbox / "work" / "audio" / doc["id"]) for p in added)
    assert sorted(p.name for p in added if p.is_file()) == ["audio.json", "audio.wav", "upload.flac"]
    assert not (sandbox.parent / "x").exists() and not (sandbox / "x").exists()


def test_content_types_are_checked(studio: str, sandbox: Path) -> None:
    before = files_under(sandbox)
    status, doc = upload(studio, JFK.read_bytes(), "text/html", "jfk.flac")
    assert status == 415 and doc["detail"].startswith("content type 'text/html' is not audio; send one of")
    status, doc = request(f"{studio}/api/photos?name=a.png", "POST", JFK.read_bytes(), "audio/flac")
    assert status == 415 and doc["detail"].startswith("content type 'audio/flac' is not a photo")
    status, doc = request(f"{studio}/api/photos?name=a.png", "POST", JFK.read_bytes(), "image/png")
    assert status == 400 and doc["detail"].startswith("a.png: cannot read the image (")  # what it says is checked
    status, doc = request(f"{studio}/api/takes", "POST", b"audio=1", "application/x-www-form-urlencoded")
    assert status == 422
    assert files_under(sandbox) == before


@pytest.mark.parametrize("path", [
    "/api/takes/..%2F..%2Fetc/rig.json", "/api/audio/../../etc/passwd", "/static/../../../etc/passwd",
    "/static/%2e%2e/%2e%2e/%2e%2e/etc/passwd", "/api/photos/000000000000", "/api/takes/abcdefabcdef/export.zip",
])
def test_nothing_outside_the_work_folder_is_served(studio: str, path: str) -> None:
    port = int(studio.rsplit(":", 1)[1])
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    conn.request("GET", path)  # sent as written, no client-side normalisation
    response = conn.getresponse()
    body = response.read()
    assert response.status == 404 and b"root:" not in body


def test_a_timeline_cannot_point_at_files_outside(studio: str, sandbox: Path) -> None:
    audio = upload(studio, JFK.read_bytes())[1]
    for image in ("/etc/hostname", "../../audio.json", "../photos"):
        status, doc = request(f"{studio}/api/takes", "POST", doc={
            "audio": audio["id"], "timeline": [{"start": 0, "end": 1, "image": image}]})
        assert status in (400, 404), doc
        assert "is not a studio id" in doc["detail"]
    assert not [p for p in (sandbox / "work" / "takes").iterdir()]


def test_out_of_range_direction_is_refused_before_any_work(studio: str, sandbox: Path) -> None:
    audio = upload(studio, JFK.read_bytes())[1]
    status, doc = request(f"{studio}/api/takes", "POST", doc={"audio": audio["id"], "intensity": 5})
    assert status == 422 and doc["detail"] == "intensity: Input should be less than or equal to 3"
    status, doc = request(f"{studio}/api/takes", "POST", doc={"audio": audio["id"], "emotion": "hapy"})
    assert status == 400 and doc["detail"].startswith("unknown emotion 'hapy'"), doc
    status, doc = request(f"{studio}/api/takes/{'a' * 12}/livelink", "POST", doc={"target": "127.0.0.1:11111"})
    assert status == 404 and doc["detail"] == "no take aaaaaaaaaaaa in the studio"
    assert not list((sandbox / "work" / "takes").iterdir())


def test_jobs_are_bounded_and_status_says_busy(studio: str) -> None:
    audio = upload(studio, JFK.read_bytes())[1]
    first = request(f"{studio}/api/takes", "POST", doc={"audio": audio["id"]})
    assert first[0] == 202
    status = request(f"{studio}/api/status")[1]
    assert status["busy"] and status["running"][0]["kind"] == "animate"
    second = request(f"{studio}/api/takes", "POST", doc={"audio": audio["id"], "emotion": "sad"})
    assert second[0] == 429 and second[1]["detail"].startswith("the studio is busy: 1 job(s) running")
    assert request(f"{studio}/api/audio/{audio['id']}/transcript", "POST")[0] == 429
    take = wait_take(studio, first[1]["id"])
    assert take["status"] == "done", take
    assert request(f"{studio}/api/status")[1]["busy"] is False


def test_a_take_gives_the_rig_and_an_export_zip(studio: str, tmp_path: Path) -> None:
    from medtalk.rig import read_rig

    audio = upload(studio, JFK.read_bytes())[1]
    status, take = request(f"{studio}/api/takes", "POST", doc={
        "audio": audio["id"], "emotion": "happy:0.7,surprised:0.3", "intensity": 1.2,
        "timeline": {"segments": [{"start": 3, "end": 6, "label": "sad"}]},
        "transcript": (ROOT / "examples" / "jfk.txt").read_text()})
    assert status == 202
    take = wait_take(studio, take["id"])
    assert take["status"] == "done" and take["frames"] == 660 and take["direction"] == "happy:0.70,surprised:0.30"
    rig = request(f"{studio}/api/takes/{take['id']}/rig.json")[1]
    assert rig["metadata"]["timeline"] == [{"start": 3.0, "end": 6.0, "emotion": "sad"}]
    with ThreadPoolExecutor(2) as pool:  # two clicks at once build it once, and both get it
        answers = list(pool.map(request, [f"{studio}/api/takes/{take['id']}/export.zip"] * 2))
    assert [a[0] for a in answers] == [200, 200] and answers[0][1] == answers[1][1]
    data = answers[0][1]
    zipped = tmp_path / "bundle.zip"
    zipped.write_bytes(data)
    with zipfile.ZipFile(zipped) as archive:
        names = sorted(archive.namelist())
        archive.extractall(tmp_path / "unzipped")
    assert names == sorted(f"jfk/{n}" for n in (
        "jfk.json", "jfk_arkit.csv", "jfk_blender.py", "jfk_board.csv", "jfk_curve_table.json",
        "jfk_expressions.csv", "jfk_maya.py", "jfk_unreal_anim.py", "jfk_unreal_ctrlrig.py", "timeline.json"))
    np.testing.assert_allclose(read_rig(tmp_path / "unzipped" / "jfk" / "jfk.json").values, rig["frames"], atol=1e-6)
    assert json.loads((tmp_path / "unzipped" / "jfk" / "timeline.json").read_text()) == {
        "segments": [{"start": 3, "end": 6, "label": "sad"}]}
    listed = request(f"{studio}/api/takes")[1]
    assert take["id"] in [t["id"] for t in listed]


def test_a_description_and_a_photo_segment_direct_a_take(studio: str, sandbox: Path, tmp_path: Path) -> None:
    from medtalk.guidance.timeline import read_timeline
    from medtalk.preview import render_frame
    from medtalk.rig import REST_POSE, index
    from medtalk.synth.poses import pose

    smile = tmp_path / "smile.png"  # the preview face: MediaPipe finds it
    render_frame(REST_POSE + pose({"mouth_cornerPull": 0.8, "eye_cheekRaise": 0.6}), 512).save(smile)
    photo = request(f"{studio}/api/photos?name=smile.png", "POST", smile.read_bytes(), "image/png")[1]
    audio = upload(studio, JFK.read_bytes())[1]
    status, take = request(f"{studio}/api/takes", "POST", doc={
        "audio": audio["id"], "describe": "quietly furious, jaw set",
        "timeline": [{"start": 2, "end": 5, "image": photo["id"]}, {"start": 6, "end": 8, "label": "sad"}]})
    assert status == 202, take
    take = wait_take(studio, take["id"])
    assert take["status"] == "done", take
    folder = sandbox / "work" / "takes" / take["id"]
    segments = read_timeline(folder / "timeline.json")  # the CLI's reader finds the copied photo beside it
    assert [str(s.guide) for s in segments][1] == "sad" and segments[0].guide.kind == "image"
    rig = request(f"{studio}/api/takes/{take['id']}/rig.json")[1]
    pull = np.asarray(rig["frames"])[:, index("CTRL_L_mouth_cornerPull-translateY")]
    assert pull[180:300].mean() > pull[420:480].mean() + 0.1  # the smiling photo's stretch smiles


def test_the_openapi_lists_every_endpoint_the_page_uses(studio: str) -> None:
    assert request(f"{studio}/docs")[0] == 404  # FastAPI's docs page would load scripts from a CDN
    schema = request(f"{studio}/openapi.json")[1]
    page_calls = (ROOT / "medtalk" / "studio" / "static" / "api.js").read_text()
    for path in ("/api/status", "/api/audio", "/api/audio/{audio_id}/transcript", "/api/photos", "/api/takes",
                 "/api/takes/{take_id}", "/api/takes/{take_id}/rig.json", "/api/takes/{take_id}/export.zip",
                 "/api/takes/{take_id}/livelink", "/api/audio/{audio_id}/audio.wav"):
        assert path in schema["paths"], path
        assert path.split("{")[0].rstrip("/") in page_calls.replace("${id}", "")


def test_a_take_cut_short_by_a_stop_is_failed_after_a_restart(tmp_path: Path) -> None:
    work = tmp_path / "work"
    with studio_server(work) as url:
        audio = upload(url, JFK.read_bytes())[1]
        take = request(f"{url}/api/takes", "POST", doc={"audio": audio["id"]})[1]
        assert request(f"{url}/api/takes/{take['id']}")[1]["status"] in ("queued", "running")
    with studio_server(work) as url:
        again = request(f"{url}/api/takes/{take['id']}")[1]
        assert again["status"] == "failed" and again["error"] == "interrupted: the studio stopped during the job"
        assert request(f"{url}/api/status")[1]["busy"] is False
        assert not (work / "takes" / take["id"] / "rig.json").exists()


def test_after_all_of_the_above_only_the_work_folder_was_written(studio: str, sandbox: Path) -> None:
    """Runs last: every request above (uploads, takes, exports, refusals) wrote only inside ``work``."""
    assert [p.name for p in sandbox.iterdir()] == ["work"]
    assert sorted(p.name for p in (sandbox / "work").iterdir()) == ["audio", "photos", "takes"]

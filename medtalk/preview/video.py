"""Preview videos: frames piped into ffmpeg (H.264), audio muxed to the rig's length.

Several rigs render side by side (e.g. a prediction next to its ground truth),
each under a label; shorter rigs hold their last frame. The audio is padded
with silence or trimmed so that the video, the audio and the rig all last
``num_frames / fps`` seconds.
"""

from __future__ import annotations

import ctypes
import signal
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from fractions import Fraction
from pathlib import Path

from PIL import Image
from tqdm import tqdm

from medtalk.audio import check_audio_file, ffmpeg_exe, unreadable
from medtalk.errors import MedtalkError
from medtalk.files import atomic_output, check_writable
from medtalk.preview.curves import CurveStrip
from medtalk.preview.draw import MIN_SIZE, render_frame
from medtalk.preview.text import label_band
from medtalk.rig import RigSequence

VIDEO_EXTENSIONS = (".mp4", ".mov", ".m4v", ".mkv")
STRIP_FRACTION = 0.32  # curve strip height relative to the face
LABEL_FRACTION = 0.09  # label band height relative to the face (side-by-side videos)
X264_PRESET, X264_CRF = "veryfast", "20"  # quick to encode, visually clean for flat drawings
AUDIO_BITRATE = "160k"
PR_SET_PDEATHSIG = 1  # prctl option: a signal for the child when its parent dies (linux/prctl.h)
PROBE_SECONDS = 0.2  # audio decoded up front to prove the file is readable


def check_size(size: int) -> None:
    """H.264 in yuv420p needs even dimensions; tiny faces lose their features."""
    if size < MIN_SIZE or size % 2:
        raise MedtalkError(f"size must be an even number of pixels >= {MIN_SIZE}, got {size}")


def check_audio(path: Path) -> None:
    """Raise a one-line :class:`MedtalkError` unless ffmpeg can decode audio from ``path``."""
    path = Path(path)
    check_audio_file(path)
    cmd = [ffmpeg_exe(), "-nostdin", "-v", "error", "-i", str(path), "-map", "0:a:0",
           "-t", str(PROBE_SECONDS), "-f", "null", "-"]
    proc = subprocess.run(cmd, capture_output=True)
    if proc.returncode != 0:
        raise unreadable(path, proc.stderr)


def check_video_output(out: Path, force: bool = False) -> None:
    """Fail in one line unless ``out`` is a writable video path of a known container."""
    if Path(out).suffix.lower() not in VIDEO_EXTENSIONS:
        raise MedtalkError(f"{out}: video output must end in one of {', '.join(VIDEO_EXTENSIONS)}")
    check_writable(Path(out), force)


def _even(x: float) -> int:
    return 2 * max(1, int(round(x / 2)))


class Panels:
    """Composes the video frame of several rigs side by side at one frame rate."""

    def __init__(self, rigs: Sequence[RigSequence], labels: Sequence[str] | None, size: int, curves: bool) -> None:
        fps = rigs[0].fps
        self.rigs = [r if r.fps == fps else r.resample(fps) for r in rigs]
        self.fps, self.size = fps, size
        self.num_frames = max(r.num_frames for r in self.rigs)
        self.label_height = _even(size * LABEL_FRACTION) if labels else 0
        self.bands = [label_band(text, size, self.label_height) for text in labels] if labels else []
        strip_height = _even(size * STRIP_FRACTION) if curves else 0
        self.strips = [CurveStrip(r.values, fps, size, strip_height) for r in self.rigs] if curves else []
        self.width = size * len(self.rigs)
        self.height = self.label_height + size + strip_height

    def frame(self, t: int) -> Image.Image:
        img = Image.new("RGB", (self.width, self.height))
        for i, rig in enumerate(self.rigs):
            x = i * self.size
            if self.bands:
                img.paste(self.bands[i], (x, 0))
            img.paste(render_frame(rig.values[min(t, rig.num_frames - 1)], self.size), (x, self.label_height))
            if self.strips:
                img.paste(self.strips[i].frame(t), (x, self.label_height + self.size))
        return img


def _ffmpeg_command(panels: Panels, audio: Path | None, out: Path) -> list[str]:
    rate = Fraction(panels.fps).limit_denominator(1001)
    cmd = [
        ffmpeg_exe(), "-nostdin", "-y", "-v", "error",
        "-f", "rawvideo", "-pix_fmt", "rgb24", "-s", f"{panels.width}x{panels.height}",
        "-framerate", f"{rate.numerator}/{rate.denominator}", "-i", "-",
    ]
    if audio is not None:
        duration = panels.num_frames / panels.fps
        cmd += ["-i", str(audio), "-map", "0:v:0", "-map", "1:a:0",
                "-af", f"apad,atrim=end={duration:.6f}", "-c:a", "aac", "-b:a", AUDIO_BITRATE]
    cmd += ["-c:v", "libx264", "-preset", X264_PRESET, "-crf", X264_CRF, "-pix_fmt", "yuv420p"]
    if out.suffix.lower() != ".mkv":
        cmd += ["-movflags", "+faststart"]
    return cmd + [str(out)]


def render_video(
    rig: RigSequence | Sequence[RigSequence],
    out: Path,
    audio: Path | None = None,
    curves: bool = False,
    size: int = 512,
    force: bool = False,
    progress: bool = True,
    labels: Sequence[str] | None = None,
) -> Path:
    """Render ``rig`` (or several side by side, with ``labels``) to an H.264 video at the rig's fps.

    ``audio`` (any format ffmpeg reads) is muxed as AAC, padded or trimmed to
    the rig's duration. The file appears only when complete.
    """
    out = Path(out)
    rigs = [rig] if isinstance(rig, RigSequence) else list(rig)
    if not rigs:
        raise MedtalkError("nothing to render: no rig given")
    if labels is not None and len(labels) != len(rigs):
        raise MedtalkError(f"{len(labels)} labels for {len(rigs)} rigs")
    check_size(size)
    check_video_output(out, force)
    if audio is not None:
        check_audio(Path(audio))
    panels = Panels(rigs, labels, size, curves)
    with atomic_output(out, force) as tmp, tempfile.TemporaryFile() as log:
        proc = subprocess.Popen(_ffmpeg_command(panels, audio, tmp), stdin=subprocess.PIPE, stderr=log,
                                preexec_fn=_die_with_parent if sys.platform == "linux" else None)
        try:
            for t in tqdm(range(panels.num_frames), desc="preview", unit="frame", disable=not progress):
                proc.stdin.write(panels.frame(t).tobytes())
            proc.stdin.close()
            code = proc.wait()
        except BrokenPipeError:
            code = proc.wait()
        finally:
            if proc.poll() is None:  # interrupted: do not leave ffmpeg writing a dead file
                proc.kill()
                proc.wait()
        log.seek(0)
        _check_written(code, log.read().decode(errors="replace"), out)
    return out


def _die_with_parent() -> None:
    """In the ffmpeg child (Linux): end when we are killed, rather than finish our temporary after we
    are gone (the next run removes a killed run's temporary, and must not see it written again)."""
    ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)


def _check_written(code: int, log: str, out: Path) -> None:
    """Raise unless ffmpeg wrote ``out`` whole.

    ffmpeg exits 0 when it cannot write the trailer (a full disk) and leaves an
    mp4 without its index, so its error log is read as well as its exit code.
    """
    lines = log.strip().splitlines()
    if any("No space left on device" in line for line in lines):
        raise MedtalkError(f"cannot write {out}: no space left on the device")
    failed = [line for line in lines if line.startswith(("Error writing", "Error closing"))]
    if code != 0 or failed:
        raise MedtalkError(f"ffmpeg could not write {out}: {(failed or lines or [f'exit code {code}'])[-1]}")

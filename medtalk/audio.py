"""Audio input and output: any format ffmpeg reads, at 16 kHz mono float32."""

from __future__ import annotations

import shutil
import subprocess
import wave
from pathlib import Path

import numpy as np

from medtalk.errors import MedtalkError
from medtalk.files import atomic_output

SAMPLE_RATE = 16000  # Hz, what every model and feature here expects


def ffmpeg_exe() -> str:
    exe = shutil.which("ffmpeg")
    if exe is None:
        raise MedtalkError("ffmpeg is not installed (run `make setup` or `apt-get install ffmpeg`)")
    return exe


def check_audio_file(path: Path) -> None:
    """Fail in one line unless ``path`` is an existing file (not a folder)."""
    if path.is_dir():
        raise MedtalkError(f"{path} is a folder, not an audio file")
    if not path.is_file():
        raise MedtalkError(f"{path}: no such file")


def unreadable(path: Path, stderr: bytes) -> MedtalkError:
    """The one-line error for audio ffmpeg could not decode, from its error log."""
    lines = [line.strip() for line in stderr.decode(errors="replace").splitlines() if line.strip()]
    if any("matches no streams" in line for line in lines):  # -map 0:a:0 on a file without audio
        return MedtalkError(f"{path}: not readable as audio (no audio stream found)")
    # ffmpeg's last line is often advice about its own options; the first names the problem
    detail = lines[0].removeprefix(f"{path}: ") if lines else "ffmpeg failed"
    return MedtalkError(f"{path}: not readable as audio ({detail})")


def load_audio(path: Path | str, sample_rate: int = SAMPLE_RATE) -> np.ndarray:
    """Decode any audio file to mono float32 in [-1, 1] at ``sample_rate``: ``(N,)``."""
    path = Path(path)
    check_audio_file(path)
    cmd = [
        ffmpeg_exe(), "-nostdin", "-v", "error", "-i", str(path),
        "-map", "0:a:0", "-f", "f32le", "-ac", "1", "-ar", str(sample_rate), "-",
    ]
    proc = subprocess.run(cmd, capture_output=True)
    if proc.returncode != 0:
        raise unreadable(path, proc.stderr)
    samples = np.frombuffer(proc.stdout, dtype=np.float32)
    del proc  # the decoded bytes go as soon as their (writable) copy exists: two copies at most
    if samples.size == 0:
        raise MedtalkError(f"{path}: the audio is empty")
    return np.nan_to_num(samples, nan=0.0, posinf=0.0, neginf=0.0)


def write_wav(path: Path | str, samples: np.ndarray, sample_rate: int = SAMPLE_RATE, force: bool = False) -> Path:
    """Write mono 16-bit PCM WAV atomically."""
    path = Path(path)
    pcm = (np.clip(samples, -1.0, 1.0) * 32767.0).round().astype("<i2")
    with atomic_output(path, force) as tmp:
        with wave.open(str(tmp), "wb") as wav:
            wav.setnchannels(1)
            wav.setsampwidth(2)
            wav.setframerate(sample_rate)
            wav.writeframes(pcm.tobytes())
    return path

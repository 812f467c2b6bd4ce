"""Datasets in the EmoFace folder layout (what training and evaluation read), and their feature cache.

```
DATA/WAV/<clip>.wav             speech (any format ffmpeg reads; 16 kHz mono is fastest)
DATA/VALID_CTR/<clip>.txt       the rig, one row of 174 controls per frame at 60 fps
DATA/META/<clip>.json           optional: text, emotion, sentence_id, split, fps,
                                words ([{"start": s, "end": s}, ...], one per word of text),
                                phonemes ([{"phoneme": espeak-ng mnemonic, "start": s, "end": s}, ...])
DATA/ALIGNED_CTR/<sentence>/<emotion>.txt   optional: one sentence, same timing, each emotion
DATA/splits.json                optional: {"train": [...], "val": [...], "test": [...]}
```

Real capture data has only ``WAV/`` and ``VALID_CTR/`` with the emotion as a
file-name prefix (``angry_gd04_001_021``): then there is no transcript (text
features are absent), stage-1 content pairs are unavailable (only same-emotion
pairs are used) and the split is random by file. A transcript without word
times has its tokens spread evenly over the clip.

``load_dataset`` computes once, per clip, what training reads (samples, the
rig, prosody and transcript token features) into ``cache/`` files, so an
interrupted run resumes without recomputing them.
"""

from __future__ import annotations

import json
import math
import os
import wave
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import groupby
from pathlib import Path

import numpy as np
from tqdm import tqdm

from medtalk.audio import SAMPLE_RATE, load_audio
from medtalk.emotions import EMOTIONS, emotion_from_filename, parse_emotion
from medtalk.errors import MedtalkError
from medtalk.features import FEATURES_VERSION
from medtalk.model.inputs import phone_segments, token_spans
from medtalk.rig import DEFAULT_FPS, read_rig, resample_frames
from medtalk.synth.timeline import Phone

SPLITS = ("train", "val", "test")
RANDOM_SPLIT = (0.8, 0.1, 0.1)  # train/val/test fractions when the data names no split
SPLIT_SEED = 0  # the random split depends on the file names only, not on the run's seed
CACHE_VERSION = 2  # bump when what a cache file holds changes
# threads filling the feature cache: MiniLM's tensor work releases the GIL, the prosody
# features mostly hold it (280 new clips cache in 13 s instead of 15)
CACHE_THREADS = 2


@dataclass(frozen=True)
class ClipInfo:
    """One recording: where it is and what the layout says about it."""

    id: str
    wav: Path
    rig: Path
    emotion: str
    split: str
    text: str | None = None
    sentence_id: str | None = None
    fps: float = DEFAULT_FPS
    meta: Path | None = None
    language: str | None = None
    words: tuple[tuple[float, float], ...] | None = None  # (start, end) s of each word of text
    phones: tuple[Phone, ...] | None = None  # espeak-ng phones said, with their times


@dataclass
class Clip:
    """A loaded clip: ``samples (N,)`` int16 at 16 kHz, ``rig (T, 174)`` float32,
    ``prosody (T_a, P)`` float32 at 100 frames/s, ``tokens (N_tok, 384)`` float32 or None,
    ``intensity (T,)`` float32 (the generator's per-frame emotion intensity) or None,
    ``token_spans (N_tok, 2)`` float32 when each token's word is said (s) or None,
    ``phones (S, 3)`` float32 viseme segments said (``inputs.phone_segments``) or None,
    ``frozen (T_a, F)`` float16 frozen front-end features of the clip with silence on either side
    (``data.frozen.cache_frozen``) or None."""

    info: ClipInfo
    samples: np.ndarray
    rig: np.ndarray
    prosody: np.ndarray
    tokens: np.ndarray | None
    intensity: np.ndarray | None = None
    token_spans: np.ndarray | None = None
    phones: np.ndarray | None = None
    frozen: np.ndarray | None = None

    @property
    def emotion_id(self) -> int:
        return EMOTIONS.index(self.info.emotion)


def loaded_with_emotion(clip: Clip) -> bool:
    """Whether the clip's transcript holds a word the lexicon loads with the clip's emotion."""
    from medtalk.synth.lexicon import word_loading

    return any(word_loading(w)[0] == clip.info.emotion for w in (clip.info.text or "").split())


def repeat_loaded(clips: list[Clip], times: int) -> list[Clip]:
    """``clips``, each :func:`loaded_with_emotion` one ``times`` times (once when ``times`` is 1)."""
    if times == 1:
        return clips
    return clips + [c for c in clips if loaded_with_emotion(c)] * (times - 1)


@dataclass
class Dataset:
    """Loaded clips per split, plus the aligned stage-1 rigs ``{sentence: {emotion: (T, 174)}}``."""

    root: Path
    clips: dict[str, list[Clip]]
    aligned: dict[str, dict[str, np.ndarray]] = field(default_factory=dict)

    def describe(self) -> dict:
        """What a checkpoint records about its training data."""
        all_clips = [c for split in self.clips.values() for c in split]
        seconds = sum(len(c.samples) for c in all_clips) / SAMPLE_RATE
        return {
            "root": str(self.root),
            "clips": {s: len(c) for s, c in self.clips.items()},
            "hours": round(seconds / 3600, 3),
            "emotions": dict(Counter(c.info.emotion for c in all_clips)),
            "with_transcript": sum(c.tokens is not None for c in all_clips),
            "aligned_sentences": len(self.aligned),
            "features_version": FEATURES_VERSION,
        }


def scan_clips(root: Path) -> list[ClipInfo]:
    """The clips with audio and rig, in name order; ``split`` is ``""`` where the data names none."""
    root = Path(root)
    wav_dir, rig_dir = root / "WAV", root / "VALID_CTR"
    if not wav_dir.is_dir() or not rig_dir.is_dir():
        raise MedtalkError(f"{root}: not an EmoFace-layout dataset (needs WAV/ and VALID_CTR/ folders)")
    rigs = {p.stem: p for p in rig_dir.glob("*.txt")}
    wavs = {p.stem: p for p in sorted(wav_dir.iterdir()) if p.is_file() and p.stem in rigs}
    if not wavs:
        raise MedtalkError(f"{root}: no clip has both WAV/<clip>.* and VALID_CTR/<clip>.txt")
    splits = _read_splits(root / "splits.json")
    return [_clip_info(root, stem, path, rigs[stem], splits) for stem, path in sorted(wavs.items())]


def scan(root: Path) -> tuple[list[ClipInfo], dict[str, dict[str, Path]]]:
    """Read the layout: clips with audio and rig, and the aligned stage-1 rigs."""
    root = Path(root)
    infos = scan_clips(root)
    if not _read_splits(root / "splits.json") and all(i.split == "" for i in infos):
        infos = _random_split(infos)
    infos = [i for i in infos if i.split in SPLITS]
    aligned: dict[str, dict[str, Path]] = {}
    for path in sorted((root / "ALIGNED_CTR").glob("*/*.txt")):
        emotion = parse_emotion(path.stem)
        aligned.setdefault(sentence_key(path.parent.name), {})[emotion] = path
    return infos, aligned


def sentence_key(sentence: str | int) -> str:
    """One spelling per sentence: META may say ``7`` where ALIGNED_CTR says ``00007``."""
    text = str(sentence)
    return str(int(text)) if text.isdigit() else text


def _read_splits(path: Path) -> dict[str, str]:
    if not path.is_file():
        return {}
    try:
        data = json.loads(path.read_text())
        return {clip: split for split in SPLITS for clip in data.get(split, [])}
    except (json.JSONDecodeError, AttributeError, TypeError) as err:
        raise MedtalkError(f"{path}: not a valid splits file ({err})") from None


def _clip_info(root: Path, stem: str, wav_path: Path, rig_path: Path, splits: dict[str, str]) -> ClipInfo:
    meta_path = root / "META" / f"{stem}.json"
    meta = {}
    if meta_path.is_file():
        try:
            meta = json.loads(meta_path.read_text())
        except (json.JSONDecodeError, UnicodeDecodeError) as err:
            raise MedtalkError(f"{meta_path}: invalid JSON ({err})") from None
        if not isinstance(meta, dict):
            raise MedtalkError(f"{meta_path}: expected a JSON object of clip metadata")
        for key in ("emotion", "text", "split", "language"):
            if meta.get(key) is not None and not isinstance(meta[key], str):
                raise MedtalkError(f"{meta_path}: {key!r} must be text, got {meta[key]!r:.40}")
        if meta.get("fps") is not None and not (type(meta["fps"]) in (int, float) and 0 < meta["fps"] < math.inf):
            raise MedtalkError(f"{meta_path}: 'fps' must be a positive number, got {meta['fps']!r:.40}")
    emotion = meta.get("emotion") or emotion_from_filename(stem)
    if emotion is None:
        raise MedtalkError(
            f"clip {stem}: no emotion label (no META/{stem}.json and no emotion prefix like angry_ in the file name)"
        )
    return ClipInfo(
        id=stem,
        wav=wav_path,
        rig=rig_path,
        emotion=parse_emotion(emotion),
        split=splits.get(stem) or meta.get("split") or "",
        text=meta.get("text") or None,
        sentence_id=None if meta.get("sentence_id") is None else sentence_key(meta["sentence_id"]),
        fps=float(meta.get("fps") or DEFAULT_FPS),
        meta=meta_path if meta_path.is_file() else None,
        language=meta.get("language") or None,
        words=_word_times(meta.get("words"), meta_path),
        phones=_phones(meta.get("phonemes"), meta_path),
    )


def _word_times(words: object, where: Path) -> tuple[tuple[float, float], ...] | None:
    """``((start, end), ...)`` of META's ``words`` list, or None when there is none."""
    if not words:
        return None
    try:
        return tuple((float(w["start"]), float(w["end"])) for w in words)  # type: ignore[union-attr]
    except (TypeError, KeyError, ValueError):
        raise MedtalkError(f"{where}: 'words' must be a list of {{\"start\": s, \"end\": s}}") from None


def _phones(phonemes: object, where: Path) -> tuple[Phone, ...] | None:
    """META's ``phonemes`` list as ``Phone`` s, or None when there is none."""
    if not phonemes:
        return None
    try:
        return tuple(
            Phone(str(p["phoneme"]), float(p["start"]), float(p["end"])) for p in phonemes  # type: ignore[union-attr]
        )
    except (TypeError, KeyError, ValueError):
        raise MedtalkError(
            f"{where}: 'phonemes' must be a list of {{\"phoneme\": symbol, \"start\": s, \"end\": s}}"
        ) from None


def _random_split(infos: list[ClipInfo]) -> list[ClipInfo]:
    """80/10/10 by file, seeded by the names; every split non-empty when there are >= 3 clips."""
    order = np.random.default_rng(SPLIT_SEED).permutation(len(infos))
    n = len(infos)
    n_test = max(1, round(RANDOM_SPLIT[2] * n)) if n >= 3 else 0
    n_val = max(1, round(RANDOM_SPLIT[1] * n)) if n >= 3 else 0
    split_of = {}
    for rank, i in enumerate(order):
        split_of[i] = "test" if rank < n_test else "val" if rank < n_test + n_val else "train"
    return [ClipInfo(**{**info.__dict__, "split": split_of[i]}) for i, info in enumerate(infos)]


def read_samples(path: Path) -> np.ndarray:
    """16 kHz mono int16 samples ``(N,)``.

    16 kHz mono 16-bit WAV (what the generator writes) is read directly: one
    ffmpeg process per clip would dominate caching thousands of clips.
    """
    try:
        with wave.open(str(path), "rb") as w:
            if (w.getframerate(), w.getnchannels(), w.getsampwidth()) == (SAMPLE_RATE, 1, 2):
                samples = np.frombuffer(w.readframes(w.getnframes()), dtype="<i2").copy()
                if samples.size == 0:
                    raise MedtalkError(f"{path}: the audio is empty")
                return samples
    except (wave.Error, EOFError):
        pass
    return (np.clip(load_audio(path), -1.0, 1.0) * 32767).round().astype(np.int16)


def as_float(samples: np.ndarray) -> np.ndarray:
    """int16 samples -> float32 in [-1, 1]."""
    return samples.astype(np.float32) / 32768.0


def _stamp(*paths: Path) -> np.ndarray:
    """Feature version, size and modification time of the source files: a cache entry is
    stale when any of them changes."""
    sources = [v for p in paths for v in (p.stat().st_size, p.stat().st_mtime_ns)]
    return np.array([FEATURES_VERSION, *sources], dtype=np.int64)


def _read_cache(path: Path, stamp: np.ndarray) -> dict[str, np.ndarray] | None:
    if not path.is_file():
        return None
    with np.load(path) as f:
        fresh = int(f["version"]) == CACHE_VERSION and np.array_equal(f["stamp"], stamp)
        return {k: f[k] for k in f.files} if fresh else None


def _write_cache(path: Path, arrays: dict[str, np.ndarray], stamp: np.ndarray) -> None:
    tmp = path.with_suffix(f".{os.getpid()}.tmp.npz")  # two runs may fill one cache
    np.savez(tmp, version=np.array(CACHE_VERSION), stamp=stamp, **arrays)
    tmp.replace(path)  # a cache file is complete or absent


def _compute(info: ClipInfo) -> dict[str, np.ndarray]:
    from medtalk.features import prosody

    samples = read_samples(info.wav)
    rig = read_rig(info.rig, fps=info.fps)
    if rig.fps != DEFAULT_FPS:
        rig = rig.resample(DEFAULT_FPS)
    arrays = {
        "samples": samples,
        "rig": rig.values.astype(np.float16),
        "prosody": prosody(as_float(samples)),
    }
    if info.text:
        arrays["tokens"] = _tokens(info.text)
        arrays["token_words"] = np.asarray(_token_words(info.text), dtype=np.int32)
    curve = json.loads(info.meta.read_text()).get("intensity") if info.meta else None
    if curve:  # per rig frame at the META fps; resampled with the rig
        values = np.asarray(curve, dtype=np.float32)[:, None]
        arrays["intensity"] = resample_frames(values, info.fps, DEFAULT_FPS, len(rig.values))[:, 0]
    return arrays


@lru_cache(maxsize=16)  # the seven emotion clips of a sentence share its text
def _tokens(text: str) -> np.ndarray:
    from medtalk.text import (
        default_text_encoder,  # loads MiniLM once, only if something is uncached
    )

    return default_text_encoder().tokens(text).astype(np.float16)


def _load_clip(info: ClipInfo, cache: Path) -> Clip:
    path, stamp = cache / f"{info.id}.npz", _stamp(info.wav, info.rig)
    arrays = _read_cache(path, stamp)
    if arrays is None:
        arrays = _compute(info)
        _write_cache(path, arrays, stamp)
    tokens = arrays.get("tokens")
    spans = None
    if tokens is not None:
        words = info.words if info.words is not None and len(info.words) == len(info.text.split()) else None
        # caches written before token_words was kept fall back to the tokenizer (loads MiniLM)
        token_words = arrays["token_words"].tolist() if "token_words" in arrays else _token_words(info.text)
        spans = token_spans(token_words, words, len(arrays["samples"]) / SAMPLE_RATE)
    return Clip(
        info=info,
        samples=arrays["samples"],
        rig=arrays["rig"].astype(np.float32),
        prosody=arrays["prosody"],
        tokens=None if tokens is None else tokens.astype(np.float32),
        intensity=arrays.get("intensity"),
        token_spans=spans,
        phones=None if info.phones is None else phone_segments(info.phones),
    )


@lru_cache(maxsize=16)
def _token_words(text: str) -> list[int]:
    from medtalk.text import default_text_encoder

    return default_text_encoder().token_words(text)


def _load_aligned(sentence: str, paths: dict[str, Path], cache: Path) -> dict[str, np.ndarray]:
    path, stamp = cache / "aligned" / f"{sentence}.npz", _stamp(*paths.values())
    rigs = _read_cache(path, stamp)
    if rigs is None:
        rigs = {e: read_rig(p).values.astype(np.float16) for e, p in paths.items()}
        path.parent.mkdir(exist_ok=True)
        _write_cache(path, rigs, stamp)
    # always what the cache holds (float16), so a resumed run sees the very same numbers
    return {e: rigs[e].astype(np.float32) for e in paths}


def load_clips(infos: list[ClipInfo], cache: Path, progress: bool = True) -> list[Clip]:
    """Load clips through the feature cache in ``cache``, in the order of ``infos``."""
    cache.mkdir(parents=True, exist_ok=True)
    loaded: dict[str, Clip] = {}
    # the clips that share a transcript go to one thread together, so they meet its token cache
    key = lambda i: i.text or i.id  # noqa: E731
    groups = [list(g) for _, g in groupby(sorted(infos, key=lambda i: (key(i), i.id)), key=key)]
    with ThreadPoolExecutor(CACHE_THREADS) as pool, \
            tqdm(total=len(infos), desc="caching clips", unit="clip", disable=not progress, leave=False) as bar:
        for group in pool.map(lambda group: [_load_clip(info, cache) for info in group], groups):
            loaded.update((clip.info.id, clip) for clip in group)
            bar.update(len(group))
    return [loaded[i.id] for i in infos]


def load_dataset(root: Path, cache: Path, progress: bool = True) -> Dataset:
    """Scan ``root`` and load every clip through the feature cache in ``cache``.

    Aligned rigs of sentences spoken by a validation or test clip are left
    out, so held-out sentences stay unseen in every stage.
    """
    infos, aligned_paths = scan(Path(root))
    clips: dict[str, list[Clip]] = {s: [] for s in SPLITS}
    for clip in load_clips(infos, cache, progress):
        clips[clip.info.split].append(clip)
    if not clips["train"]:
        raise MedtalkError(f"{root}: no training clips (check splits.json)")
    held_out = {i.sentence_id for i in infos if i.split != "train" and i.sentence_id is not None}
    wanted = {s: p for s, p in aligned_paths.items() if s not in held_out}
    aligned = {
        sentence: _load_aligned(sentence, paths, cache)
        for sentence, paths in tqdm(
            wanted.items(), desc="caching aligned rigs", unit="sentence", disable=not progress, leave=False
        )
    }
    return Dataset(Path(root), clips, aligned)

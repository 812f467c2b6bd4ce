"""Random crops and padded batches for the two kinds of stages.

- ``RigPairs`` (stage 1): rig crops with the partners the exchange losses need;
- ``AudioCrops`` (stages 2-3): time-aligned crops of audio features, prosody,
  rig and transcript tokens, with on-the-fly augmentation and text dropout.

A batch is a dict of tensors padded to its longest item, with boolean masks
``(B, T)`` that are True on real frames. Its random draws come from one
generator, item after item, or from one generator per item (a data-parallel
run: each rank makes its share of a batch, the same items whatever the share).
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Sequence

import numpy as np
import torch

from medtalk.audio import SAMPLE_RATE
from medtalk.data.clips import Clip, as_float
from medtalk.features import (
    FEATURE_RATE,
    log_mel,
    num_feature_frames,
    power_spectrogram,
)
from medtalk.features import prosody as frame_prosody  # ``prosody`` names the items' arrays below
from medtalk.model.config import TEXT_DIM, ModelConfig
from medtalk.model.content import audio_features
from medtalk.model.inputs import (
    PHONE_CLASSES,
    UNKNOWN_PHONE,
    pad,
    phone_track,
    shifted,
    span_slice,
)
from medtalk.rig import resample_frames

BAND_MASKS = 2  # frequency masks per crop
BAND_MASK_WIDTH = 8  # mel bands, at most
P_BAND_MASK = 0.5
P_SILENCE = 0.5  # crops at a clip's start or end get extra silence this often
SILENCE_SECONDS = (0.2, 1.5)
# Word times at inference come from forced alignment, which is off by a few
# tens of ms: training word times move by this std (s), per token and per crop.
WORD_TIME_JITTER = 0.04
WORD_TIME_SHIFT = 0.03
# Phone times likewise (each segment's ends, and the whole crop); and an aligner may pick
# another pronunciation or time a word without phones: segments change class or become unknown.
PHONE_TIME_JITTER = 0.015
PHONE_TIME_SHIFT = 0.02
P_PHONE_SWAP = 0.05
P_PHONE_UNKNOWN = 0.03

Rngs = np.random.Generator | Sequence[np.random.Generator]  # one shared by the items, or one per item


def item_rngs(rng: Rngs, count: int) -> list[np.random.Generator]:
    """The generator of each of ``count`` items."""
    if isinstance(rng, np.random.Generator):
        return [rng] * count
    if len(rng) != count:
        raise ValueError(f"{len(rng)} generators for {count} items")
    return list(rng)


def _crop(rng: np.random.Generator, length: int, crop: int, step: int = 1) -> int:
    """A random start (a multiple of ``step``) of a ``crop``-long window in ``length`` frames."""
    room = max(length - crop, 0) // step
    return int(rng.integers(room + 1)) * step


class RigPairs:
    """Stage-1 items: every rig (aligned sentences' and clips') is an anchor.

    ``aligned`` is ``{sentence: {emotion: (T, 174)}}`` (same timing per sentence).
    """

    def __init__(self, aligned: dict[str, dict[str, np.ndarray]], clips: list[Clip], crop_frames: int) -> None:
        self.crop = crop_frames
        self.rigs: list[np.ndarray] = []
        self.emotion: list[str] = []
        self.group: list[str | None] = []  # aligned sentence, None for clips
        for sentence, by_emotion in aligned.items():
            for emotion, rig in by_emotion.items():
                self._add(rig, emotion, sentence)
        for clip in clips:
            self._add(clip.rig, clip.info.emotion, None)
        self.by_emotion: dict[str, list[int]] = defaultdict(list)
        for i, e in enumerate(self.emotion):
            self.by_emotion[e].append(i)
        self.aligned = aligned

    def _add(self, rig: np.ndarray, emotion: str, group: str | None) -> None:
        self.rigs.append(rig)
        self.emotion.append(emotion)
        self.group.append(group)

    def __len__(self) -> int:
        return len(self.rigs)

    def _random_crop(self, rng: np.random.Generator, i: int) -> np.ndarray:
        start = _crop(rng, len(self.rigs[i]), self.crop)
        return self.rigs[i][start : start + self.crop]

    def _same_emotion(self, rng: np.random.Generator, i: int, tries: int = 20) -> int:
        """Another rig with the emotion of rig ``i`` and other content (``i`` itself if none is found)."""
        pool = self.by_emotion[self.emotion[i]]
        for _ in range(tries):
            j = pool[rng.integers(len(pool))]
            if j != i and (self.group[i] is None or self.group[j] != self.group[i]):
                return j
        return i

    def batch(self, indices: np.ndarray, rng: Rngs) -> dict[str, torch.Tensor]:
        """Crops of ``crop_frames`` (see ``losses.disentangle_losses`` for the keys)."""
        anchors, content_pairs, has_pair, emotion_pairs, others = [], [], [], [], []
        for i, r in zip(indices, item_rngs(rng, len(indices))):
            rig, group = self.rigs[i], self.group[i]
            start = _crop(r, len(rig), self.crop)
            anchors.append(rig[start : start + self.crop])
            partners = [e for e in self.aligned.get(group, {}) if e != self.emotion[i]] if group else []
            if partners:
                pair = self.aligned[group][partners[r.integers(len(partners))]]
                content_pairs.append(pair[start : start + self.crop])
            else:
                content_pairs.append(anchors[-1])
            has_pair.append(bool(partners))
            emotion_pairs.append(self._random_crop(r, self._same_emotion(r, i)))
            others.append(self._random_crop(r, int(r.integers(len(self)))))
        rig, mask = pad(anchors)
        width = rig.shape[1]
        content_pair, pair_mask = pad(content_pairs, width)
        emotion_pair, emotion_pair_mask = pad(emotion_pairs, width)
        other, other_mask = pad(others, width)
        # all partners are cropped to the anchor's width so frame t lines up
        return {
            "rig": rig, "mask": mask,
            "content_pair": content_pair[:, :width], "pair_mask": pair_mask[:, :width] & mask,
            "has_content_pair": torch.tensor(has_pair),
            "emotion_pair": emotion_pair[:, :width], "emotion_pair_mask": emotion_pair_mask[:, :width],
            "other": other[:, :width], "other_mask": other_mask[:, :width],
        }


class AudioCrops:
    """Stage-2/3 items: time-aligned crops of the clips of one split."""

    def __init__(
        self,
        clips: list[Clip],
        config: ModelConfig,
        crop_seconds: float,
        augment: float = 1.0,
        text_dropout: float = 0.0,
        phone_dropout: float = 0.0,
    ) -> None:
        self.clips = clips
        self.config = config
        self.fps = config.fps
        self.crop = max(1, round(crop_seconds * self.fps))
        # crops start where the rig grid, the 10 ms feature grid and the content input grid meet
        fps = int(round(self.fps))
        self.step = math.lcm(*(fps // math.gcd(fps, int(rate)) for rate in (FEATURE_RATE, config.content.input_rate)))
        self.augment = augment
        self.text_dropout = text_dropout
        self.phone_dropout = phone_dropout

    def __len__(self) -> int:
        return len(self.clips)

    def item(self, clip: Clip, rng: np.random.Generator) -> dict[str, np.ndarray | None]:
        """One crop: ``audio (T_a, F)``, ``mel (T_m, 80)``, ``prosody (T_m, P)``, ``rig (T, 174)``,
        ``tokens (n, 384)`` and ``spans (n, 2)`` (s from the crop's start) or None, ``intensity (T,)`` or None,
        ``phones (T_a, K)`` (the phone track on the audio frames, for a model with the phonetic correction) or None."""
        start = _crop(rng, len(clip.rig), self.crop, self.step)
        return self.cut(clip, rng, start, self.crop)

    def cut(
        self, clip: Clip, rng: np.random.Generator, start: int, length: int, as_streamed: bool = False
    ) -> dict[str, np.ndarray | None]:
        """The item of rig frames ``[start, start + length)`` (as ``item``). ``as_streamed``: as a live
        stream's window sees them (``medtalk.train.windows``): no silence after the last frame, and
        the prosody and any frozen front-end's states computed on the cut audio, not sliced from the
        whole clip's (the prosody is normalised per utterance; a Whisper encoder attends to all it gets)."""
        from medtalk.augment import augment_power, augment_wave

        rig = clip.rig[start : start + length]
        if clip.intensity is not None:  # carried as one more rig column through every edit below
            rig = np.concatenate([rig, clip.intensity[start : start + length, None]], axis=1)
        first = round(start * SAMPLE_RATE / self.fps)
        samples = as_float(clip.samples[first : first + round(len(rig) * SAMPLE_RATE / self.fps)])
        feature_start = round(start * FEATURE_RATE / self.fps)
        prosody = _frames(clip.prosody, feature_start, num_feature_frames(len(samples)))
        tokens = spans = None
        if clip.tokens is not None and rng.random() >= self.text_dropout:
            tokens, spans = span_slice(clip.tokens, clip.token_spans, start / self.fps, (start + length) / self.fps)
        phones = None
        if self.config.content.phones and clip.phones is not None and rng.random() >= self.phone_dropout:
            phones = shifted(clip.phones, start / self.fps)
        lead = 0.0
        if self.augment > 0 and rng.random() < P_SILENCE:
            at_start, at_end = start == 0, start + len(rig) >= len(clip.rig) and not as_streamed
            samples, rig, prosody, lead = self._add_silence(samples, rig, prosody, rng, at_start, at_end)
            if spans is not None:  # the words move by the silence put before them
                spans = spans + np.float32(lead)
            if phones is not None:
                phones[:, 1:] += np.float32(lead)
        cached = clip.frozen is not None and not as_streamed
        frozen = self._frozen(clip, first / SAMPLE_RATE - lead, len(samples)) if cached else None
        if self.augment > 0:
            stretched = augment_wave(samples, rng, self.augment)
            if len(stretched) != len(samples):  # speed perturbation: stretch the targets alike
                rig = _stretch(rig, max(1, round(len(rig) * len(stretched) / len(samples))))
                prosody = _stretch(prosody, num_feature_frames(len(stretched)))
                if spans is not None:
                    spans = spans * np.float32(len(stretched) / len(samples))
                if phones is not None:
                    phones[:, 1:] *= np.float32(len(stretched) / len(samples))
                if frozen is not None:  # the frozen states stretch like the targets: a change of speaking rate
                    frozen = _stretch(frozen, self._frozen_frames(len(stretched)))
            samples = stretched
            if spans is not None and len(spans):
                spans = spans + rng.normal(0.0, WORD_TIME_JITTER, spans.shape) + rng.normal(0.0, WORD_TIME_SHIFT)
                spans = np.sort(spans, axis=1).astype(np.float32)
            if phones is not None:
                phones = perturb_phones(phones, rng)
        power = power_spectrogram(samples)
        if self.augment > 0:
            power = augment_power(power, rng, self.augment)
        mel = log_mel(power=power)
        if self.augment > 0:
            mel = mask_bands(mel, rng)
        if frozen is not None:
            audio = frozen
        else:
            audio = mel if self.config.content.frontend == "log_mel" else audio_features(samples, self.config.content)
        if as_streamed:
            prosody = frame_prosody(samples, power=power)
        intensity = rig[:, -1] if clip.intensity is not None else None
        if phones is not None:
            phones = phone_track(phones, len(audio), self.config.content.input_rate)
        return {"audio": audio, "mel": mel, "prosody": prosody, "rig": rig[:, : clip.rig.shape[1]],
                "tokens": tokens, "spans": spans, "intensity": intensity, "phones": phones}

    def _frozen_frames(self, num_samples: int) -> int:
        """Frames a frozen front-end gives for ``num_samples``: one per started frame period."""
        return -(-num_samples * round(self.config.content.input_rate) // SAMPLE_RATE)

    def _frozen(self, clip: Clip, start: float, num_samples: int) -> np.ndarray:
        """The cached frozen features ``(T_a, F)`` float32 of ``num_samples`` from ``start`` s of the clip;
        before and after the clip (added silence) its first and last frame repeat."""
        first = round(start * self.config.content.input_rate)
        return _frames(clip.frozen, first, self._frozen_frames(num_samples)).astype(np.float32)

    def _add_silence(
        self, samples: np.ndarray, rig: np.ndarray, prosody: np.ndarray, rng: np.random.Generator,
        at_start: bool, at_end: bool,
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, float]:
        """Extend a crop that touches the clip's start or end with silence and the resting face;
        also returns the seconds of silence put before it.

        Synthetic clips hold only a breath of digital silence; real recordings
        have long pauses over a noise floor (the noise comes from
        ``augment_power``), where the mouth must rest.
        """
        def frames() -> int:  # a whole number of crop steps, so all grids stay aligned
            return round(rng.uniform(*SILENCE_SECONDS) * self.fps / self.step) * self.step

        lead, tail = (frames() if at_start else 0), (frames() if at_end else 0)
        step_samples = round(SAMPLE_RATE * self.step / self.fps)
        step_features = round(FEATURE_RATE * self.step / self.fps)
        samples = np.concatenate([np.zeros(lead // self.step * step_samples, np.float32), samples,
                                  np.zeros(tail // self.step * step_samples, np.float32)])
        rig = np.concatenate([np.repeat(rig[:1], lead, 0), rig, np.repeat(rig[-1:], tail, 0)])
        prosody = np.concatenate([np.repeat(prosody[:1], lead // self.step * step_features, 0), prosody,
                                  np.repeat(prosody[-1:], tail // self.step * step_features, 0)])
        return samples, rig, prosody, lead // self.step * step_samples / SAMPLE_RATE

    def batch(self, indices: np.ndarray, rng: Rngs) -> dict[str, torch.Tensor]:
        items = [self.item(self.clips[i], r) for i, r in zip(indices, item_rngs(rng, len(indices)))]
        return self.collate(items, indices)

    def collate(self, items: list[dict[str, np.ndarray | None]], indices: np.ndarray) -> dict[str, torch.Tensor]:
        """The items of clips ``indices`` as one padded batch."""
        audio, audio_mask = pad([it["audio"] for it in items])
        mel, mel_mask = pad([it["mel"] for it in items])
        prosody, _ = pad([it["prosody"] for it in items])
        rig, mask = pad([it["rig"] for it in items])
        tokens = [it["tokens"] if it["tokens"] is not None else np.zeros((0, TEXT_DIM), np.float32) for it in items]
        text, text_mask = pad(tokens)
        spans, _ = pad([it["spans"] if it["spans"] is not None else np.zeros((0, 2), np.float32) for it in items])
        curves = [it["intensity"] if it["intensity"] is not None else np.zeros(0, np.float32) for it in items]
        intensity, intensity_mask = pad(curves, rig.shape[1])
        emotion = torch.tensor([self.clips[i].emotion_id for i in indices])
        out = {
            "audio": audio, "audio_mask": audio_mask, "mel": mel, "mel_mask": mel_mask, "prosody": prosody,
            "rig": rig, "mask": mask, "text": text, "text_mask": text_mask, "text_spans": spans, "emotion": emotion,
            "intensity": intensity, "intensity_mask": intensity_mask,
        }
        if self.config.content.phones:  # zero rows for crops without phones
            out["phones"] = pad([it["phones"] if it["phones"] is not None
                                 else np.zeros((len(it["audio"]), len(PHONE_CLASSES)), np.float32)
                                 for it in items])[0]
        return out


def perturb_phones(segments: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Phone segments ``(S, 3)`` as an aligner might give them: ends moved (``PHONE_TIME_JITTER``,
    and all by ``PHONE_TIME_SHIFT``), some classes swapped or unknown."""
    out = segments.copy()
    out[:, 1:] += rng.normal(0.0, PHONE_TIME_JITTER, (len(out), 2)) + rng.normal(0.0, PHONE_TIME_SHIFT)
    out[:, 1:] = np.sort(out[:, 1:], axis=1)
    roll = rng.random(len(out))
    swap = roll < P_PHONE_SWAP
    out[swap, 0] = rng.integers(len(PHONE_CLASSES), size=int(swap.sum()))
    out[(roll >= P_PHONE_SWAP) & (roll < P_PHONE_SWAP + P_PHONE_UNKNOWN), 0] = UNKNOWN_PHONE
    return out


def mask_bands(mel: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """SpecAugment frequency masking: up to ``BAND_MASKS`` random runs of bands set to the
    utterance mean (0 after normalisation), so no single band can carry the prediction."""
    mel = mel.copy()
    for _ in range(BAND_MASKS):
        if rng.random() < P_BAND_MASK:
            width = int(rng.integers(1, BAND_MASK_WIDTH + 1))
            start = int(rng.integers(0, mel.shape[1] - width + 1))
            mel[:, start : start + width] = 0.0
    return mel


def _frames(x: np.ndarray, start: int, count: int) -> np.ndarray:
    """``x[start : start + count]``, repeating the first frame before the start (``start < 0``) and
    the last past the end: ``(T, D) -> (count, D)``."""
    idx = np.clip(np.arange(start, start + count), 0, len(x) - 1)
    return x[idx]


def _stretch(x: np.ndarray, count: int) -> np.ndarray:
    """Linear resampling along time to ``count`` frames (same duration): ``(T, D) -> (count, D)``."""
    return x if len(x) == count else resample_frames(x, len(x), count, count)

"""The phonetic input of the content branch: phones placed in time, in training and from a transcript."""

from __future__ import annotations

import numpy as np
import torch

from medtalk.model.config import preset
from medtalk.model.inputs import (
    PHONE_CLASSES,
    UNKNOWN_PHONE,
    phone_segments,
    phone_track,
)
from medtalk.rig import index
from medtalk.synth.timeline import Phone

BILABIAL = PHONE_CLASSES.index("bilabial")
SIL = PHONE_CLASSES.index("sil")


def test_phone_track_marks_each_frame_with_its_viseme_class() -> None:
    segments = phone_segments([Phone("m", 0.1, 0.2), Phone("aI", 0.2, 0.4), Phone("_", 0.4, 0.5)])
    assert [PHONE_CLASSES[int(c)] for c in segments[:, 0]] == ["bilabial", "open", "spread", "sil"]
    assert np.allclose(segments[1:3, 1:], [[0.2, 0.3], [0.3, 0.4]])  # the diphthong split evenly
    track = phone_track(segments, 60, 100.0)
    assert np.allclose(track.sum(axis=1), 1.0)
    ids = track.argmax(axis=1)
    assert (ids[:10] == SIL).all() and (ids[11:20] == BILABIAL).all()  # before the speech: silence
    assert (ids[21:30] == PHONE_CLASSES.index("open")).all() and (ids[50:] == SIL).all()
    unknown = segments.copy()
    unknown[0, 0] = UNKNOWN_PHONE  # e.g. a word the aligner could not place
    assert np.allclose(phone_track(unknown, 60, 100.0)[11:20], 0.0)


def test_the_phonetic_correction_leaves_the_audio_path_alone() -> None:
    from medtalk.model import MEDTalk

    torch.manual_seed(0)
    model = MEDTalk(preset("tiny")).eval()  # no dropout: calls compare exactly
    audio = torch.randn(2, 50, model.config.content.input_dim)
    phones = torch.zeros(2, 50, len(PHONE_CLASSES))
    phones[0, :, BILABIAL] = 1.0  # the second item has no phones
    plain = model.content(audio, 30)
    assert torch.allclose(plain, model.content(audio, 30, phones=phones))  # untrained: no correction yet
    torch.nn.init.normal_(model.acm.phonetic.out.weight)
    alone, corrected = model.contents(audio, 30, phones=phones)
    assert torch.allclose(alone, plain)
    assert not torch.allclose(corrected[0], plain[0]) and torch.allclose(corrected[1], plain[1])
    # learning the correction sends no gradient into the audio path
    corrected.square().sum().backward()
    assert model.acm.phonetic.out.weight.grad.abs().sum() > 0
    assert all(p.grad is None or not p.grad.any() for n, p in model.acm.named_parameters() if "phonetic" not in n)


def test_training_crops_carry_the_phones_with_the_audio(tiny_emoface, tmp_path) -> None:  # noqa: F811
    from medtalk.data.clips import load_clips, scan_clips
    from medtalk.train.batches import AudioCrops, perturb_phones

    clip = load_clips(scan_clips(tiny_emoface)[:1], tmp_path, progress=False)[0]
    assert clip.phones is not None and len(clip.phones) == len(clip.info.phones)
    crops = AudioCrops([clip], preset("tiny"), crop_seconds=1.0, augment=0.0)
    rng = np.random.default_rng(0)
    rate = crops.config.content.input_rate
    jaw = index("CTRL_C_jaw-translateY")
    for _ in range(5):
        item = crops.item(clip, rng)
        track = item["phones"]
        assert track.shape == (len(item["audio"]), len(PHONE_CLASSES))
        assert np.allclose(track.sum(axis=1), 1.0)
        # the fixture says an open vowel exactly while the jaw moves: the crop keeps them together
        frames = np.minimum(np.round(np.arange(len(item["rig"])) / 60 * rate).astype(int), len(track) - 1)
        open_ = track[frames, PHONE_CLASSES.index("open")] > 0
        moving = item["rig"][:, jaw] > 1e-3
        edges = [np.flatnonzero(np.diff(x.astype(int))) for x in (open_, moving)]
        assert 0 < moving.mean() < 1 and len(edges[0]) == len(edges[1])
        assert np.abs(edges[0] - edges[1]).max() <= 1  # to the frame (the track is on the 10 ms grid)
    batch = AudioCrops([clip], preset("tiny"), 1.0, augment=0.0, phone_dropout=1.0).batch(np.array([0, 0]), rng)
    assert batch["phones"].shape == (*batch["audio"].shape[:2], len(PHONE_CLASSES)) and not batch["phones"].any()
    moved = perturb_phones(clip.phones, np.random.default_rng(1))
    assert (moved[:, 2] >= moved[:, 1]).all() and np.abs(moved[:, 1:] - clip.phones[:, 1:]).max() < 0.2


def test_an_english_transcript_gives_phones_where_they_are_said() -> None:
    from medtalk.infer import transcript_inputs
    from medtalk.model import MEDTalk
    from medtalk.synth.speech import synthesize

    model = MEDTalk(preset("tiny")).eval()
    utterance = synthesize("my mother made a warm meal for the team".split(), "en-us+m3", rate=150)
    text = transcript_inputs(model, utterance.audio, " ".join(w.text for w in utterance.words))
    assert text is not None and text.phones is not None
    said = phone_segments(utterance.phones)
    # every m espeak-ng says has an aligned bilabial segment starting within 50 ms of it
    truth = said[said[:, 0] == BILABIAL, 1]
    aligned = text.phones[text.phones[:, 0] == BILABIAL, 1]
    assert len(truth) == 6 and len(aligned) == len(truth)
    assert np.abs(aligned - truth).max() < 0.05


def test_a_transcript_that_is_not_english_gets_no_phones() -> None:
    from medtalk.asr import align
    from medtalk.infer import transcript_inputs
    from medtalk.model import MEDTalk
    from medtalk.synth.speech import synthesize

    german = "Wir fahren morgen früh mit dem Zug nach Hamburg".split()
    utterance = synthesize(german, "de")
    assert align(utterance.audio, " ".join(german), strict=True) == ([], [])
    text = transcript_inputs(MEDTalk(preset("tiny")), utterance.audio, " ".join(german))
    assert text is not None and text.phones is None and len(text.tokens)


def test_english_phones_come_where_a_human_voice_said_them() -> None:
    """festival's slt voice (built from CMU ARCTIC recordings) knows when it said each phone: the
    bilabials of a given transcript are placed within 30 ms of that, the aligner's phone pass."""
    from medtalk.audio import SAMPLE_RATE
    from medtalk.phonetics import transcript_phones
    from medtalk.synth.festival import synthesize

    text = "Maybe the bright map will help Bob pack by Monday."
    utt = synthesize(text.split(), "festival:slt")
    assert utt.sample_rate == SAMPLE_RATE  # the engines speak at the aligner's rate
    words, phones = transcript_phones(utt.audio, text)
    assert [w.text for w in words] == text.split()

    def middles(ps: list[Phone]) -> np.ndarray:
        return np.array([(p.start + p.end) / 2 for p in ps if p.symbol in ("m", "b", "p")])

    true, placed = middles(utt.phones), middles(phones)
    assert len(true) >= 8 and len(placed) == len(true)
    assert np.abs(placed - true).max() < 0.03, np.round(placed - true, 3)

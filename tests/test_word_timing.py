"""Word timing in the CMF: tokens placed where their word is said, and frames attending near them."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from medtalk.model import MEDTalk, preset
from medtalk.model.inputs import span_slice, spread, token_spans
from medtalk.model.intensity import timing_bias


@pytest.fixture
def tiny() -> MEDTalk:
    torch.manual_seed(0)
    return MEDTalk(preset("tiny")).eval()


def test_token_spans_follow_their_words_or_spread_evenly() -> None:
    words = [(0.2, 0.5), (0.6, 1.4)]
    assert np.allclose(token_spans([0, 1, 1], words, 2.0), [[0.2, 0.5], [0.6, 1.4], [0.6, 1.4]])
    # no times, or times that do not cover the tokens' words: evenly over the duration
    even = [[0.0, 0.5], [0.5, 1.0], [1.0, 1.5], [1.5, 2.0]]
    assert token_spans([0, 1, 2, 3], None, 2.0).tolist() == even
    assert token_spans([0, 1, 2, 3], words, 2.0).tolist() == even
    assert spread(4, 2.0).tolist() == even


def test_span_slice_keeps_nearby_tokens_relative_to_the_window() -> None:
    tokens = np.arange(4, dtype=np.float32)[:, None]
    spans = np.array([[0.0, 1.0], [5.0, 6.0], [10.0, 11.0], [20.0, 21.0]], dtype=np.float32)
    said, when = span_slice(tokens, spans, 8.0, 12.0)  # +-3 s of context: 5-6 s and 10-11 s
    assert said[:, 0].tolist() == [1.0, 2.0]
    assert when.tolist() == [[-3.0, -2.0], [2.0, 3.0]]


def test_timing_bias_is_zero_inside_a_word_and_falls_off_outside() -> None:
    bias = timing_bias(torch.tensor([[[0.5, 1.0]]]), 200, 100.0, 0.15)[0, :, 0]
    assert bias[50:101].abs().max() == 0
    assert bias[40] == pytest.approx(-0.5 * (0.1 / 0.15) ** 2)
    assert (bias[:50].diff() > 0).all() and (bias[101:].diff() < 0).all()


def test_a_frame_hears_the_word_said_then_not_one_said_far_away(tiny: MEDTalk) -> None:
    g = torch.Generator().manual_seed(1)
    prosody, mel = torch.randn(1, 300, 14, generator=g), torch.randn(1, 300, 80, generator=g)  # 3 s
    text = torch.randn(1, 3, 384, generator=g)
    spans = torch.tensor([[[0.0, 0.5], [1.2, 1.6], [2.5, 3.0]]])
    f = tiny.fim.label(torch.tensor([3]))
    before = tiny.fim.cmf(prosody, mel, text, None, None, f, spans)
    changed = text.clone()
    changed[0, 2] = torch.randn(384, generator=g)  # the last word, said from 2.5 s
    after = tiny.fim.cmf(prosody, mel, changed, None, None, f, spans)
    assert (after - before)[0, :100].abs().max() < 1e-6  # the first second is 1.5 s away from it
    assert (after - before)[0, 250:].abs().max() > 1e-4
    # the same words said at other times change the curve: the timing is used
    moved = tiny.fim.cmf(prosody, mel, text, None, None, f, spans.flip(1))
    assert not torch.allclose(moved, before, atol=1e-4)


def test_without_spans_tokens_are_spread_over_the_audio(tiny: MEDTalk) -> None:
    g = torch.Generator().manual_seed(2)
    prosody, mel, text = torch.randn(1, 201, 14, generator=g), torch.randn(1, 201, 80, generator=g), torch.randn(
        1, 4, 384, generator=g)
    f = tiny.fim.label(torch.tensor([1]))
    even = torch.from_numpy(spread(4, 2.0))[None]  # 201 frames at 100/s: 2 s from the first to the last
    assert torch.allclose(tiny.fim.cmf(prosody, mel, text, None, None, f),
                          tiny.fim.cmf(prosody, mel, text, None, None, f, even), atol=1e-6)


def test_transcript_inputs_align_words_to_the_speech(tiny: MEDTalk) -> None:
    from medtalk.infer import transcript_inputs
    from medtalk.synth.speech import synthesize
    from medtalk.text import default_text_encoder

    utterance = synthesize("please open the window before the meeting starts".split(), "en-us+f2", rate=140)
    text = " ".join(w.text for w in utterance.words)
    tokens, spans, _ = transcript_inputs(tiny, utterance.audio, text)
    assert tokens.shape == (len(spans), 384)
    words = default_text_encoder().token_words(text)
    starts = np.array([utterance.words[w].start for w in words])
    assert np.median(np.abs(spans[:, 0] - starts)) < 0.05  # forced alignment, not an even spread
    assert (np.diff(spans[:, 0]) >= 0).all()
    assert transcript_inputs(tiny, utterance.audio, "  ") is None


def test_training_crops_carry_word_times_from_the_crop_start(tiny_emoface, tmp_path) -> None:
    from medtalk.data.clips import load_clips, scan_clips
    from medtalk.train.batches import AudioCrops

    clip = load_clips(scan_clips(tiny_emoface)[:1], tmp_path, progress=False)[0]
    assert np.allclose(clip.token_spans[0], clip.info.words[0])  # from META's words
    crops = AudioCrops([clip], preset("tiny"), crop_seconds=1.0, augment=0.0)
    rng = np.random.default_rng(0)
    for _ in range(5):
        item = crops.item(clip, rng)
        # a short clip keeps every token within the context margin; each moves by the crop's start
        shift = clip.token_spans - item["spans"]
        assert np.allclose(shift, shift[0, 0], atol=1e-5)
        assert 0.0 <= shift[0, 0] <= len(clip.rig) / 60 - 1.0 + 1e-5
    batch = crops.batch(np.array([0, 0]), rng)
    assert batch["text_spans"].shape == (*batch["text"].shape[:2], 2)


def test_cached_clips_load_without_the_text_encoder(tiny_emoface, tmp_path, monkeypatch) -> None:
    import medtalk.text
    from medtalk.data import clips as data

    infos = data.scan_clips(tiny_emoface)[:2]
    first = data.load_clips(infos, tmp_path, progress=False)
    data._token_words.cache_clear()
    data._tokens.cache_clear()

    def no_encoder():
        raise AssertionError("a cached clip loaded MiniLM")

    monkeypatch.setattr(medtalk.text, "default_text_encoder", no_encoder)
    again = data.load_clips(infos, tmp_path, progress=False)
    for a, b in zip(first, again):
        assert np.array_equal(a.token_spans, b.token_spans) and np.array_equal(a.tokens, b.tokens)


def test_malformed_word_times_are_a_one_line_error(tmp_path) -> None:
    import json

    from model_fixtures import write_emoface

    from medtalk.data.clips import scan_clips
    from medtalk.errors import MedtalkError

    root = write_emoface(tmp_path / "data", sentences=3)
    meta_path = sorted((root / "META").glob("*.json"))[0]
    meta = json.loads(meta_path.read_text())
    meta["words"] = [{"begin": 0.1}]
    meta_path.write_text(json.dumps(meta))
    with pytest.raises(MedtalkError, match="'words' must be a list"):
        scan_clips(root)


def test_a_later_stage_keeps_the_configuration_of_its_init_model(tiny_emoface, tmp_path) -> None:
    from medtalk.errors import MedtalkError
    from medtalk.model.checkpoint import load_model
    from medtalk.train.loop import TrainOptions, train

    opts = dict(data=tiny_emoface, epochs_scale=0.05, progress=False, threads=1, cache=tmp_path / "cache")
    first = train(TrainOptions(run=tmp_path / "s1", preset="tiny", stages="1", **opts))
    # no --preset: stage 2 continues the tiny, timed model instead of building the default one
    second = train(TrainOptions(run=tmp_path / "s2", stages="2", init=first, **opts))
    assert load_model(second)[0].config == preset("tiny")
    with pytest.raises(MedtalkError, match="not one of --arch endtoend"):
        train(TrainOptions(run=tmp_path / "e2e", stages="1", init=first, arch="endtoend", **opts))

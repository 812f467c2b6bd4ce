"""The streaming engine (``medtalk.live.Stream``) with the tiny trained model: offline fidelity,
chunking, frame counts, live emotion changes, transcript words, bad input."""

from __future__ import annotations

import numpy as np
import pytest

from medtalk.audio import SAMPLE_RATE
from medtalk.errors import MedtalkError
from medtalk.guidance.timeline import CROSSFADE_SECONDS
from medtalk.infer import animate
from medtalk.features import pitch
from medtalk.live import Stream
from medtalk.live.pitch import PitchCache, grid_frames
from medtalk.rig import NUM_CONTROLS


def run(stream: Stream, wave: np.ndarray, chunk: int) -> np.ndarray:
    parts = [stream.push(wave[i : i + chunk]) for i in range(0, len(wave), chunk)]
    return np.concatenate([*parts, stream.flush()])


def test_a_stream_that_sees_the_whole_clip_gives_the_offline_output(model, wave) -> None:
    stream = Stream("happy", model=model, lookahead_ms=5000, context_seconds=20)
    np.testing.assert_array_equal(run(stream, wave, len(wave)), animate(wave, "happy", model=model).values)


def test_output_does_not_depend_on_how_the_audio_is_cut(model, wave) -> None:
    a = run(Stream("sad", model=model), wave, 160)
    b = run(Stream("sad", model=model), wave, 1234)
    c = run(Stream("sad", model=model), wave, len(wave))
    np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(a, c)
    assert a.dtype == np.float32 and a.shape[1] == NUM_CONTROLS


def test_a_late_stream_catches_up_in_one_window(model, wave, monkeypatch) -> None:
    windows = []
    step = Stream._step
    monkeypatch.setattr(Stream, "_step", lambda self, *a, **k: windows.append(a[0]) or step(self, *a, **k))
    on_time = run(Stream("sad", model=model), wave, 160)
    assert np.array_equal(run(Stream("sad", model=model, catch_up=True), wave, 160), on_time)  # never behind
    windows.clear()
    late = run(Stream("sad", model=model, catch_up=True), wave, 8000)  # half a second piled up at a time
    assert len(late) == len(on_time) and np.isfinite(late).all()
    assert np.diff([0, *windows[:-1]]).max() == 15 and len(windows) <= len(on_time) // 15 + 3  # not one per hop
    assert np.abs(late - on_time).mean() < 0.01  # the same face, from fewer windows


def test_the_pitch_cache_gives_what_each_window_computes(wave) -> None:
    cache = PitchCache()
    step = 800  # 3 frames at 60 fps: a window start on the feature grid
    for start in [0, 0, 1600, 1600, 4800, 4800, 8000, 40000, 40000 + step, 1600]:  # in order, a jump, one back
        for end in (start + 24800, start + 25333, min(len(wave), start + 1500)):
            cut = wave[start:end]
            got, expected = cache.window(cut, start), pitch(cut)
            np.testing.assert_array_equal(got[0], expected[0])
            np.testing.assert_array_equal(got[1], expected[1])
    assert grid_frames(60.0) == 3 and grid_frames(100.0) == 1 and grid_frames(59.94) is None


def test_a_stream_computes_the_same_face_without_its_pitch_cache(model, wave, monkeypatch) -> None:
    cached = run(Stream("sad", model=model, catch_up=True), wave, 2000)
    monkeypatch.setattr(PitchCache, "window", lambda self, samples, first: pitch(samples))
    np.testing.assert_array_equal(run(Stream("sad", model=model, catch_up=True), wave, 2000), cached)


@pytest.mark.parametrize("samples", [1, 200, 1000, 1500, 16000, 33333])
def test_frame_count_is_rounded_duration_times_fps(model, wave, samples: int) -> None:
    out = run(Stream("neutral", model=model), np.resize(wave, samples), 320)
    assert len(out) == round(samples / SAMPLE_RATE * 60)
    assert np.isfinite(out).all()


@pytest.mark.parametrize(("smooth_ahead", "delay"), [(False, 3 + 2 + 1), (True, 3 + 1)])
def test_frames_wait_for_at_most_the_stated_delay(model, wave, smooth_ahead: bool, delay: int) -> None:
    stream = Stream("neutral", model=model, lookahead_ms=50, hop_frames=2, smooth_ahead=smooth_ahead)
    waits = []
    for first in range(0, len(wave) - 160, 160):
        stream.push(wave[first : first + 160])
        heard = (first + 160) / SAMPLE_RATE * stream.fps
        if heard > 10:  # the edge fit of the first two frames reads five frames: a start-up wait
            waits.append(heard - stream.frames_out)
    assert max(waits) <= stream.delay_frames + 1  # +1: the frame now being heard
    assert max(waits) > stream.delay_frames - 1  # and no less: the stated delay is what a frame waits
    assert stream.delay_frames == delay


def test_smoothing_ahead_gives_nearly_the_same_face_sooner(model, wave) -> None:
    waited = run(Stream("sad", model=model, smooth_ahead=False), wave, 160)
    ahead = run(Stream("sad", model=model), wave, 160)
    assert len(ahead) == len(waited)
    assert np.abs(ahead - waited).mean() < 0.005  # the predicted neighbours weigh little in the filter
    assert not np.array_equal(ahead, waited)


def test_emotion_switched_mid_stream_crossfades(model, wave) -> None:
    half = len(wave) // 2
    steady = run(Stream("neutral", model=model), wave, 320)
    stream = Stream("neutral", model=model)
    before = np.concatenate([stream.push(wave[i : min(i + 320, half)]) for i in range(0, half, 320)])
    stream.set_emotion("happy:0.5,surprised:0.5")
    after = np.concatenate([stream.push(wave[i : i + 320]) for i in range(half, len(wave), 320)] + [stream.flush()])
    switched = np.concatenate([before, after])
    assert len(switched) == len(steady)
    np.testing.assert_array_equal(before, steady[: len(before)])  # what was out stays out
    fade = round(CROSSFADE_SECONDS * 60)
    changed = np.abs(switched - steady).mean(axis=1)
    assert changed[len(before) + fade + 5 :].mean() > 10 * changed[: len(before)].mean() + 1e-6
    # no seam: the step into the fade is no bigger than the steps the face takes anyway
    steps = np.abs(np.diff(switched, axis=0)).max(axis=1)
    assert steps[len(before) - 1 : len(before) + fade].max() <= 2 * np.percentile(steps, 99) + 1e-6


def test_intensity_and_a_second_change_during_the_fade(model, wave) -> None:
    stream = Stream("angry", model=model)
    out = [stream.push(wave[: len(wave) // 3])]
    stream.set_emotion(intensity=0.0)
    stream.set_emotion("sad")
    assert stream.intensity == 0.0
    out += [stream.push(wave[len(wave) // 3 :]), stream.flush()]
    assert len(np.concatenate(out)) == round(len(wave) / SAMPLE_RATE * 60)
    with pytest.raises(MedtalkError, match="intensity"):
        stream.set_emotion(intensity=-1)
    with pytest.raises(MedtalkError):
        Stream("furious-ish", model=model)


def test_transcript_words_with_and_without_times(model, wave) -> None:
    duration = len(wave) / SAMPLE_RATE
    timed = Stream("happy", model=model)
    timed.push_words("what a lovely day", [(0.1, 0.3), (0.3, 0.4), (0.4, 0.8), (0.8, duration - 0.1)])
    with_times = run(timed, wave, 320)
    untimed = Stream("happy", model=model, transcript="what a lovely")
    untimed.push(wave[: len(wave) // 2])
    untimed.push_words("day")
    without = np.concatenate([untimed.push(wave[len(wave) // 2 :]), untimed.flush()])
    plain = run(Stream("happy", model=model), wave, 320)
    assert len(with_times) == len(plain)
    assert not np.array_equal(with_times, plain)  # the words reach the model
    assert np.isfinite(without).all()
    with pytest.raises(MedtalkError, match="word times"):
        timed.push_words("two words", [(0.0, 1.0)])


def test_bad_input_is_a_one_line_error(model) -> None:
    stream = Stream("neutral", model=model)
    with pytest.raises(MedtalkError, match="mono"):
        stream.push(np.zeros((10, 2), dtype=np.float32))
    with pytest.raises(MedtalkError, match="look-ahead"):
        Stream(model=model, lookahead_ms=-5)
    stream.flush()
    with pytest.raises(MedtalkError, match="flushed"):
        stream.push(np.zeros(10, dtype=np.float32))

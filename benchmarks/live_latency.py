"""Live streaming (``medtalk.live.Stream``): latency, CPU, simultaneous streams, a long stream, quality.

Run: .venv/bin/python benchmarks/live_latency.py [--lookahead MS] [--hop FRAMES] [--catch-up] [--wait-smoothing] [--part latency,load,long,quality,real]
Prints
1. latency, audio in to frame out: real speech (jfk.flac) fed on the real-time
   clock as a sound card delivers it, a 10 ms chunk due every 10 ms (a late
   push takes every chunk due by then); for each frame, the time from when the
   chunk holding the frame's instant was due to the return of the push that
   gave the frame, median and p95, split into the stated wait (look-ahead, smoothing,
   hop: audio that must arrive first) and the compute; CPU seconds per second of
   audio;
2. load: N streams at once, each in its own process with one torch thread, fed
   in real time; a stream holds real time when its frames' p95 latency stays
   under 150 ms; the largest N that holds on this machine (2 cores);
3. a 10-minute stream from the file source (jfk.flac looped, as fast as it
   computes): frames = duration x 60 +- 1, and resident memory sampled along the way;
4. quality on the held-out synthetic split (``medtalk synth dataset DIR
   --sentences 40 --seed 0 --languages en --jobs 1``, made in a temporary folder
   when --data is not given): MLE of the stream against the offline path, and
   the frame-to-frame jumps at the borders of the stream's windows against the
   offline output's at the same frames; and with the text ahead of the audio,
   as a TTS engine gives it (each clip's words with their times, from its
   metadata, pushed before its audio: ``Stream.push_words``) against the
   offline path given the same text (``animate(transcript=...)``);
5. real English speech (jfk.flac, forced alignment): place and rounding AUCs,
   offline and streamed: how well lip closure separates the bilabial frames
   (p, b, m) from the other speech frames, and lip rounding the rounded vowels
   from the other vowels (Mann-Whitney AUC over frames).

Before and after the parts, a fixed reference workload is timed, so figures
from a slower or busier day can be told apart from a slower stream.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

SAMPLE_RATE = 16000
CHUNK = 160  # 10 ms: what a sound card or a TTS engine hands on at a time
HOLD_P95_MS = 150.0


def jfk() -> np.ndarray:
    from medtalk.audio import load_audio

    return load_audio(Path(__file__).resolve().parents[1] / "examples" / "jfk.flac")


def new_stream(emotion: str, model, args: argparse.Namespace, lookahead: float | None = None):
    """A stream with the look-ahead (``args.lookahead`` unless given) and the hop the run asks for."""
    from medtalk.live import Stream

    return Stream(emotion, model=model, lookahead_ms=args.lookahead if lookahead is None else lookahead,
                  hop_frames=args.hop, catch_up=args.catch_up, smooth_ahead=not args.wait_smoothing)


def realtime_run(wave: np.ndarray, args: argparse.Namespace, model=None, seconds: float | None = None) -> dict:
    """Feed ``wave`` on the real-time clock as a sound card does, a 10 ms chunk due every 10 ms; a push
    takes every chunk due by then (a late stream gets the audio that piled up, as ``medtalk live``'s
    sources deliver it). A frame's latency runs from the moment its chunk was due to the return of
    the push that gave it."""
    stream = new_stream("neutral", model, args)
    if seconds is not None:
        wave = wave[: round(seconds * SAMPLE_RATE)]
    chunks = -(-len(wave) // CHUNK)
    latency, compute = [], []
    cpu = time.process_time()
    start = time.perf_counter()
    due_at = lambda k: start + (k + 1) * CHUNK / SAMPLE_RATE  # noqa: E731
    sent = 0
    while sent < chunks:
        time.sleep(max(0.0, due_at(sent) - time.perf_counter()))
        due = min(chunks, max(sent + 1, int((time.perf_counter() - start) * SAMPLE_RATE) // CHUNK))
        pushed = time.perf_counter()
        frames_before = stream.frames_out
        out = stream.push(wave[sent * CHUNK : due * CHUNK])
        done = time.perf_counter()
        sent = due
        if len(out):
            compute.append(done - pushed)
        for frame in range(frames_before, frames_before + len(out)):
            latency.append(done - due_at(min(round(frame / stream.fps * SAMPLE_RATE) // CHUNK, chunks - 1)))
    cpu = time.process_time() - cpu
    return {"latency": np.array(latency) * 1000, "compute": np.array(compute) * 1000,
            "cpu_per_second": cpu / (len(wave) / SAMPLE_RATE), "delay_ms": stream.delay_ms,
            "lookahead_ms": 1000 * stream.lookahead / stream.fps, "frames": stream.frames_out}


def latency(args: argparse.Namespace) -> None:
    import torch

    from medtalk.infer import load_model

    torch.set_num_threads(1)
    model = load_model(args.model)
    wave = jfk()
    realtime_run(wave, args, model, seconds=1.0)  # warm up
    r = realtime_run(wave, args, model)
    lat, comp = r["latency"], r["compute"]
    hop = 1000 * (args.hop - 1) / model.config.fps  # the wait until a frame's window
    smoothing = max(0.0, r["delay_ms"] - r["lookahead_ms"] - hop)  # the smoothing's wait the look-ahead does not cover
    print(f"1. latency, jfk.flac ({len(wave) / SAMPLE_RATE:.1f} s) in 10 ms chunks, look-ahead "
          f"{r['lookahead_ms']:.1f} ms: median {np.median(lat):.0f} ms, p95 {np.percentile(lat, 95):.0f} ms "
          f"(max {lat.max():.0f}); of it, waiting for audio: at most {r['delay_ms']:.0f} ms (look-ahead "
          f"{r['lookahead_ms']:.0f}, smoothing beyond it {smoothing:.0f}, hop {hop:.0f}), compute per "
          f"window median {np.median(comp):.1f} ms, "
          f"p95 {np.percentile(comp, 95):.1f} ms; CPU {r['cpu_per_second']:.3f} s per s of audio; "
          f"load average {os.getloadavg()[0]:.1f}")


def machine_speed() -> str:
    """A fixed workload on one thread (300x300 float32 products), fastest of three, against which
    figures from different days compare: this machine's speed drifts by a third from minute to minute."""
    import torch

    torch.set_num_threads(1)
    a = torch.rand(300, 300, generator=torch.Generator().manual_seed(0))
    times = []
    for _ in range(3):
        start = time.perf_counter()
        for _ in range(500):
            b = a @ a
        times.append(time.perf_counter() - start)
    del b
    return f"reference workload {1000 * min(times):.0f} ms (500 products of 300x300, one thread; lower is faster)"


def _load_worker(args: argparse.Namespace, queue) -> None:
    import torch
    from threadpoolctl import threadpool_limits

    from medtalk.infer import load_model

    torch.set_num_threads(1)
    threadpool_limits(1, user_api="blas")  # a spawned process: as `medtalk live` (and main) limit it
    m = load_model(args.model)
    wave = np.tile(jfk(), 2)
    realtime_run(wave, args, m, seconds=0.5)
    queue.put(realtime_run(wave, args, m, seconds=args.load_seconds))


def load(args: argparse.Namespace) -> None:
    ctx = multiprocessing.get_context("spawn")
    held = 0
    print("2. simultaneous real-time streams (one process and one torch thread each):")
    for n in range(1, args.max_streams + 1):
        queue = ctx.Queue()
        workers = [ctx.Process(target=_load_worker, args=(args, queue))
                   for _ in range(n)]
        for w in workers:
            w.start()
        results = [queue.get() for _ in workers]
        for w in workers:
            w.join()
        p95 = max(np.percentile(r["latency"], 95) for r in results)
        median = np.median(np.concatenate([r["latency"] for r in results]))
        cpu = np.mean([r["cpu_per_second"] for r in results])
        ok = p95 <= HOLD_P95_MS
        print(f"   {n} streams: median latency {median:.0f} ms, worst stream's p95 {p95:.0f} ms, CPU "
              f"{cpu:.3f} s/s each, load average {os.getloadavg()[0]:.1f}: {'holds' if ok else 'falls behind'}")
        if not ok:
            break
        held = n
    print(f"   -> {held} simultaneous real-time streams on {os.cpu_count()} cores")


def long_stream(args: argparse.Namespace) -> None:
    import torch

    from medtalk.infer import load_model

    torch.set_num_threads(1)
    model = load_model(args.model)
    wave = jfk()
    total = round(args.long_minutes * 60 * SAMPLE_RATE)
    stream = new_stream("neutral", model, args)
    frames, memory = 0, []
    step = 100 * CHUNK  # a second of audio a push (the file source, as fast as it computes)
    start = time.perf_counter()
    for first in range(0, total, step):
        at = first % len(wave)
        chunk = np.concatenate([wave[at:], wave[: max(0, at + step - len(wave))]])[: min(step, total - first)]
        frames += len(stream.push(chunk))
        if first % (60 * SAMPLE_RATE) == 0:
            memory.append(_rss_mib())
    frames += len(stream.flush())
    memory.append(_rss_mib())
    expected = total / SAMPLE_RATE * stream.fps
    print(f"3. {args.long_minutes:g}-minute stream: {frames} frames, expected {expected:.0f} (off by "
          f"{frames - expected:+.0f}); resident memory per minute {', '.join(f'{m:.0f}' for m in memory)} MiB "
          f"(spread {max(memory[1:]) - min(memory[1:]):.0f} MiB after the first minute); "
          f"{time.perf_counter() - start:.0f} s to compute")


def _rss_mib() -> float:
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * resource.getpagesize() / 2**20


def quality(args: argparse.Namespace) -> None:
    import torch

    from medtalk.audio import load_audio
    from medtalk.eval.report import score
    from medtalk.infer import animate, load_model
    from medtalk.rig import read_rig
    from medtalk.data.clips import scan_clips

    torch.set_num_threads(args.threads)
    model = load_model(args.model)
    data = args.data or _synthetic()
    clips = [i for i in scan_clips(data) if i.split == "test"]
    lookaheads = sorted({args.lookahead, *args.quality_lookaheads})
    mle = {"offline": [], "offline text": [], **{key: [] for la in lookaheads for key in (la, (la, "text"))}}
    seams = {la: [] for la in lookaheads}
    for info in clips:
        wave, truth = load_audio(info.wav), read_rig(info.rig).values
        text = info.text  # with info.words, each word's (start, end) s: what a TTS engine knows
        offline = animate(wave, info.emotion, model=model).values
        mle["offline"].append(score(offline, truth)["MLE"])
        mle["offline text"].append(score(animate(wave, info.emotion, transcript=text, model=model).values,
                                         truth)["MLE"])
        for la in lookaheads:
            stream = new_stream(info.emotion, model, args, la)
            streamed = _streamed(stream, wave)
            mle[la].append(score(streamed, truth)["MLE"])
            borders = np.arange(stream.hop, len(streamed) - 1, stream.hop)  # first frame of each window
            jump = lambda v: np.abs(v[borders] - v[borders - 1]).mean()  # noqa: E731
            seams[la].append((jump(streamed), jump(offline)))
            stream = new_stream(info.emotion, model, args, la)
            stream.push_words(text, list(info.words))  # the text first, as from a TTS engine
            mle[la, "text"].append(score(_streamed(stream, wave), truth)["MLE"])
    base, base_text = np.mean(mle["offline"]), np.mean(mle["offline text"])
    print(f"4. held-out synthetic split ({len(clips)} clips, {data}): offline MLE {base:.5f} from the audio alone, "
          f"{base_text:.5f} given the text")
    for la in lookaheads:
        s, o = np.mean(seams[la], axis=0)
        streamed, with_text = np.mean(mle[la]), np.mean(mle[la, "text"])
        print(f"   look-ahead {la:g} ms: streamed MLE {streamed:.5f} ({streamed / base - 1:+.1%}); "
              f"jump at window borders {s:.5f} (offline at the same frames {o:.5f}, {s / o - 1:+.0%}); "
              f"with the words and their times ahead {with_text:.5f} ({with_text / base_text - 1:+.1%} against "
              "the offline path given the text)")


def _streamed(stream, wave: np.ndarray) -> np.ndarray:
    return np.concatenate([stream.push(wave[i : i + CHUNK]) for i in range(0, len(wave), CHUNK)] + [stream.flush()])


def _synthetic() -> Path:
    folder = Path(tempfile.mkdtemp(prefix="live-quality-")) / "data"
    subprocess.run([sys.executable, "-m", "medtalk", "synth", "dataset", str(folder), "--sentences", "40",
                    "--seed", "0", "--languages", "en", "--jobs", "1"], check=True, capture_output=True)
    return folder


def _auc(scores: np.ndarray, positive: np.ndarray) -> float:
    """Mann-Whitney AUC: how often a positive frame scores above a negative one (ties count half)."""
    from scipy.stats import rankdata

    pos, neg = scores[positive], scores[~positive]
    ranks = rankdata(np.concatenate([pos, neg]))
    return float((ranks[: len(pos)].sum() - len(pos) * (len(pos) + 1) / 2) / (len(pos) * len(neg)))


def real_speech(args: argparse.Namespace) -> None:
    import torch

    from medtalk.asr import align
    from medtalk.infer import animate, load_model
    from medtalk.rig import index, indices

    from _common import JFK_TEXT

    torch.set_num_threads(2)
    model = load_model(args.model)
    wave = jfk()
    words, phones = align(wave, JFK_TEXT)
    offline = animate(wave, "neutral", transcript=JFK_TEXT, model=model).values
    fps = 60
    frames = len(offline)
    label = np.full(frames, "", dtype=object)
    for p in phones:
        label[round(p.start * fps): round(p.end * fps)] = p.symbol
    vowels = {"AA", "AE", "AH", "AO", "AW", "AY", "EH", "ER", "EY", "IH", "IY", "OW", "OY", "UH", "UW"}
    rounded = {"AO", "OW", "OY", "UH", "UW"}
    speech = np.array([s not in ("", "SIL") for s in label])
    vowel = np.array([s in vowels for s in label])
    bilabial = np.array([s in ("P", "B", "M") for s in label])
    closing = indices("lipsTogether")
    rounding = indices("purse", "funnel", "towardsU", "towardsD")
    jaw = index("CTRL_C_jaw-translateY")

    def aucs(values: np.ndarray) -> tuple[float, float]:
        closure = values[:, closing].mean(axis=1) - values[:, jaw]
        place = _auc(closure[speech], bilabial[speech])
        rounds = _auc(values[vowel][:, rounding].mean(axis=1), np.array([s in rounded for s in label[vowel]]))
        return place, rounds

    stream = new_stream("neutral", model, args)
    stream.push_words(" ".join(w.text for w in words), [(w.start, w.end) for w in words])
    streamed = np.concatenate([stream.push(wave[i : i + CHUNK]) for i in range(0, len(wave), CHUNK)]
                              + [stream.flush()])
    audio_only = new_stream("neutral", model, args)
    heard = np.concatenate([audio_only.push(wave[i : i + CHUNK]) for i in range(0, len(wave), CHUNK)]
                           + [audio_only.flush()])
    offline_audio = animate(wave, "neutral", model=model).values
    print(f"5. jfk.flac, {bilabial.sum()} bilabial frames of {speech.sum()} speech frames, "
          f"{sum(s in rounded for s in label[vowel])} rounded of {vowel.sum()} vowel frames (place AUC, rounding AUC):")
    for name, values in (("offline, transcript aligned", offline), ("streamed, words with their times", streamed),
                         ("offline, audio only", offline_audio), ("streamed, audio only", heard)):
        place, rounds = aucs(values)
        print(f"   {name:34} place {place:.3f}  rounding {rounds:.3f}")


PARTS = {"latency": latency, "load": load, "long": long_stream, "quality": quality, "real": real_speech}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, help="model file (default: the shipped model)")
    parser.add_argument("--lookahead", type=float, default=None, help="ms (default: the library's)")
    parser.add_argument("--hop", type=int, default=None, help="frames made final per window (default: the library's)")
    parser.add_argument("--wait-smoothing", action="store_true",
                        help="the smoothing waits for final frames (Stream(smooth_ahead=False), before 2026-12-06)")
    parser.add_argument("--catch-up", action="store_true",
                        help="a late window makes every ready frame final (Stream(catch_up=True), as medtalk live)")
    parser.add_argument("--part", default=",".join(PARTS), help=f"comma-separated: {', '.join(PARTS)}")
    parser.add_argument("--data", type=Path, help="synthetic dataset with a test split (default: made here)")
    parser.add_argument("--quality-lookaheads", type=lambda s: [float(x) for x in s.split(",")],
                        default=[50.0, 100.0, 200.0], help="more look-aheads for part 4 (ms)")
    parser.add_argument("--threads", type=int, default=2,
                        help="torch threads of the quality part (1 on a busy machine: the figures are the same)")
    parser.add_argument("--max-streams", type=int, default=8)
    parser.add_argument("--load-seconds", type=float, default=15.0)
    parser.add_argument("--long-minutes", type=float, default=10.0)
    args = parser.parse_args()
    from medtalk.live.stream import DEFAULT_HOP_FRAMES, DEFAULT_LOOKAHEAD_MS

    args.lookahead = DEFAULT_LOOKAHEAD_MS if args.lookahead is None else args.lookahead
    args.hop = DEFAULT_HOP_FRAMES if args.hop is None else args.hop
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from threadpoolctl import threadpool_limits

    threadpool_limits(1, user_api="blas")  # as medtalk live: BLAS threads spin against small windows
    print(f"model: {args.model or 'the shipped default'}; look-ahead {args.lookahead:.1f} ms, hop {args.hop} frames"
          f"{', catch-up' if args.catch_up else ''}{', the smoothing waits for final frames' if args.wait_smoothing else ''}")
    print(f"machine before: {machine_speed()}")
    for part in args.part.split(","):
        PARTS[part](args)
    print(f"machine after: {machine_speed()}")


if __name__ == "__main__":
    main()

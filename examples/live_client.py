"""A voice pipeline driving `medtalk live --serve`: a TTS engine's words and audio in, face frames out.

Start the server, then run this client:

    medtalk live --serve 127.0.0.1:8765 -e neutral --livelink 127.0.0.1:11111   # terminal 1
    python examples/live_client.py ws://127.0.0.1:8765 --say "What a lovely surprise to see you."
    python examples/live_client.py ws://127.0.0.1:8765 --audio examples/jfk.flac

With --say, espeak-ng (the TTS engine medtalk trains on) speaks the text; as a
TTS engine or an LLM voice agent would, the client sends the words with their
times first (the text is known before the audio), then the audio in 20 ms chunks
as fast as it would play, and prints what comes back: the face frames, each
with how long after its audio it arrived. --emotion changes the emotion half-way
through. Only the protocol matters to a real pipeline: binary messages of 16 kHz
mono s16le PCM, JSON text messages for control (docs/LIVE.md).
"""

from __future__ import annotations

import argparse
import json
import threading
import time

import numpy as np
from websockets.sync.client import connect

SAMPLE_RATE = 16000
CHUNK_SECONDS = 0.02


def speech(args: argparse.Namespace) -> tuple[np.ndarray, dict | None]:
    """The audio to send, and the words message (with times) when the text is known."""
    if args.audio:
        from medtalk.audio import load_audio

        return load_audio(args.audio), None
    from medtalk.synth.speech import synthesize

    said = synthesize(args.say.split())
    words = {"type": "words", "text": " ".join(w.text for w in said.words),
             "times": [[w.start, w.end] for w in said.words]}
    return said.audio, words


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("url", help="the server, e.g. ws://127.0.0.1:8765")
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--say", help="text for the TTS engine (espeak-ng) to speak")
    source.add_argument("--audio", help="an audio file to send instead")
    parser.add_argument("--emotion", default="happy", help="the emotion to switch to half-way (default happy)")
    args = parser.parse_args()

    audio, words = speech(args)
    pcm = (np.clip(audio, -1, 1) * 32767).astype("<i2")
    step = round(CHUNK_SECONDS * SAMPLE_RATE)
    sent: list[float] = []  # when each chunk was sent
    frames = []
    with connect(args.url, max_size=None) as ws:

        def receive() -> None:
            for text in ws:
                message = json.loads(text)
                if message["type"] == "frames":
                    now = time.perf_counter()
                    for k, values in enumerate(message["values"]):
                        # the frame's audio went out with the chunk that holds its time
                        chunk = round((message["start"] + k) / message["fps"] * SAMPLE_RATE) // step
                        frames.append((now - sent[min(chunk, len(sent) - 1)], values))
                elif message["type"] == "end":
                    return
                else:
                    print(message)

        listener = threading.Thread(target=receive)
        listener.start()
        if words is not None:
            ws.send(json.dumps(words))
        start = time.perf_counter()
        for first in range(0, len(pcm), step):
            if first >= len(pcm) // 2 > first - step:
                ws.send(json.dumps({"type": "emotion", "emotion": args.emotion}))
            time.sleep(max(0.0, start + first / SAMPLE_RATE - time.perf_counter()))
            sent.append(time.perf_counter())
            ws.send(pcm[first : first + step].tobytes())
        ws.send(json.dumps({"type": "end"}))
        listener.join()
    delays = np.array([d for d, _ in frames[:-10]]) * 1000  # the last frames wait for the end, not for audio
    print(f"{len(frames)} frames for {len(audio) / SAMPLE_RATE:.2f} s of audio; frame after its audio: "
          f"median {np.median(delays):.0f} ms, p95 {np.percentile(delays, 95):.0f} ms")


if __name__ == "__main__":
    main()

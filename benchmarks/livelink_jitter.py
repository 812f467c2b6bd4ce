"""Frame-timing jitter of a Live Link Face stream received on 127.0.0.1.

Run: .venv/bin/python benchmarks/livelink_jitter.py [--seconds 10] [--fps 60]
A receiver thread timestamps every packet (time.perf_counter); each arrival is
compared with the ideal schedule t0 + frame / fps (t0: the earliest arrival
minus its frame time, so the figures are delays beyond the best packet). Prints
mean / p95 / max of that delay and of the error of the frame intervals.
"""

from __future__ import annotations

import argparse
import socket
import threading
import time

import numpy as np

from medtalk.export.livelink import decode, stream
from medtalk.rig import REST_POSE, RigSequence


def receive(sock: socket.socket, arrivals: list[tuple[float, int]]) -> None:
    try:
        while True:
            data = sock.recv(65536)
            arrivals.append((time.perf_counter(), decode(data).frame))
    except (socket.timeout, OSError):
        pass


def summary(label: str, seconds: np.ndarray) -> str:
    ms = np.abs(seconds) * 1000
    return f"{label}: mean {ms.mean():.3f} ms, p95 {np.percentile(ms, 95):.3f} ms, max {ms.max():.3f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--fps", type=float, default=60.0)
    args = parser.parse_args()
    rig = RigSequence(np.tile(REST_POSE, (round(args.seconds * args.fps), 1)), args.fps)

    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind(("127.0.0.1", 0))
    sock.settimeout(1.0)
    arrivals: list[tuple[float, int]] = []
    thread = threading.Thread(target=receive, args=(sock, arrivals))
    thread.start()
    stats = stream(rig, "127.0.0.1", sock.getsockname()[1])
    thread.join()
    sock.close()

    times = np.array([t for t, _ in arrivals])
    frames = np.array([f for _, f in arrivals])
    ideal = frames / args.fps
    delay = times - ideal - (times - ideal).min()
    intervals = np.diff(times) - np.diff(frames) / args.fps
    print(f"{len(arrivals)} of {rig.num_frames} packets received at {args.fps:g} fps over {args.seconds:g} s; "
          f"sender dropped {stats.dropped}, latest send {stats.max_late * 1000:.3f} ms after its deadline")
    print(summary("arrival delay vs schedule", delay))
    print(summary("frame interval error     ", intervals))
    drift = (times[-1] - times[0]) - (frames[-1] - frames[0]) / args.fps
    print(f"drift over the stream: {drift * 1000:+.3f} ms")


if __name__ == "__main__":
    main()

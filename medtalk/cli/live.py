"""``medtalk live``: speech in, face out, in real time, from a microphone, a file, stdin or a WebSocket."""

from __future__ import annotations

import argparse
import itertools
import sys
import threading
from pathlib import Path

from medtalk.cli._common import add_quiet
from medtalk.emotions import EMOTIONS
from medtalk.errors import MedtalkError

THREADS = 1  # per process: a stream's windows are small, and one thread each lets several streams share 2 cores


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "live", help="animate live speech in real time: microphone, file, stdin or WebSocket in; "
        "Live Link, WebSocket frames and a recording out",
        description="Animate speech as it comes, with a short look-ahead (docs/LIVE.md). Pick one source; "
        "frames go to Live Link Face (--livelink), WebSocket clients (--frames, or back to --serve clients) "
        "and a recording (-o) written when the stream ends. In a terminal, keys 1-7 pick the emotion, +/- "
        "the intensity, q quits.",
    )
    source = parser.add_mutually_exclusive_group()
    source.add_argument("--mic", action="store_true", help="the microphone (PortAudio; see --list-devices)")
    source.add_argument("--file", type=Path, metavar="AUDIO", help="an audio file, played in real time")
    source.add_argument("--stdin", action="store_true", help="raw 16 kHz mono PCM on standard input (--format)")
    source.add_argument("--serve", metavar="HOST:PORT", help="a WebSocket server: clients send PCM chunks "
                        "(binary) and control messages (JSON) and get their frames back as JSON")
    source.add_argument("--list-devices", action="store_true", help="list the audio devices and exit")
    parser.add_argument("--device", help="microphone: a device number or part of its name (default: the "
                        "system's default input)")
    parser.add_argument("--format", default="s16le", choices=("s16le", "f32le"),
                        help="PCM sample format of --stdin and --serve (default s16le)")
    guide = parser.add_mutually_exclusive_group()
    guide.add_argument("-e", "--emotion", help=f"one of {', '.join(EMOTIONS)} (default neutral), or a blend "
                       "like happy:0.7,surprised:0.3")
    guide.add_argument("--describe", metavar="TEXT", help="describe the expression instead (stage-4 model)")
    guide.add_argument("--reference", type=Path, metavar="PHOTO", help="take the expression from a face photo")
    parser.add_argument("--transcript", help="what will be said, when known ahead (spread at a speaking rate)")
    parser.add_argument("--intensity", type=float, default=1.0, help="scale the predicted intensity (default 1)")
    parser.add_argument("--lookahead", type=float, metavar="MS", default=None,
                        help="audio the model sees past a frame before it is final: more is closer to the "
                        "offline result, later (default: the library's, two frames, 33 ms)")
    parser.add_argument("--model", type=Path, help="model file (default: the shipped model)")
    parser.add_argument("--livelink", metavar="HOST:PORT", help="send Live Link Face packets, e.g. 127.0.0.1:11111")
    parser.add_argument("--subject", default="MEDTalk", help="Live Link subject name (default MEDTalk)")
    parser.add_argument("--frames", metavar="HOST:PORT", help="serve the frames as JSON to WebSocket clients, "
                        "which may also send control messages (with --mic, --file or --stdin)")
    parser.add_argument("-o", "--output", type=Path, help="record the frames to this rig file (.txt .csv .json "
                        ".npz) and the audio beside it (.wav), written when the stream ends; with --serve "
                        "one pair per client, numbered")
    parser.add_argument("-f", "--force", action="store_true", help="overwrite existing outputs")
    add_quiet(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from medtalk.live.sources import list_devices

    if args.list_devices:
        print(list_devices())
        return 0
    if not (args.mic or args.file or args.stdin or args.serve):
        raise MedtalkError("give a source: --mic, --file AUDIO, --stdin or --serve HOST:PORT")
    if args.frames and args.serve:
        raise MedtalkError("--serve clients get their frames on their own socket; --frames is for the other sources")
    plan = _Plan(args)
    if args.serve:
        return plan.serve()
    return plan.stream()


class _Plan:
    """What the options ask for, checked before any work; then the run."""

    def __init__(self, args: argparse.Namespace) -> None:
        from medtalk.export.livelink import parse_target
        from medtalk.files import check_writable
        from medtalk.guidance.guide import parse_guide
        from medtalk.rig import RIG_EXTENSIONS

        self.args = args
        parse_guide(args.emotion, args.describe, args.reference)  # a typo fails here, before any work
        if args.reference is not None and not args.reference.is_file():
            raise MedtalkError(f"{args.reference}: no such image file")
        if args.file is not None and not args.file.is_file():
            raise MedtalkError(f"{args.file}: no such audio file")
        if args.output is not None:
            if args.output.suffix.lower() not in RIG_EXTENSIONS:
                raise MedtalkError(f"{args.output}: unknown rig format; use one of {', '.join(RIG_EXTENSIONS)}")
            if not args.serve:
                check_writable(args.output, args.force)
                check_writable(args.output.with_suffix(".wav"), args.force)
        self.livelink = parse_target(args.livelink) if args.livelink else None
        self.frames = parse_target(args.frames) if args.frames else None
        self.listen = parse_target(args.serve) if args.serve else None
        self.stop = threading.Event()
        self._numbers = itertools.count(1)

    def say(self, text: str) -> None:
        if not self.args.quiet:
            print(text, file=sys.stderr, flush=True)

    def new_stream(self):
        import torch
        from threadpoolctl import threadpool_limits

        from medtalk.infer import load_model
        from medtalk.live import DEFAULT_LOOKAHEAD_MS, Stream

        torch.set_num_threads(THREADS)
        # numpy's BLAS threads spin against each other on a stream's small matrices: one is ten times
        # faster for the log-mel of a window on a busy machine
        threadpool_limits(THREADS, user_api="blas")
        a = self.args
        lookahead = DEFAULT_LOOKAHEAD_MS if a.lookahead is None else a.lookahead
        # the sources hand on the audio that piled up while a window ran: catch up on it in one window
        return Stream(a.emotion, load_model(a.model), a.transcript, lookahead, a.intensity,
                      describe=a.describe, reference=a.reference, catch_up=True)

    def recorder(self, path: Path, stream):
        from medtalk.live.session import Recorder

        return Recorder(path, stream.fps, self.args.force, {"source": "medtalk live", "lookahead_ms":
                                                           round(1000 * stream.lookahead / stream.fps, 1)})

    def stream(self) -> int:
        from medtalk.export.livelink import LiveLinkSender
        from medtalk.live.server import LiveServer
        from medtalk.live.session import LiveLinkSink, Session

        a = self.args
        stream = self.new_stream()
        sinks: list = []
        if self.livelink:
            sinks.append(LiveLinkSink(LiveLinkSender(*self.livelink, a.subject, stream.fps)))
        server = LiveServer(*self.frames) if self.frames else None
        if server is not None:
            sinks.append(server)
        if a.output is not None:
            sinks.append(self.recorder(a.output, stream))
        session = Session(stream, sinks)
        try:
            if server is not None:
                server.main = session
                server.start()
                self.say(f"frames on ws://{self.frames[0]}:{server.port}")
            self.say(f"live: look-ahead {1000 * stream.lookahead / stream.fps:.0f} ms, frames out at most "
                     f"{stream.delay_ms:.0f} ms after their audio plus compute; Ctrl-C stops")
            with _Keys(session, self, enabled=not a.stdin):
                for chunk in self.source():
                    if self.stop.is_set():
                        break
                    session.feed(chunk)
        finally:
            session.end()  # also on Ctrl-C or a failing source: the recording so far is written
            if server is not None:
                server.stop()
        self.say(f"{session.frames} frames ({session.frames / stream.fps:.1f} s)"
                 + "".join(f"; wrote {p}" for s in sinks for p in getattr(s, "written", [])))
        return 0

    def source(self):
        from medtalk.live.sources import Microphone, file_chunks, pcm_chunks

        a = self.args
        if a.file is not None:
            yield from file_chunks(a.file)
        elif a.stdin:
            yield from pcm_chunks(fmt=a.format)
        else:
            device = int(a.device) if a.device is not None and a.device.isdigit() else a.device
            with Microphone(device) as mic:
                yield from mic

    def serve(self) -> int:
        from medtalk.export.livelink import LiveLinkSender
        from medtalk.live.server import LiveServer
        from medtalk.live.session import CallbackSink, LiveLinkSink, Session

        a = self.args
        sender = LiveLinkSender(*self.livelink, a.subject) if self.livelink else None

        def new_session(send) -> Session:
            stream = self.new_stream()
            sinks: list = [CallbackSink(send, stream.fps)]
            if sender is not None:
                sinks.append(LiveLinkSink(sender, own=False))
            if a.output is not None:
                n = next(self._numbers)
                sinks.append(self.recorder(a.output.with_name(f"{a.output.stem}-{n}{a.output.suffix}"), stream))
            return Session(stream, sinks)

        # load the model, the text encoder it reads words with and the one it reads descriptions with
        # (unpacked on its first use on a machine, 3 s) before the first client waits for them
        stream = self.new_stream()
        if stream.transcript.uses_text:
            from medtalk.text import default_text_encoder

            default_text_encoder()
        guidance = getattr(stream.model, "guidance", None)
        if guidance is not None and bool(guidance.trained):
            from medtalk.text import sentence_encoder

            sentence_encoder(guidance.config.text_encoder)
        server = LiveServer(*self.listen, new_session=new_session, fmt=a.format).start()
        self.say(f"listening on ws://{self.listen[0]}:{server.port} ({a.format} 16 kHz mono PCM and JSON control "
                 "messages); Ctrl-C stops")
        try:
            with _Keys(None, self, enabled=True):
                self.stop.wait()
        finally:
            server.stop()
            if sender is not None:
                sender.close()
        return 0


class _Keys:
    """Single keys from the terminal (when there is one) as control messages; ``q`` stops."""

    def __init__(self, session, plan: _Plan, enabled: bool) -> None:
        self.session, self.plan = session, plan
        self.enabled = enabled and sys.stdin.isatty()
        self._thread: threading.Thread | None = None
        self._saved = None

    def __enter__(self) -> _Keys:
        if not self.enabled:
            return self
        import termios
        import tty

        from medtalk.live.control import KEY_HELP

        fd = sys.stdin.fileno()
        self._saved = termios.tcgetattr(fd)
        tty.setcbreak(fd)
        self._thread = threading.Thread(target=self._read, args=(fd,), daemon=True)
        self._thread.start()
        self.plan.say(KEY_HELP if self.session is not None else "q quits")
        return self

    def _read(self, fd: int) -> None:
        import os
        import select

        from medtalk.live.control import key_message

        while not self.plan.stop.is_set():
            if not select.select([fd], [], [], 0.1)[0]:
                continue
            key = os.read(fd, 1).decode(errors="ignore")
            if key == "q":
                self.plan.stop.set()
                return
            message = key_message(key, self.session.stream) if self.session is not None else None
            if message is not None:
                try:
                    self.plan.say(self.session.control(message))
                except MedtalkError as err:
                    self.plan.say(f"medtalk: error: {err}")

    def __exit__(self, *exc: object) -> None:
        self.plan.stop.set()
        if self._saved is not None:
            import termios

            termios.tcsetattr(sys.stdin.fileno(), termios.TCSADRAIN, self._saved)

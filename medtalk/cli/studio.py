"""``medtalk studio``: serve the studio page and its HTTP API on this machine."""

from __future__ import annotations

import argparse
import ipaddress
import sys
from pathlib import Path

from medtalk.errors import MedtalkError

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8765


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "studio", help="a local web app to animate, direct, watch and export (docs/STUDIO.md)",
        description="Serve the studio: upload or record a line, direct its emotion over time, watch "
                    "the face and download the rig and the export bundle. Everything stays in --workdir.",
    )
    parser.add_argument("--host", default=DEFAULT_HOST, help=f"address to listen on (default {DEFAULT_HOST}, "
                        "this machine only); another address needs --allow-remote")
    parser.add_argument("--port", type=int, default=DEFAULT_PORT, help=f"port (default {DEFAULT_PORT}; 0 picks one)")
    parser.add_argument("--workdir", type=Path, default=Path("studio"), help="folder for uploads and takes "
                        "(default ./studio); the studio reads and writes nothing outside it")
    parser.add_argument("--allow-remote", action="store_true", help="let --host be an address other machines "
                        "reach; the studio has no login, so anyone who reaches it can use it")
    parser.add_argument("--max-upload-mb", type=float, default=50.0, help="largest upload (default 50 MB)")
    parser.add_argument("--max-seconds", type=float, default=300.0, help="longest audio (default 300 s)")
    parser.add_argument("--max-jobs", type=int, default=1, help="jobs run at once (default 1); more are refused")
    parser.add_argument("--model", type=Path, help="model file (default: the shipped model)")
    parser.set_defaults(func=run)


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def host_warning(host: str, allow_remote: bool) -> str | None:
    """None for a loopback address; a warning for another one with ``allow_remote``; else an error."""
    if is_loopback(host):
        return None
    if not allow_remote:
        raise MedtalkError(f"--host {host} lets other machines reach the studio, which has no login; "
                           "add --allow-remote if that is what you want")
    return (f"medtalk: warning: serving on {host}: anyone who can reach this machine can upload, "
            "animate and download through the studio (no login, no encryption)")


def run(args: argparse.Namespace) -> int:
    warning = host_warning(args.host, args.allow_remote)
    if warning is not None:  # before anything else, so it is seen even if the start fails
        print(warning, file=sys.stderr)
    if not (0 <= args.port < 65536):
        raise MedtalkError(f"--port must be 0-65535, got {args.port}")
    if not (args.max_upload_mb > 0 and args.max_seconds > 0):
        raise MedtalkError("--max-upload-mb and --max-seconds must be positive")
    import socket

    import torch
    import uvicorn

    from medtalk.studio import Limits, create_app

    torch.set_num_threads(2)  # as `animate`: few cores, and the web server needs one too
    limits = Limits(int(args.max_upload_mb * (1 << 20)), args.max_seconds, args.max_jobs)
    hosts = None if warning is None else ["*"]  # reached by a name or address we cannot know in advance
    app = create_app(args.workdir, limits, args.model, hosts)
    family = socket.AF_INET6 if ":" in args.host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((args.host.strip("[]"), args.port))
        sock.listen(128)  # connections wait in the backlog from the moment the address is printed
    except OSError as err:
        raise MedtalkError(f"cannot listen on {args.host}:{args.port} ({err.strerror})") from None
    host, port = sock.getsockname()[:2]
    shown = f"[{host}]" if family == socket.AF_INET6 else host
    print(f"medtalk studio: http://{shown}:{port}/ (work folder {Path(args.workdir).resolve()}; Ctrl-C stops)",
          flush=True)
    config = uvicorn.Config(app, log_level="warning", timeout_graceful_shutdown=2)
    uvicorn.Server(config).run(sockets=[sock])
    return 0

"""``python -m equeue_ui.ecourses.fake [--port 8099] [--fault slow --delay 20]``"""

from __future__ import annotations

import argparse

from equeue_ui.ecourses.fake.state import FAULTS


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="fake-ecourses", description=__doc__)
    add_arguments(parser)
    serve(parser.parse_args(argv))
    return 0


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--host", default="127.0.0.1", help="default: loopback only")
    parser.add_argument("--port", type=int, default=8099)
    parser.add_argument("--fault", choices=FAULTS, default="none", help="misbehave from start")
    parser.add_argument("--delay", type=float, default=30.0, help="seconds, for --fault slow")


def serve(args: argparse.Namespace) -> None:
    import uvicorn

    from equeue_ui.ecourses.fake.app import create_app

    print(f"fake eCourses on http://{args.host}:{args.port} (fault: {args.fault})", flush=True)
    uvicorn.run(
        create_app(fault=args.fault, delay=args.delay),
        host=args.host,
        port=args.port,
        log_level="warning",
    )


if __name__ == "__main__":
    raise SystemExit(main())

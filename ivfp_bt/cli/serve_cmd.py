"""`ivfp-bt serve`: the web page over finished runs (replay); `run --serve` adds the live run."""

from __future__ import annotations

import argparse

from ivfp_bt.web.server import DEFAULT_PORT, TOKEN_ENV, ServeOptions, WebServer


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("serve", help="serve the web page to replay finished runs",
                       description="Serve the web page that replays the runs logged under --runs: scrub through "
                       "ticks and picks, see the tree's statuses at each moment and each attempt's images, probe "
                       "video, reward and outcome. Ctrl-C stops it.")
    add_serve_arguments(p)
    p.set_defaults(handler=handle)


def add_serve_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--host", default="127.0.0.1",
                   help="address to listen on (default: 127.0.0.1); any other address requires a token")
    p.add_argument("--port", type=int, default=DEFAULT_PORT, help=f"port (default: {DEFAULT_PORT}; 0 picks a free one)")
    p.add_argument("--token", default=None,
                   help=f"token the page's requests must carry (default: ${TOKEN_ENV}; made up and printed when "
                   "listening beyond this machine)")
    p.add_argument("--runs", default="runs", metavar="DIR", help="directory of logged runs to replay (default: runs)")


def serve_options(args: argparse.Namespace) -> ServeOptions:
    return ServeOptions(host=args.host, port=args.port, token=args.token, runs=args.runs)


def handle(args: argparse.Namespace) -> int:
    server = WebServer(serve_options(args), hub=None)
    print(f"serving runs under {args.runs} at {server.url} (Ctrl-C stops)", flush=True)
    server.serve_forever()
    return 0

"""The adversarial probes of the web server, against `ivfp-bt serve` in a child process whose
descriptor limit is 256, and what held. Every loop is bounded in count and time; all traffic
stays on 127.0.0.1.

    python bench/web_probes.py            # about 30 s

Prints one line per probe: keep-alive latency (Nagle), cross-origin and rebound sockets,
300 idle connections (the server stays up and still answers the page, its memory and log stay
small), 100 clients
flooding 15 MB compressible messages (the server's memory stays bounded).
"""

from __future__ import annotations

import http.client
import os
import re
import resource
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from websockets.exceptions import ConnectionClosed, InvalidStatus, InvalidHandshake
from websockets.sync.client import connect

FD_LIMIT = 256


def start_server(runs: Path, log: Path) -> tuple[subprocess.Popen, int]:
    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_NOFILE, (FD_LIMIT, FD_LIMIT))
    process = subprocess.Popen([sys.executable, "-m", "ivfp_bt", "serve", "--runs", str(runs), "--port", "0"],
                               stdout=subprocess.PIPE, stderr=log.open("w"), text=True, preexec_fn=limit)
    line = process.stdout.readline()
    match = re.search(r"http://127\.0\.0\.1:(\d+)/", line)
    if match is None:
        process.kill()
        raise SystemExit(f"the server printed no address: {line!r}")
    return process, int(match.group(1))


def rss_mb(pid: int) -> float:
    status = Path(f"/proc/{pid}/status").read_text()
    return int(re.search(r"VmRSS:\s+(\d+)", status).group(1)) / 1024


def keep_alive_ms(port: int, n: int = 50) -> float:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    times = []
    for _ in range(n):
        started = time.perf_counter()
        connection.request("GET", "/api/runs")
        connection.getresponse().read()
        times.append(1000 * (time.perf_counter() - started))
    connection.close()
    return statistics.median(times)


def refused(url: str, **kwargs) -> bool:
    try:
        with connect(url, open_timeout=5, **kwargs):
            return False
    except (InvalidStatus, InvalidHandshake):
        return True


def idle_connections(port: int, n: int = 300) -> tuple[int, bool]:
    held = []
    for _ in range(n):
        try:
            held.append(socket.create_connection(("127.0.0.1", port), timeout=2))
        except OSError:
            break
    time.sleep(1.0)
    alive = 0
    for sock in held:
        sock.setblocking(False)
        try:
            alive += sock.recv(1) != b""
        except BlockingIOError:   # nothing to read, not closed: still held open
            alive += 1
        except OSError:           # reset by the server: refused or evicted
            pass
    still_serves = keep_alive_ms(port, 3) < 1000
    for sock in held:
        sock.close()
    return alive, still_serves


def flood(port: int, clients: int = 100, size: int = 15_000_000) -> int:
    """Clients each sending one large, highly compressible message; how many were cut off."""
    cut = [0]
    lock = threading.Lock()
    message = "a" * size

    def one() -> None:
        try:
            with connect(f"ws://127.0.0.1:{port}/ws", open_timeout=10, max_size=None, compression=None) as page:
                page.send(message)
                page.recv(timeout=10)
                page.recv(timeout=10)
        except (ConnectionClosed, OSError, TimeoutError, InvalidHandshake):
            with lock:
                cut[0] += 1
    threads = [threading.Thread(target=one) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return cut[0]


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        log = Path(tmp) / "server.log"
        process, port = start_server(Path(tmp), log)
        try:
            print(f"server on 127.0.0.1:{port}, descriptor limit {FD_LIMIT}, {rss_mb(process.pid):.0f} MB")
            print(f"keep-alive request: median {keep_alive_ms(port):.2f} ms (Nagle's delay would be ~40 ms)")
            url = f"ws://127.0.0.1:{port}/ws"
            print(f"socket from https://evil.example refused: {refused(url, origin='https://evil.example')}")
            print(f"socket with Host rebind.attacker.example refused: "
                  f"{refused(url, additional_headers={'Host': 'rebind.attacker.example'})}")
            alive, serves = idle_connections(port)
            print(f"300 idle connections: {alive} kept open, server still answers: {serves}, "
                  f"alive: {process.poll() is None}, log {log.stat().st_size} bytes, {rss_mb(process.pid):.0f} MB")
            before = rss_mb(process.pid)
            cut = flood(port)
            print(f"100 clients x 15 MB messages: {cut} cut off, memory {before:.0f} -> {rss_mb(process.pid):.0f} MB, "
                  f"alive: {process.poll() is None}")
        finally:
            process.terminate()
            process.wait(10)
    return 0


if __name__ == "__main__":
    os.environ.setdefault("MUJOCO_GL", "egl")
    sys.exit(main())

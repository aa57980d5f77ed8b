#!/usr/bin/env python3
"""Helpers of aggregate.sh: slow JSON backends, and a closed-loop client that times whole operations.

  fanout.py backends DELAY_MS PORT...        one asyncio server per port; every request is answered after DELAY_MS
                                             with {"<port>": {"port": <port>, "n": <count>}} (HTTP/1.1, keep-alive)
  fanout.py client URL_BASE DURATION_S WORKERS PATH[,PATH...]
                                             WORKERS threads, each with its own keep-alive connection, repeat one
                                             operation (the comma-separated paths, requested one after the other) for
                                             DURATION_S; prints {"operations": N, "errors": E, "p50_ms": ..., "p99_ms": ...}
Loopback only; counts and durations bounded by the arguments.
"""
import asyncio
import http.client
import json
import statistics
import sys
import threading
import time
from urllib.parse import urlparse


async def serve(port: int, delay: float) -> None:
    count = 0

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        nonlocal count
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                length = 0
                for line in head.split(b"\r\n")[1:]:
                    name, _, value = line.partition(b":")
                    if name.strip().lower() == b"content-length":
                        length = int(value.strip())
                if length:
                    await reader.readexactly(length)
                await asyncio.sleep(delay)
                count += 1
                body = json.dumps({str(port): {"port": port, "n": count}}).encode()
                writer.write(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s" % (len(body), body))
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()

    server = await asyncio.start_server(handle, "127.0.0.1", port, backlog=256)
    async with server:
        await server.serve_forever()


def backends(delay_ms: str, ports: list) -> None:
    async def main() -> None:
        await asyncio.gather(*(serve(int(p), int(delay_ms) / 1000) for p in ports))

    asyncio.run(main())


def client(base: str, duration: str, workers: str, paths: str) -> None:
    target = urlparse(base)
    steps = paths.split(",")
    stop = time.monotonic() + float(duration)
    latencies, errors, lock = [], [0], threading.Lock()

    def work() -> None:
        connection = http.client.HTTPConnection(target.hostname, target.port, timeout=10)
        mine, failed = [], 0
        while time.monotonic() < stop:
            started = time.perf_counter()
            ok = True
            for path in steps:
                try:
                    connection.request("GET", path)
                    response = connection.getresponse()
                    response.read()
                    ok = ok and response.status == 200
                except (OSError, http.client.HTTPException):
                    ok = False
                    connection.close()
                    connection = http.client.HTTPConnection(target.hostname, target.port, timeout=10)
            if ok:
                mine.append((time.perf_counter() - started) * 1000)
            else:
                failed += 1
        with lock:
            latencies.extend(mine)
            errors[0] += failed

    threads = [threading.Thread(target=work) for _ in range(int(workers))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    latencies.sort()
    cut = statistics.quantiles(latencies, n=100) if len(latencies) > 1 else [0] * 99
    print(json.dumps({"operations": len(latencies), "errors": errors[0], "p50_ms": round(cut[49], 2), "p99_ms": round(cut[98], 2)}))


if __name__ == "__main__":
    mode, args = sys.argv[1], sys.argv[2:]
    if mode == "backends":
        backends(args[0], args[1:])
    elif mode == "client":
        client(*args)
    else:
        sys.exit(f"unknown mode {mode}")

"""A WebSocket server on Debian's python3-websockets (10.x), for the interop
tests (interop_test.go). It listens on 127.0.0.1 on a free port and prints
"PORT <n>" once ready. Endpoints as in ws_server.js; every endpoint but
/plain/... accepts permessage-deflate (websockets' default: every message
compressed, context takeover unless the client asks otherwise)."""
import asyncio
import http
import sys
import urllib.parse

import websockets


async def handler(ws, path=None):
    url = urllib.parse.urlsplit(ws.path)
    q = urllib.parse.parse_qs(url.query)
    if url.path in ("/ext-echo", "/plain/ext-echo"):
        await ws.send(ws.response_headers.get("Sec-WebSocket-Extensions", ""))
        async for msg in ws:
            await ws.send(msg)
    elif url.path == "/echo":
        async for msg in ws:
            await ws.send(msg)  # str stays text, bytes stay binary
    elif url.path == "/close":
        await ws.close(int(q["code"][0]), q.get("reason", [""])[0])
    elif url.path == "/ping":
        pong = await ws.ping(b"hb")
        await pong
        await ws.send("pong:hb")
        await ws.wait_closed()
    elif url.path == "/fragments":
        await ws.send(["hel", "lo"])
        await ws.send([b"\x01\x02", b"\x03\x04"])
        await ws.wait_closed()
    else:
        await ws.close(4004, "no such endpoint")


class Protocol(websockets.WebSocketServerProtocol):
    """Declines every extension on /plain/... paths."""

    def process_extensions(self, headers, available_extensions):
        if urllib.parse.urlsplit(self.path).path.startswith("/plain/"):
            available_extensions = None
        return websockets.WebSocketServerProtocol.process_extensions(headers, available_extensions)


async def process_request(path, headers):
    if urllib.parse.urlsplit(path).path == "/refuse":
        return http.HTTPStatus.FORBIDDEN, [("X-Refused", "yes")], b"refused: go away"
    return None


async def main():
    loop = asyncio.get_running_loop()
    stop = loop.create_future()
    loop.add_reader(sys.stdin.fileno(), lambda: stop.done() or (sys.stdin.read(1) == "" and stop.set_result(None)))
    async with websockets.serve(handler, "127.0.0.1", 0, subprotocols=["chat"],
                                process_request=process_request, max_size=64 << 20,
                                ping_interval=None, create_protocol=Protocol) as server:
        port = server.sockets[0].getsockname()[1]
        print("PORT", port, flush=True)
        await stop


asyncio.run(main())

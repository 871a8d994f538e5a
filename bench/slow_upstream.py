"""BENCHMARK STAND-IN, not Odoo: answers every keep-alive GET after 10 ms, like a light Odoo page.

The delay is a timer, not work, so the stand-in's CPU stays small and equal for direct and
proxied runs. A minimal HTTP/1.1 reader (GET only, no body): enough for wrk and the proxies.
Run: python bench/slow_upstream.py HOST PORT
"""
import asyncio
import sys

DELAY_SECONDS = 0.010
BODY = b"<!doctype html><title>slow stand-in</title>" + b"<p>Odoo-like page</p>" * 90 + b"\n"
RESPONSE = (b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n"
            b"Content-Length: " + str(len(BODY)).encode() + b"\r\n\r\n" + BODY)


async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    try:
        while True:
            await reader.readuntil(b"\r\n\r\n")
            await asyncio.sleep(DELAY_SECONDS)
            writer.write(RESPONSE)
            await writer.drain()
    except (asyncio.IncompleteReadError, ConnectionError):
        pass
    finally:
        writer.close()


async def main(host: str, port: int) -> None:
    server = await asyncio.start_server(serve, host, port, backlog=1024)
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], int(sys.argv[2])))

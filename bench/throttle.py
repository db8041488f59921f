"""A slow mobile link between the browser and the app: a TCP relay with a round-trip delay and a
bandwidth shared by every connection, as on one phone.

DevTools throttling (Network.emulateNetworkConditions) applies to one page's own requests; the
service worker's requests go out unthrottled, so a repeat visit through the worker would look
faster than it is. Relaying all bytes through here throttles the page and the worker alike."""

import asyncio
import threading
import time


class Link:
    """One direction of the link: bytes leave one after another at `rate` bytes per second."""

    def __init__(self, rate):
        self.rate = rate
        self.free_at = 0.0

    def departure(self, size):
        """When `size` bytes queued now have fully left (serialisation on a shared link)."""
        start = max(time.monotonic(), self.free_at)
        self.free_at = start + size / self.rate
        return self.free_at


class SlowLink:
    """Relay 127.0.0.1:<port> to the app at `target_port`, as a 3G link would carry it."""

    CHUNK = 4096

    def __init__(self, target_port, kbps=400, rtt_ms=400):
        self.target_port = target_port
        self.delay = rtt_ms / 2000  # one way, in seconds
        rate = kbps * 1000 / 8
        self.down = Link(rate)
        self.up = Link(rate)
        self.loop = asyncio.new_event_loop()
        self.port = None
        self.bytes_down = 0

    def start(self):
        """Run the relay in a background thread; returns its base URL."""
        ready = threading.Event()
        threading.Thread(target=self._run, args=(ready,), daemon=True).start()
        ready.wait()
        return f"http://127.0.0.1:{self.port}"

    def _run(self, ready):
        asyncio.set_event_loop(self.loop)
        server = self.loop.run_until_complete(asyncio.start_server(self._connect, "127.0.0.1", 0))
        self.port = server.sockets[0].getsockname()[1]
        ready.set()
        self.loop.run_forever()

    async def _connect(self, client_reader, client_writer):
        # Opening a connection costs a round trip on a real link.
        await asyncio.sleep(2 * self.delay)
        app_reader, app_writer = await asyncio.open_connection("127.0.0.1", self.target_port)
        await asyncio.gather(
            self._pipe(client_reader, app_writer, self.up),
            self._pipe(app_reader, client_writer, self.down, count=True),
        )

    async def _pipe(self, reader, writer, link, count=False):
        """Forward bytes after their serialisation time plus the one-way delay, in order."""
        queue = asyncio.Queue()
        sender = asyncio.create_task(self._deliver(queue, writer))
        try:
            while chunk := await reader.read(self.CHUNK):
                if count:
                    self.bytes_down += len(chunk)
                await queue.put((link.departure(len(chunk)) + self.delay, chunk))
        except ConnectionError:
            pass
        await queue.put((0, b""))
        await sender

    async def _deliver(self, queue, writer):
        while True:
            due, chunk = await queue.get()
            if not chunk:
                break
            await asyncio.sleep(max(0.0, due - time.monotonic()))
            try:
                writer.write(chunk)
                await writer.drain()
            except ConnectionError:
                break
        writer.close()

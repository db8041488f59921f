"""A bounded, thread-safe mapping that forgets the least recently used entries: the per-worker
caches of things that are costly to build and cheap to keep."""

import threading
from collections import OrderedDict


class LRUCache:
    def __init__(self, size=512):
        self.size = size
        self.entries = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key):
        """The value kept for `key`, or None."""
        with self.lock:
            value = self.entries.get(key)
            if value is not None:
                self.entries.move_to_end(key)
            return value

    def put(self, key, value):
        with self.lock:
            self.entries[key] = value
            self.entries.move_to_end(key)
            while len(self.entries) > self.size:
                self.entries.popitem(last=False)

    def get_or_make(self, key, make):
        """The value kept for `key`; made with `make()` and kept when there is none yet."""
        value = self.get(key)
        if value is None:
            value = make()
            self.put(key, value)
        return value

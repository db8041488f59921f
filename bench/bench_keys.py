"""Data keys for the benchmarks' throwaway databases: production mode refuses the development
keys, and a database seeded in one process is served by others, so every bench uses these.
Derived from a public phrase: NOT secret, never for real data."""

import base64
import hashlib


def _key(purpose):
    digest = hashlib.sha256(f"desa-binaan bench {purpose} key".encode()).digest()
    return base64.urlsafe_b64encode(digest).decode()


BENCH_KEYS = {"DATA_KEYS": _key("data"), "BLIND_INDEX_KEY": _key("blind index")}

"""Public reference codes: short, unique, and easy to read aloud or over a phone call.
No Flask here."""

import hashlib
import hmac
import secrets

# Only characters that cannot be mistaken for one another: no 0/O, 1/I/L, 8/B, S or Z.
ALPHABET = "ACDEFGHJKMNPQRTUVWXY2345679"
LENGTH = 8


def new_code():
    """A random code like 'KX7M-3QFA' (the dash is only for reading)."""
    raw = "".join(secrets.choice(ALPHABET) for _position in range(LENGTH))
    return f"{raw[:4]}-{raw[4:]}"


def normalize(text):
    """Turn what a person typed ('kx7m 3qfa', 'KX7M3QFA') into the stored form, or None."""
    raw = "".join(ch for ch in (text or "").upper() if ch.isalnum())
    if len(raw) != LENGTH or any(ch not in ALPHABET for ch in raw):
        return None
    return f"{raw[:4]}-{raw[4:]}"


def device_pin(key, client_uuid):
    """A tip's six-digit PIN, derived from the client UUID that only the sending device knows
    (random, never shown to anyone) and the server's secret. A resend of the same form (its first
    answer lost) gets the same PIN again, without the server keeping the PIN itself."""
    key = key.encode() if isinstance(key, str) else key
    digest = hmac.new(key, b"tip-pin\0" + str(client_uuid).encode(), hashlib.sha256).digest()
    return f"{int.from_bytes(digest[:8], 'big') % 10**6:06d}"

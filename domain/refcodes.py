"""Public reference codes: short, unique, and easy to read aloud or over a phone call.
No Flask here."""

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

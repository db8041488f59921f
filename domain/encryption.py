"""Personal data sealed at rest: AES-256-GCM from `cryptography`, a keyring for rotation and a
keyed blind index for exact look-ups. Plain Python, no Flask.

A sealed value is text, `g1:<key id>:<base64 of nonce + ciphertext + tag>`: the key id (a
fingerprint of the key, not the key) tells which key of the ring opens it, so a rotation can tell
old values from new and the order of DATA_KEYS never matters for reading. Each value is bound to
its column by the associated data (e.g. "persons.passport_no"): a value copied into another column
does not open there."""

import base64
import binascii
import hashlib
import hmac
import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

PREFIX = "g1"
KEY_BYTES = 32
NONCE_BYTES = 12  # 96 bits, GCM's own size; random per value


class KeyConfigError(ValueError):
    """DATA_KEYS or BLIND_INDEX_KEY is missing or not a base64 32-byte key."""


class UnreadableValue(ValueError):
    """A sealed value that the configured keys cannot open: a key missing from DATA_KEYS, or a
    value altered or moved from another column. Never answered with made-up plain text."""


def new_key():
    """A fresh key as DATA_KEYS and BLIND_INDEX_KEY spell it (URL-safe base64 of 32 random bytes)."""
    return base64.urlsafe_b64encode(os.urandom(KEY_BYTES)).decode()


def parse_key(text, name):
    """The 32 bytes of a key written in base64 (URL-safe or standard)."""
    cleaned = (text or "").strip()
    try:
        raw = base64.urlsafe_b64decode(cleaned.replace("+", "-").replace("/", "_"))
    except (binascii.Error, ValueError):
        raw = b""
    if len(raw) != KEY_BYTES:
        raise KeyConfigError(
            f"{name} must hold base64 keys of {KEY_BYTES} bytes each; make one with "
            "python -c 'import base64, os; print(base64.urlsafe_b64encode(os.urandom(32)).decode())'.")
    return raw


def key_id(key):
    """A short fingerprint naming a key in sealed values (it reveals nothing of the key)."""
    return hashlib.sha256(b"desa-binaan key id\x00" + key).hexdigest()[:8]


class Keyring:
    """The data keys, newest first: the first one seals, every one opens. The blind index key
    is separate, so the data keys can rotate without rebuilding the index."""

    def __init__(self, data_keys, index_key):
        if not data_keys:
            raise KeyConfigError("DATA_KEYS holds no key.")
        self._ciphers = {key_id(key): AESGCM(key) for key in data_keys}
        self.current_id = key_id(data_keys[0])
        self._index_key = index_key

    @classmethod
    def from_settings(cls, data_keys, index_key):
        """From DATA_KEYS (comma-separated, the new key first) and BLIND_INDEX_KEY."""
        keys = [parse_key(part, "DATA_KEYS") for part in (data_keys or "").split(",") if part.strip()]
        if not keys:
            raise KeyConfigError("DATA_KEYS is not set.")
        return cls(keys, parse_key(index_key, "BLIND_INDEX_KEY"))

    def seal(self, plain, purpose):
        """`plain` (text) sealed with the current key, bound to `purpose` (its column)."""
        nonce = os.urandom(NONCE_BYTES)
        sealed = self._ciphers[self.current_id].encrypt(nonce, plain.encode(), purpose.encode())
        return f"{PREFIX}:{self.current_id}:{base64.urlsafe_b64encode(nonce + sealed).decode()}"

    def open(self, sealed, purpose):
        """The plain text of a value `seal` made for the same purpose; UnreadableValue otherwise."""
        prefix, _, rest = sealed.partition(":")
        kid, _, body = rest.partition(":")
        if prefix != PREFIX or not body:
            raise UnreadableValue(f"{purpose}: not a sealed value")
        cipher = self._ciphers.get(kid)
        if cipher is None:
            raise UnreadableValue(
                f"{purpose}: sealed with key {kid}, which DATA_KEYS does not hold; put that key "
                "back in DATA_KEYS (after the current one) until `flask rotate-keys` has finished.")
        try:
            raw = base64.urlsafe_b64decode(body)
            return cipher.decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:], purpose.encode()).decode()
        except (InvalidTag, binascii.Error, ValueError):
            raise UnreadableValue(
                f"{purpose}: a value sealed with key {kid} does not authenticate (altered, or "
                "moved from another column)") from None

    def is_current(self, sealed):
        """Whether a sealed value already uses the current key (a rotation leaves it alone)."""
        return sealed.startswith(f"{PREFIX}:{self.current_id}:")

    def blind_index(self, normalised):
        """HMAC-SHA256 of an already normalised value: equal values meet, and without the key the
        index tells nothing of the number (unlike a plain hash of a short, guessable number)."""
        if not normalised:
            return ""
        return hmac.new(self._index_key, normalised.encode(), hashlib.sha256).hexdigest()


def is_sealed(value):
    return isinstance(value, str) and value.startswith(f"{PREFIX}:")

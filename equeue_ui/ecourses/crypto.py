"""Encryption of stored eCourses tokens.

A Moodle token acts as the user's eCourses password for every web-service function until it
expires (12 weeks by default): anyone who reads a database dump or backup could read the
user's courses and grades with it. So it is stored encrypted (Fernet: AES with an HMAC) under a
key derived from the app secret, which lives outside the database.
"""

from __future__ import annotations

import base64

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

# A separate label per use of the app secret keeps this key unrelated to the cookie signing key.
_INFO = b"equeue ecourses token encryption v1"


def _fernet(secret: str) -> Fernet:
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_INFO).derive(secret.encode())
    return Fernet(base64.urlsafe_b64encode(key))


def encrypt_token(token: str, *, secret: str) -> str:
    return _fernet(secret).encrypt(token.encode()).decode("ascii")


def decrypt_token(stored: str, *, secret: str) -> str | None:
    """The token, or None when it cannot be read (e.g. the app secret was changed since)."""
    try:
        return _fernet(secret).decrypt(stored.encode("ascii")).decode()
    except (InvalidToken, ValueError):
        return None

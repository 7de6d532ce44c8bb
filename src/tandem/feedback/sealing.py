"""The fine groups of an open survey's responses, sealed until the survey closes.

While a survey is open its responses store no groups in the clear (a response with a rare
department and level band would be the only one of its kind). The groups are kept *sealed*
(Fernet: AES-128-CBC with HMAC-SHA256, a key derived from ``SECRET_KEY``, padded so every token
of a short name has the same length), and at close they are recoded together
(``tandem.privacy.choose_recoding``) and the sealed copies erased. Someone who reads the database
without the secret key learns nothing from them; with the key, only while the survey is open.
"""

from __future__ import annotations

import base64
import json

from cryptography.fernet import Fernet, InvalidToken
from django.utils.crypto import salted_hmac

from tandem.privacy import ABSENT
from tandem.privacy.recoding import Groups

_BLOCK = 256
_NO_TIME = 0


def _fernet() -> Fernet:
    key = salted_hmac("tandem.feedback.sealed_groups", "fernet-key", algorithm="sha256").digest()
    return Fernet(base64.urlsafe_b64encode(key))


def seal(groups: Groups) -> str:
    if groups == ABSENT:
        return ""
    raw = json.dumps(list(groups)).encode()
    padded = raw + b" " * (-len(raw) % _BLOCK or 0)
    # Fernet writes its creation time in clear into every token; a fixed time keeps submission
    # order out of the stored row.
    return _fernet().encrypt_at_time(padded, _NO_TIME).decode()


def unseal(token: str) -> Groups:
    """The sealed groups; "absent" when there are none or the token cannot be read (a changed
    secret key): losing a breakdown is better than failing to close a survey."""
    if not token:
        return ABSENT
    try:
        department, band, role = json.loads(_fernet().decrypt(token.encode()))
    except (InvalidToken, ValueError, TypeError):
        return ABSENT
    return (str(department), str(band), str(role))

"""The room's network: this laptop's LAN address, the member link and its QR code.

Members' phones reach the app over the room's Wi-Fi, so the link must use the laptop's LAN
address, not localhost. The QR code is drawn locally by segno: nothing goes to the internet.
"""

from __future__ import annotations

import io
import secrets
import socket
from urllib.parse import urlencode

import segno

#: Letters and digits that cannot be mistaken for one another when read aloud or copied
#: from a screen across a room (no 0/O, 1/I/L, 2/Z, 5/S, 8/B, U/V).
JOIN_CODE_ALPHABET = "ACDEFGHJKMNPQRTWXY34679"
JOIN_CODE_LENGTH = 6

#: The query parameter that puts a browser into member mode.
JOIN_PARAMETER = "join"


def new_join_code(length: int = JOIN_CODE_LENGTH) -> str:
    """A random session code from the unambiguous alphabet, e.g. ``K7MQ3X``.

    23 symbols over 6 places give about 148 million codes, so guessing an open session's code
    is impractical while it is open (sessions close when the facilitator ends them).
    """
    return "".join(secrets.choice(JOIN_CODE_ALPHABET) for _ in range(length))


def normalise_join_code(code: str) -> str:
    """A typed or scanned code in the stored form: upper case, spaces and dashes removed."""
    return "".join(ch for ch in str(code).upper() if ch.isalnum())


def lan_address() -> str:
    """The laptop's address on the local network, or ``localhost`` when there is none.

    Connecting a UDP socket sends no packet; it only asks the operating system which local
    address it would use to reach another host, which is the LAN address on a room's Wi-Fi.
    """
    probe = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        probe.connect(("10.255.255.255", 1))
        address = probe.getsockname()[0]
    except OSError:
        return "localhost"
    finally:
        probe.close()
    if not address or address.startswith("127.") or address == "0.0.0.0":
        return "localhost"
    return address


def join_url(code: str, host: str, port: int) -> str:
    """The link a member opens to answer in the session with this code."""
    return f"http://{host}:{port}/?{urlencode({JOIN_PARAMETER: code})}"


def qr_png(url: str, scale: int = 10) -> bytes:
    """A PNG QR code for `url` (error correction M, quiet zone of 4 modules)."""
    buffer = io.BytesIO()
    segno.make(url, error="m", micro=False).save(buffer, kind="png", scale=scale, border=4)
    return buffer.getvalue()

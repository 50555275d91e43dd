"""Encrypted, authenticated transfer bundles: a laptop's data leaving a locked-down site.

File layout (all of it authenticated; only the ciphertext is secret)::

    MUTUALITY-BUNDLE + newline      magic, 17 bytes
    header length                   4 bytes, big-endian
    header                          UTF-8 JSON: format version, cipher, KDF and its
                                    parameters, salt and nonce (base64)
    ciphertext + 16-byte GCM tag    AES-256-GCM of the gzip-compressed JSON payload

The key comes from the passphrase by scrypt (RFC 7914; N=2^17, r=8, p=1 by default: about
128 MiB and a fraction of a second per try, which makes guessing passphrases slow) with a
random 16-byte salt; the 12-byte nonce is random. The magic, length and header are the
AES-GCM associated data, so changing any byte of the file, header included, makes
decryption fail. A wrong passphrase and a changed file cannot be told apart by AES-GCM;
both are reported as "wrong passphrase or the file was changed", and nothing is imported.
"""

from __future__ import annotations

import base64
import gzip
import json
import os
import struct
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

MAGIC = b"MUTUALITY-BUNDLE\n"
FORMAT_VERSION = 1
SCRYPT_N = 2**17
SCRYPT_R = 8
SCRYPT_P = 1
#: Bounds on the scrypt cost a bundle header may ask for (a forged header must not make the
#: importer spend gigabytes, nor talk it into a trivially cheap key).
MIN_SCRYPT_N = 2**14
MAX_SCRYPT_N = 2**20
MIN_PASSPHRASE_LENGTH = 12
_MAX_HEADER = 4096


class BundleError(ValueError):
    """A bundle that cannot be made or opened; the message says why and what to do."""


@dataclass(frozen=True)
class OpenedBundle:
    """A verified, decrypted bundle: its header and its payload."""

    header: dict
    payload: dict


def read_passphrase(path: str | Path) -> str:
    """The passphrase in a file (one line; the line break is not part of it)."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise BundleError(f"{path}: passphrase file not found") from None
    except UnicodeDecodeError:
        raise BundleError(f"{path}: the passphrase file is not UTF-8 text") from None
    passphrase = text.rstrip("\r\n")
    if not passphrase:
        raise BundleError(f"{path}: the passphrase file is empty")
    return passphrase


def _key(passphrase: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return Scrypt(salt=salt, length=32, n=n, r=r, p=p).derive(passphrase.encode("utf-8"))


def seal(payload: dict, passphrase: str, *, scrypt_n: int = SCRYPT_N) -> bytes:
    """Encrypt and authenticate `payload` (JSON-ready) under `passphrase`; the bundle bytes."""
    if len(passphrase) < MIN_PASSPHRASE_LENGTH:
        raise BundleError(
            f"the passphrase has {len(passphrase)} characters; use at least "
            f"{MIN_PASSPHRASE_LENGTH} (a few unrelated words), since a stolen bundle can be "
            "attacked offline"
        )
    if not MIN_SCRYPT_N <= scrypt_n <= MAX_SCRYPT_N or scrypt_n & (scrypt_n - 1):
        raise BundleError(f"scrypt N must be a power of two from 2^14 to 2^20, not {scrypt_n}")
    salt, nonce = os.urandom(16), os.urandom(12)
    header = {
        "format": "mutuality-bundle",
        "version": FORMAT_VERSION,
        "cipher": "AES-256-GCM",
        "kdf": "scrypt",
        "scrypt": {"n": scrypt_n, "r": SCRYPT_R, "p": SCRYPT_P},
        "salt": base64.b64encode(salt).decode("ascii"),
        "nonce": base64.b64encode(nonce).decode("ascii"),
        "compression": "gzip",
    }
    header_bytes = json.dumps(header, sort_keys=True).encode("utf-8")
    preamble = MAGIC + struct.pack(">I", len(header_bytes)) + header_bytes
    plaintext = gzip.compress(json.dumps(payload, ensure_ascii=False).encode("utf-8"), mtime=0)
    key = _key(passphrase, salt, scrypt_n, SCRYPT_R, SCRYPT_P)
    return preamble + AESGCM(key).encrypt(nonce, plaintext, preamble)


def _header(data: bytes, name: str) -> tuple[dict, bytes, bytes]:
    if not data.startswith(MAGIC):
        raise BundleError(f"{name}: not a Mutuality transfer bundle")
    start = len(MAGIC)
    if len(data) < start + 4:
        raise BundleError(f"{name}: the bundle is cut short (incomplete copy?)")
    (length,) = struct.unpack(">I", data[start : start + 4])
    if length > _MAX_HEADER or len(data) < start + 4 + length + 16:
        raise BundleError(f"{name}: the bundle is cut short or damaged (incomplete copy?)")
    header_bytes = data[start + 4 : start + 4 + length]
    try:
        header = json.loads(header_bytes)
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise BundleError(f"{name}: wrong passphrase or the file was changed") from None
    return header, data[: start + 4 + length], data[start + 4 + length :]


def open_bundle(data: bytes, passphrase: str, name: str = "bundle") -> OpenedBundle:
    """Verify and decrypt bundle bytes; BundleError (and nothing else) when that fails."""
    header, preamble, ciphertext = _header(data, name)
    changed = f"{name}: wrong passphrase or the file was changed; nothing was imported"
    try:
        if header.get("format") != "mutuality-bundle":
            raise BundleError(changed)
        if header.get("version") != FORMAT_VERSION:
            raise BundleError(
                f"{name}: bundle format version {header.get('version')} is not supported by "
                f"this Mutuality (it reads version {FORMAT_VERSION}); update Mutuality"
            )
        params = header["scrypt"]
        n, r, p = int(params["n"]), int(params["r"]), int(params["p"])
        if not MIN_SCRYPT_N <= n <= MAX_SCRYPT_N or (r, p) != (SCRYPT_R, SCRYPT_P):
            raise BundleError(changed)
        salt = base64.b64decode(header["salt"], validate=True)
        nonce = base64.b64decode(header["nonce"], validate=True)
        if len(salt) != 16 or len(nonce) != 12:
            raise BundleError(changed)
    except (KeyError, TypeError, ValueError) as error:
        if isinstance(error, BundleError):
            raise
        raise BundleError(changed) from None
    try:
        plaintext = AESGCM(_key(passphrase, salt, n, r, p)).decrypt(nonce, ciphertext, preamble)
    except InvalidTag:
        raise BundleError(changed) from None
    try:
        payload = json.loads(gzip.decompress(plaintext))
    except (OSError, EOFError, json.JSONDecodeError):  # authentic but unreadable
        raise BundleError(f"{name}: the bundle's contents cannot be read") from None
    return OpenedBundle(header=header, payload=payload)


def write_bundle(path: str | Path, payload: dict, passphrase: str, **options) -> Path:
    """Seal `payload` and write it to `path` (written whole to a temporary name, then renamed)."""
    path = Path(path)
    data = seal(payload, passphrase, **options)
    partial = path.with_name(path.name + ".partial")
    partial.write_bytes(data)
    partial.replace(path)
    return path


def read_bundle(path: str | Path, passphrase: str) -> OpenedBundle:
    """Read, verify and decrypt the bundle at `path`."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise BundleError(f"{path}: bundle file not found") from None
    return open_bundle(data, passphrase, name=str(path))

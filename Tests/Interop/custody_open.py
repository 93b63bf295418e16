#!/usr/bin/env python3
"""Independent reader for the Custody store format, version 1.

This is a second implementation of docs/store-format.md, written from that document alone
(not from the Swift sources), so the interop test can show that the document is sufficient to
read back every item Custody writes. It uses only the standard library and `cryptography`.

    custody_open.py --state STATE_DIR --key-file KEK_PATH --item ITEM_ID [--out FILE]
                    [--range START LENGTH]

Whole-item mode checks, in order: the KEK length and its fingerprint against the catalog (§2),
unwraps the data key (§3), locates the object (§1, §6) and checks its SHA-256 against
`item.ciphertext_sha256`, validates the header (§4: magic, version, suite, segment size, size
formula, item id, reserved bytes), checks the header's plaintext length against `item.size`,
decrypts every segment with its STREAM nonce and the header as AAD, and finally checks the
plaintext's SHA-256 against `item.sha256`.

`--range START LENGTH` decrypts only the segments that byte range touches (random access) and
writes just those bytes. It still validates the header and the object size, but skips the
whole-object hashes, which would need the whole object.

Plaintext is written to --out (via a temporary file, renamed only on success) or streamed to
stdout; in the stdout case the exit status is what says whether the output is complete and
authentic. On failure one line naming what failed goes to stderr and the exit status is 1.
"""

import argparse
import hashlib
import os
import sqlite3
import struct
import sys
import tempfile
import urllib.parse
import uuid

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

MAGIC = b"CSTDYOBJ"
VERSION = 1
SUITE_AES256GCM_STREAM = 1
HEADER = struct.Struct(">8sHHIQ16s7s17s")  # §4, 64 bytes
HEADER_SIZE = 64
TAG_SIZE = 16
MIN_SEGMENT, MAX_SEGMENT = 4 * 1024, 64 * 1024 * 1024
FINGERPRINT_LABEL = b"custody-kek-fingerprint-v1"
WRAP_AAD_LABEL = b"custody-data-key-v1"
assert HEADER.size == HEADER_SIZE


class Refused(Exception):
    """A check from the spec failed; the message names it."""


def kek_fingerprint(kek: bytes) -> bytes:
    """§2: first 16 bytes of SHA-256("custody-kek-fingerprint-v1" || KEK)."""
    return hashlib.sha256(FINGERPRINT_LABEL + kek).digest()[:16]


def read_kek(path: str) -> bytes:
    with open(path, "rb") as f:
        kek = f.read(33)
    if len(kek) != 32:
        raise Refused(f"KEK file {path} is not exactly 32 bytes")
    return kek


def load_item(state: str, kek: bytes, item_id: uuid.UUID) -> dict:
    """Check the KEK fingerprint and fetch the item's row from the catalog (§2, §6)."""
    path = os.path.join(state, "catalog.sqlite")
    if not os.path.isfile(path):
        raise Refused(f"no catalog at {path}")
    uri = "file:" + urllib.parse.quote(os.path.abspath(path)) + "?mode=ro"
    db = sqlite3.connect(uri, uri=True)
    try:
        row = db.execute("SELECT value FROM store_meta WHERE key = 'kek_fingerprint'").fetchone()
        if row is None:
            raise Refused("catalog has no kek_fingerprint in store_meta")
        stored = row[0]
        if not isinstance(stored, bytes) or len(stored) != 16:
            raise Refused("catalog kek_fingerprint is not 16 raw bytes")
        if stored != kek_fingerprint(kek):
            raise Refused("KEK fingerprint does not match the catalog (wrong key)")
        row = db.execute(
            "SELECT id, sha256, ciphertext_sha256, size, wrapped_key FROM item WHERE id = ?",
            (str(item_id),),
        ).fetchone()
    finally:
        db.close()
    if row is None:
        raise Refused(f"item {item_id} not found in catalog")
    item = dict(zip(("id", "sha256", "ciphertext_sha256", "size", "wrapped_key"), row))
    for name, length in (("sha256", 32), ("ciphertext_sha256", 32), ("wrapped_key", 60)):
        if not isinstance(item[name], bytes) or len(item[name]) != length:
            raise Refused(f"catalog item.{name} is not a {length}-byte blob")
    if not isinstance(item["size"], int) or item["size"] < 0:
        raise Refused("catalog item.size is not a non-negative integer")
    return item


def unwrap_data_key(kek: bytes, wrapped: bytes, item_id: uuid.UUID) -> bytes:
    """§3: wrapped_key = nonce(12) || ciphertext(32) || tag(16), AAD binds the item id."""
    try:
        key = AESGCM(kek).decrypt(wrapped[:12], wrapped[12:], WRAP_AAD_LABEL + item_id.bytes)
    except InvalidTag:
        raise Refused("wrapped data key does not unwrap (wrong KEK or key not for this item)")
    if len(key) != 32:
        raise Refused("unwrapped data key is not 32 bytes")
    return key


def object_path(state: str, ciphertext_sha256: bytes) -> str:
    """§1/§6: objects/HH/H with H the lowercase hex of the object's SHA-256."""
    h = ciphertext_sha256.hex()
    return os.path.join(state, "objects", h[:2], h)


def file_sha256(f) -> bytes:
    f.seek(0)
    digest = hashlib.sha256()
    while chunk := f.read(1 << 20):
        digest.update(chunk)
    return digest.digest()


class Header:
    """A parsed and validated §4 header."""

    def __init__(self, raw: bytes, object_size: int, item_id: uuid.UUID):
        if object_size < HEADER_SIZE + TAG_SIZE:
            raise Refused(f"object is {object_size} bytes, too short for a header and one segment")
        magic, version, suite, s, length, hid, prefix, reserved = HEADER.unpack(raw)
        if magic != MAGIC:
            raise Refused(f"bad magic {magic!r}")
        if version != VERSION:
            raise Refused(f"unknown format version {version}")
        if suite != SUITE_AES256GCM_STREAM:
            raise Refused(f"unknown cipher suite {suite}")
        if not (MIN_SEGMENT <= s <= MAX_SEGMENT) or s & (s - 1):
            raise Refused(f"segment size {s} is not a power of two in 4 KiB..64 MiB")
        n = max(1, -(-length // s))
        if n > 2**32:
            raise Refused(f"{n} segments do not fit the 4-byte segment index")
        expected = HEADER_SIZE + length + TAG_SIZE * n
        if object_size != expected:
            raise Refused(f"object size {object_size} != 64 + L + 16*n = {expected}")
        if hid != item_id.bytes:
            raise Refused(f"header item id {uuid.UUID(bytes=hid)} differs from catalog's {item_id}")
        if reserved != bytes(17):
            raise Refused("header reserved bytes are not all zero")
        self.raw, self.segment_size, self.length, self.count, self.prefix = raw, s, length, n, prefix

    def nonce(self, i: int) -> bytes:
        """STREAM nonce: P (7) || i (4, big-endian) || last flag (1)."""
        return self.prefix + i.to_bytes(4, "big") + (b"\x01" if i == self.count - 1 else b"\x00")

    def plaintext_size(self, i: int) -> int:
        return min((i + 1) * self.segment_size, self.length) - i * self.segment_size


def decrypt_segment(f, aead: AESGCM, hdr: Header, i: int) -> bytes:
    f.seek(HEADER_SIZE + i * (hdr.segment_size + TAG_SIZE))
    want = hdr.plaintext_size(i) + TAG_SIZE
    sealed = f.read(want)
    if len(sealed) != want:
        raise Refused(f"segment {i} is truncated")
    try:
        return aead.decrypt(hdr.nonce(i), sealed, hdr.raw)
    except InvalidTag:
        raise Refused(f"segment {i} of {hdr.count} fails authentication")


def open_item(state, kek_path, item_text, out, byte_range=None) -> None:
    """Verify and decrypt one item (or one byte range of it), writing plaintext to `out`."""
    try:
        item_id = uuid.UUID(item_text)
    except ValueError:
        raise Refused(f"item id {item_text!r} is not a UUID")
    kek = read_kek(kek_path)
    item = load_item(state, kek, item_id)
    data_key = unwrap_data_key(kek, item["wrapped_key"], item_id)
    path = object_path(state, item["ciphertext_sha256"])
    try:
        f = open(path, "rb")
    except FileNotFoundError:
        raise Refused(f"object file {path} is missing")
    with f:
        if byte_range is None and file_sha256(f) != item["ciphertext_sha256"]:
            raise Refused(f"object {path} SHA-256 does not match item.ciphertext_sha256")
        size = os.fstat(f.fileno()).st_size
        f.seek(0)
        hdr = Header(f.read(HEADER_SIZE), size, item_id)
        if hdr.length != item["size"]:
            raise Refused(f"header plaintext length {hdr.length} != item.size {item['size']}")
        aead = AESGCM(data_key)
        if byte_range is None:
            digest = hashlib.sha256()
            written = 0
            for i in range(hdr.count):
                chunk = decrypt_segment(f, aead, hdr, i)
                digest.update(chunk)
                written += len(chunk)
                out.write(chunk)
            if written != item["size"]:
                raise Refused(f"decrypted {written} bytes, catalog says {item['size']}")
            if digest.digest() != item["sha256"]:
                raise Refused("plaintext SHA-256 does not match item.sha256")
            return
        start, length = byte_range
        if start < 0 or length < 0 or start + length > hdr.length:
            raise Refused(f"range {start}+{length} is outside the item's {hdr.length} bytes")
        if length == 0:
            return
        s = hdr.segment_size
        for i in range(start // s, (start + length - 1) // s + 1):
            chunk = decrypt_segment(f, aead, hdr, i)
            lo = max(start - i * s, 0)
            hi = min(start + length - i * s, len(chunk))
            out.write(chunk[lo:hi])


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # usage errors are failures too: one line, exit 1
        print(f"custody_open: usage: {message}", file=sys.stderr)
        sys.exit(1)


def main(argv=None) -> int:
    p = _Parser(description="Read one item from a Custody store (format v1).")
    p.add_argument("--state", required=True, help="state directory")
    p.add_argument("--key-file", required=True, help="file holding the 32-byte KEK")
    p.add_argument("--item", required=True, help="item id (UUID)")
    p.add_argument("--out", help="output file (default: stdout)")
    p.add_argument("--range", nargs=2, type=int, metavar=("START", "LENGTH"),
                   help="decrypt only this plaintext byte range")
    args = p.parse_args(argv)
    byte_range = tuple(args.range) if args.range else None
    tmp = None
    try:
        if args.out is None:
            open_item(args.state, args.key_file, args.item, sys.stdout.buffer, byte_range)
            sys.stdout.buffer.flush()
        else:
            directory = os.path.dirname(os.path.abspath(args.out))
            fd, tmp = tempfile.mkstemp(dir=directory, prefix=".custody_open.")
            with os.fdopen(fd, "wb") as out:
                open_item(args.state, args.key_file, args.item, out, byte_range)
            os.replace(tmp, args.out)
            tmp = None
    except Refused as e:
        print(f"custody_open: {e}", file=sys.stderr)
        return 1
    except (OSError, sqlite3.Error) as e:
        print(f"custody_open: {type(e).__name__}: {e}", file=sys.stderr)
        return 1
    finally:
        if tmp is not None:
            os.unlink(tmp)
    return 0


if __name__ == "__main__":
    sys.exit(main())

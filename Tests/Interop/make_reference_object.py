#!/usr/bin/env python3
"""Write reference Custody objects from docs/store-format.md, for self-testing custody_open.py.

Like custody_open.py, this follows the spec only (not the Swift sources). It creates, or adds
to, a minimal state directory:

    STATE/custody.kek                 32 random bytes, mode 0600 (reused if present)
    STATE/catalog.sqlite              WAL mode; tables store_meta(key, value) and
                                      item(id, state, sha256, ciphertext_sha256, size, wrapped_key)
    STATE/objects/XY/HASH             the object, written to tmp/ID.partial then renamed

    make_reference_object.py --state STATE_DIR --input FILE [--segment-size S] [--item-id UUID]

prints the new item's id. The whole input is held in memory: this is a test tool. The lower
level functions (pack_header, seal, wrap_data_key, ...) are also used by the tests to craft
deliberately malformed objects.
"""

import argparse
import hashlib
import os
import sqlite3
import struct
import sys
import uuid

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

MAGIC = b"CSTDYOBJ"
HEADER = struct.Struct(">8sHHIQ16s7s17s")  # §4: 64 bytes
DEFAULT_SEGMENT = 1 << 20

SCHEMA = """
CREATE TABLE IF NOT EXISTS store_meta (key TEXT PRIMARY KEY, value BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS item (
    id TEXT PRIMARY KEY,
    state TEXT NOT NULL CHECK (state IN ('stored', 'verified')),
    sha256 BLOB NOT NULL,
    ciphertext_sha256 BLOB NOT NULL,
    size INTEGER NOT NULL,
    wrapped_key BLOB NOT NULL
);
"""


def kek_fingerprint(kek: bytes) -> bytes:
    return hashlib.sha256(b"custody-kek-fingerprint-v1" + kek).digest()[:16]


def wrap_data_key(kek: bytes, data_key: bytes, item_id: uuid.UUID) -> bytes:
    """§3: nonce (12) || ciphertext (32) || tag (16)."""
    nonce = os.urandom(12)
    return nonce + AESGCM(kek).encrypt(nonce, data_key, b"custody-data-key-v1" + item_id.bytes)


def pack_header(segment_size, length, item_id: uuid.UUID, prefix: bytes, *,
                magic=MAGIC, version=1, suite=1, reserved=bytes(17)) -> bytes:
    """§4 header; the keyword arguments exist so tests can build wrong ones."""
    return HEADER.pack(magic, version, suite, segment_size, length, item_id.bytes, prefix, reserved)


def seal(data_key: bytes, header: bytes, plaintext: bytes, segment_size: int, prefix: bytes) -> bytes:
    """§4 STREAM: the header followed by n = max(1, ceil(L/S)) sealed segments."""
    n = max(1, -(-len(plaintext) // segment_size))
    aead = AESGCM(data_key)
    parts = [header]
    for i in range(n):
        nonce = prefix + i.to_bytes(4, "big") + (b"\x01" if i == n - 1 else b"\x00")
        parts.append(aead.encrypt(nonce, plaintext[i * segment_size:(i + 1) * segment_size], header))
    return b"".join(parts)


def init_state(state: str) -> bytes:
    """Create the state directory, KEK and catalog if missing; return the KEK."""
    for sub in ("", "objects", "tmp"):
        os.makedirs(os.path.join(state, sub), exist_ok=True)
    kek_path = os.path.join(state, "custody.kek")
    if not os.path.exists(kek_path):
        fd = os.open(kek_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as f:
            f.write(os.urandom(32))
    with open(kek_path, "rb") as f:
        kek = f.read()
    db = sqlite3.connect(os.path.join(state, "catalog.sqlite"))
    try:
        db.execute("PRAGMA journal_mode=WAL")
        db.executescript(SCHEMA)
        db.execute("INSERT OR IGNORE INTO store_meta VALUES ('kek_fingerprint', ?)",
                   (kek_fingerprint(kek),))
        db.commit()
        (stored,) = db.execute("SELECT value FROM store_meta WHERE key='kek_fingerprint'").fetchone()
    finally:
        db.close()
    if stored != kek_fingerprint(kek):
        raise SystemExit("custody.kek does not match the catalog's fingerprint")
    return kek


def put_object(state: str, obj: bytes, name: str = "object") -> bytes:
    """Write obj to tmp/NAME.partial, rename it to objects/XY/HASH; return its SHA-256."""
    digest = hashlib.sha256(obj).digest()
    h = digest.hex()
    tmp = os.path.join(state, "tmp", f"{name}.partial")
    with open(tmp, "wb") as f:
        f.write(obj)
    os.makedirs(os.path.join(state, "objects", h[:2]), exist_ok=True)
    os.replace(tmp, os.path.join(state, "objects", h[:2], h))
    return digest


def insert_item(state, item_id: uuid.UUID, sha256, ciphertext_sha256, size, wrapped_key,
                item_state="verified") -> None:
    db = sqlite3.connect(os.path.join(state, "catalog.sqlite"))
    try:
        db.execute("INSERT INTO item VALUES (?, ?, ?, ?, ?, ?)",
                   (str(item_id), item_state, sha256, ciphertext_sha256, size, wrapped_key))
        db.commit()
    finally:
        db.close()


def make_item(state: str, plaintext: bytes, segment_size=DEFAULT_SEGMENT, item_id=None) -> str:
    """Store plaintext as a new item (following §3-§6); return its id."""
    kek = init_state(state)
    item_id = uuid.UUID(str(item_id)) if item_id else uuid.uuid4()
    data_key, prefix = os.urandom(32), os.urandom(7)
    header = pack_header(segment_size, len(plaintext), item_id, prefix)
    obj = seal(data_key, header, plaintext, segment_size, prefix)
    ct_hash = put_object(state, obj, str(item_id))
    insert_item(state, item_id, hashlib.sha256(plaintext).digest(), ct_hash, len(plaintext),
                wrap_data_key(kek, data_key, item_id))
    return str(item_id)


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description="Write a reference Custody v1 object.")
    p.add_argument("--state", required=True)
    p.add_argument("--input", required=True)
    p.add_argument("--segment-size", type=int, default=DEFAULT_SEGMENT)
    p.add_argument("--item-id")
    args = p.parse_args(argv)
    with open(args.input, "rb") as f:
        plaintext = f.read()
    print(make_item(args.state, plaintext, args.segment_size, args.item_id))
    return 0


if __name__ == "__main__":
    sys.exit(main())

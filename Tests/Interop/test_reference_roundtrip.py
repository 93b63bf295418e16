"""Self-tests for custody_open.py against objects written by make_reference_object.py.

Both scripts follow docs/store-format.md only, so this checks the reader against the spec (and
the two against each other); the interop test proper runs custody_open.py on Custody's objects.
Run from the repository root: python3 -m pytest Tests/Interop -q
"""

import hashlib
import os
import sqlite3
import subprocess
import sys
import uuid

import pytest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import make_reference_object as ref  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
READER = os.path.join(HERE, "custody_open.py")
MAKER = os.path.join(HERE, "make_reference_object.py")
S = 4096


def run(state, item, *extra, key=None):
    key = key or os.path.join(state, "custody.kek")
    cmd = [sys.executable, READER, "--state", str(state), "--key-file", str(key), "--item", item]
    return subprocess.run(cmd + [str(x) for x in extra], capture_output=True)


def ok(state, item, *extra, **kw):
    r = run(state, item, *extra, **kw)
    assert r.returncode == 0, r.stderr.decode()
    assert r.stderr == b""
    return r.stdout


def refused(state, item, *extra, expect, **kw):
    r = run(state, item, *extra, **kw)
    err = r.stderr.decode()
    assert r.returncode == 1, (r.returncode, err)
    assert err.count("\n") == 1 and err.startswith("custody_open: "), err
    assert expect in err, err
    return err


def data(n, seed=0):
    out, block = bytearray(), hashlib.sha256(str(seed).encode()).digest()
    while len(out) < n:
        block = hashlib.sha256(block).digest()
        out += block
    return bytes(out[:n])


def obj_path(state, item):
    with sqlite3.connect(os.path.join(state, "catalog.sqlite")) as db:
        (h,) = db.execute("SELECT ciphertext_sha256 FROM item WHERE id=?", (item,)).fetchone()
    return os.path.join(state, "objects", h.hex()[:2], h.hex())


def set_column(state, item, column, value):
    db = sqlite3.connect(os.path.join(state, "catalog.sqlite"))
    db.execute(f"UPDATE item SET {column}=? WHERE id=?", (value, item))
    db.commit()
    db.close()


def rewrite_object(state, item, transform):
    """Replace an item's object with transform(bytes), re-hashed so only the format checks see it."""
    path = obj_path(state, item)
    with open(path, "rb") as f:
        new = transform(bytearray(f.read()))
    os.unlink(path)
    set_column(state, item, "ciphertext_sha256", ref.put_object(state, bytes(new)))


def crafted(state, plaintext, segment_size=S, size=None, header_id=None, **header_kw):
    """A correctly sealed object whose header carries the given (possibly wrong) fields."""
    kek = ref.init_state(state)
    item_id, data_key, prefix = uuid.uuid4(), os.urandom(32), os.urandom(7)
    header = ref.pack_header(segment_size, len(plaintext), header_id or item_id, prefix, **header_kw)
    obj = ref.seal(data_key, header, plaintext, segment_size, prefix)
    ref.insert_item(state, item_id, hashlib.sha256(plaintext).digest(), ref.put_object(state, obj),
                    len(plaintext) if size is None else size, ref.wrap_data_key(kek, data_key, item_id))
    return str(item_id)


# --- round trips -----------------------------------------------------------------------------

@pytest.mark.parametrize("n", [0, 1, S - 1, S, S + 1, 2 * S, 3 * S + 5])
def test_roundtrip(tmp_path, n):
    state = tmp_path / "state"
    plaintext = data(n, n)
    item = ref.make_item(str(state), plaintext, S)
    with open(obj_path(state, item), "rb") as f:
        assert len(f.read()) == 64 + n + 16 * max(1, -(-n // S))
    assert ok(state, item) == plaintext
    out = tmp_path / "out.bin"
    assert ok(state, item, "--out", out) == b""
    assert out.read_bytes() == plaintext


def test_default_segment_size_and_cli_maker(tmp_path):
    state, src = tmp_path / "state", tmp_path / "in.bin"
    src.write_bytes(data(2 * 1024 * 1024 + 12345))
    r = subprocess.run([sys.executable, MAKER, "--state", state, "--input", src],
                       capture_output=True, check=True)
    item = r.stdout.decode().strip()
    assert ok(state, item) == src.read_bytes()
    assert ok(state, item.upper()) == src.read_bytes()  # UUID text is normalised
    assert oct(os.stat(state / "custody.kek").st_mode & 0o777) == "0o600"


def test_several_items_share_a_store(tmp_path):
    state = tmp_path / "state"
    items = {ref.make_item(str(state), data(n, n), S): data(n, n) for n in (10, S * 2 + 1, 0)}
    for item, plaintext in items.items():
        assert ok(state, item) == plaintext


# --- ranges ----------------------------------------------------------------------------------

L = 3 * S + 5


@pytest.fixture
def three_segments(tmp_path):
    state = tmp_path / "state"
    plaintext = data(L, 7)
    return state, ref.make_item(str(state), plaintext, S), plaintext


@pytest.mark.parametrize("start,length", [
    (0, 0), (0, 1), (S - 1, 2), (4000, 5000), (S, S), (100, 2 * S + 50),
    (0, L), (L - 1, 1), (L, 0), (3 * S, 5), (2 * S - 1, S + 2),
])
def test_range(three_segments, start, length):
    state, item, plaintext = three_segments
    assert ok(state, item, "--range", start, length) == plaintext[start:start + length]


@pytest.mark.parametrize("start,length", [(L - 1, 2), (L + 1, 0), (-1, 1)])
def test_range_outside_item(three_segments, start, length):
    state, item, _ = three_segments
    refused(state, item, "--range", start, length, expect="outside")


def test_range_reads_only_touched_segments(three_segments):
    state, item, plaintext = three_segments
    rewrite_object(state, item, lambda b: b.__setitem__(64 + 2 * (S + 16) + 1, b[64 + 2 * (S + 16) + 1] ^ 1) or b)
    assert ok(state, item, "--range", 10, S + 10) == plaintext[10:S + 20]  # segments 0, 1
    refused(state, item, "--range", 2 * S - 1, 2, expect="segment 2 of 4 fails authentication")
    refused(state, item, expect="segment 2 of 4 fails authentication")


def test_range_still_checks_size_and_header(three_segments):
    state, item, _ = three_segments
    rewrite_object(state, item, lambda b: b[:-1])
    refused(state, item, "--range", 0, 1, expect="object size")
    rewrite_object(state, item, lambda b: b"X" + b[1:])
    refused(state, item, "--range", 0, 1, expect="bad magic")


# --- damage ----------------------------------------------------------------------------------

@pytest.mark.parametrize("offset", [0, 20, 63, 64, 64 + S + 3, -1])
def test_flipped_byte(three_segments, offset, tmp_path):
    state, item, _ = three_segments
    path = obj_path(state, item)
    b = bytearray(open(path, "rb").read())
    b[offset] ^= 0x40
    open(path, "wb").write(b)
    out = tmp_path / "out.bin"
    refused(state, item, "--out", out, expect="ciphertext_sha256")
    assert not out.exists() and os.listdir(tmp_path) == ["state"]  # no partial output left


@pytest.mark.parametrize("cut", [1, 16, S + 16, L + 16 * 4])
def test_truncated(three_segments, cut):
    state, item, _ = three_segments
    path = obj_path(state, item)
    b = open(path, "rb").read()
    open(path, "wb").write(b[:-cut])
    refused(state, item, expect="ciphertext_sha256")


def test_missing_object(three_segments):
    state, item, _ = three_segments
    os.unlink(obj_path(state, item))
    refused(state, item, expect="missing")


# Damage that is re-hashed into the catalog, so only the format's own checks can catch it.

@pytest.mark.parametrize("offset,segment", [(64, 0), (64 + S + 16 + 7, 1), (-1, 3), (-16, 3)])
def test_rehashed_flipped_byte_fails_tag(three_segments, offset, segment):
    state, item, _ = three_segments
    rewrite_object(state, item, lambda b: b.__setitem__(offset, b[offset] ^ 1) or b)
    refused(state, item, expect=f"segment {segment} of 4 fails authentication")


@pytest.mark.parametrize("offset,expect", [
    (3, "bad magic"), (9, "unknown format version"), (11, "unknown cipher suite"),
    (14, "segment size"), (23, "object size"), (24, "header item id"), (39, "header item id"),
    (50, "reserved"), (63, "reserved"),
])
def test_rehashed_header_change_is_refused(three_segments, offset, expect):
    state, item, _ = three_segments
    rewrite_object(state, item, lambda b: b.__setitem__(offset, b[offset] ^ 1) or b)
    refused(state, item, expect=expect)


def test_rehashed_nonce_prefix_change_fails_tag(three_segments):
    state, item, _ = three_segments
    rewrite_object(state, item, lambda b: b.__setitem__(45, b[45] ^ 1) or b)
    refused(state, item, expect="segment 0 of 4 fails authentication")


def test_rehashed_truncation_fails_size(three_segments):
    state, item, _ = three_segments
    rewrite_object(state, item, lambda b: b[:64 + 2 * (S + 16)])  # drop the last two segments
    refused(state, item, expect="object size")


def test_rehashed_truncation_with_fixed_length_fails_tag(three_segments):
    state, item, _ = three_segments

    def cut(b):  # drop the last two segments and make the header's L agree
        b = b[:64 + 2 * (S + 16)]
        b[16:24] = (2 * S).to_bytes(8, "big")
        return b
    rewrite_object(state, item, cut)
    set_column(state, item, "size", 2 * S)
    refused(state, item, expect="segment 0 of 2 fails authentication")  # header is the AAD


def test_rehashed_swapped_segments_fail_tag(three_segments):
    state, item, _ = three_segments

    def swap(b):
        one, two = b[64:64 + S + 16], b[64 + S + 16:64 + 2 * (S + 16)]
        b[64:64 + 2 * (S + 16)] = two + one
        return b
    rewrite_object(state, item, swap)
    refused(state, item, expect="segment 0 of 4 fails authentication")


def test_rehashed_extension_fails_size(three_segments):
    state, item, _ = three_segments
    rewrite_object(state, item, lambda b: b + bytes(32))
    refused(state, item, expect="object size")


# --- header refusals (objects correctly sealed around a wrong header) -------------------------

@pytest.mark.parametrize("kw,expect", [
    (dict(magic=b"CSTDYOBX"), "bad magic"),
    (dict(version=2), "unknown format version 2"),
    (dict(version=0), "unknown format version 0"),
    (dict(suite=2), "unknown cipher suite 2"),
    (dict(segment_size=3000), "segment size 3000"),
    (dict(segment_size=6144), "segment size 6144"),
    (dict(segment_size=2048), "segment size 2048"),
    (dict(segment_size=128 << 20), "segment size"),
    (dict(header_id=uuid.uuid4()), "header item id"),
    (dict(reserved=b"\x00" * 16 + b"\x01"), "reserved"),
    (dict(size=S + 2), "item.size"),
])
def test_header_refusals(tmp_path, kw, expect):
    state = tmp_path / "state"
    item = crafted(str(state), data(S + 1), **kw)
    refused(state, item, expect=expect)
    refused(state, item, "--range", 0, 1, expect=expect)


def test_segment_size_bounds_accepted(tmp_path):
    state = tmp_path / "state"
    for size in (4096, 64 << 20):
        item = crafted(str(state), data(5000), segment_size=size)
        assert ok(state, item) == data(5000)


# --- keys and catalog ------------------------------------------------------------------------

def test_wrong_kek(three_segments, tmp_path):
    state, item, _ = three_segments
    wrong = tmp_path / "wrong.kek"
    wrong.write_bytes(os.urandom(32))
    refused(state, item, key=wrong, expect="fingerprint")
    wrong.write_bytes(os.urandom(31))
    refused(state, item, key=wrong, expect="32 bytes")
    wrong.write_bytes(os.urandom(33))
    refused(state, item, key=wrong, expect="32 bytes")


def test_wrapped_key_bound_to_item(tmp_path):
    state = tmp_path / "state"
    a, b = ref.make_item(str(state), data(10, 1), S), ref.make_item(str(state), data(10, 2), S)
    with sqlite3.connect(state / "catalog.sqlite") as db:
        (wrapped_b,) = db.execute("SELECT wrapped_key FROM item WHERE id=?", (b,)).fetchone()
    set_column(state, a, "wrapped_key", wrapped_b)
    refused(state, a, expect="does not unwrap")


def test_plaintext_hash_mismatch(three_segments):
    state, item, _ = three_segments
    set_column(state, item, "sha256", bytes(32))
    refused(state, item, expect="item.sha256")


def test_catalog_problems(three_segments):
    state, item, _ = three_segments
    refused(state, str(uuid.uuid4()), expect="not found")
    refused(state, "not-a-uuid", expect="not a UUID")
    refused(state / "nowhere", item, key=state / "custody.kek", expect="no catalog")
    set_column(state, item, "wrapped_key", b"short")
    refused(state, item, expect="wrapped_key")


def test_usage_error_is_one_line(three_segments):
    state, item, _ = three_segments
    refused(state, item, "--range", "x", "1", expect="usage")

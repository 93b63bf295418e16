#!/usr/bin/env python3
"""An independent checker of a Custody audit log, written from docs/audit-log.md alone.

It walks the hash chain, cross-checks the catalog against the chain (the store's creation entry,
every item's item.stored facts, every item.stored entry's item, every tombstone's item.shredded
entry), checks anchor files and deletion receipts (`custody deletion receipt ITEM --json`). It
needs only the Python standard library and read access to the state directory; it writes nothing.

    python3 check_audit.py --state STATE [--anchors FILE]... [--receipt FILE]... [--json]

Exit status 0 when everything checks, 1 when something does not, 2 when the catalog cannot be read.
Each finding is one line: `chain: ...`, `catalog ITEM FIELD: ...`, `anchor FILE:SEQ: ...` or
`receipt FILE: ...`.
"""

import argparse
import hashlib
import json
import os
import sqlite3
import struct
import sys
import urllib.parse

DOMAIN = b"custody-audit-v1"
GENESIS = bytes(32)
REMOVALS = ("item.discarded",)
# item.stored detail key -> item column; path_hex is the raw path bytes, hex.
FACTS = {
    "root": "source_root",
    "path": "source_path_display",
    "path_hex": "source_path",
    "device": "source_device",
    "size": "size",
    "sha256": "sha256",
    "ciphertext_sha256": "ciphertext_sha256",
    "ciphertext_size": "ciphertext_size",
    "source_size": "source_size",
    "source_mtime_ns": "source_mtime_ns",
    "source_mtime_raw": "source_mtime_raw",
    "source_mtime_zone": "source_mtime_zone",
    "ingested_at": "ingested_at",
    "docked_at": "docked_at",
    "identity_officer": "identity_officer",
}


def lp(text):
    data = text.encode("utf-8")
    return struct.pack(">I", len(data)) + data


def entry_hash(seq, prev, at, actor, action, item_id, detail):
    return hashlib.sha256(
        DOMAIN + struct.pack(">Q", seq) + prev + struct.pack(">q", at)
        + lp(actor) + lp(action) + lp(item_id or "") + lp(detail)
    ).digest()


def connect(state):
    path = os.path.abspath(os.path.join(state, "catalog.sqlite"))
    quoted = urllib.parse.quote(path)
    try:
        db = sqlite3.connect(f"file:{quoted}?mode=ro", uri=True)
        db.execute("SELECT count(*) FROM sqlite_master").fetchone()
        return db
    except sqlite3.Error:
        # A copy without a -wal cannot grow one here: read it as the immutable file it is.
        if os.path.exists(path + "-wal") and os.path.getsize(path + "-wal") > 0:
            raise
        return sqlite3.connect(f"file:{quoted}?immutable=1", uri=True)


def check_chain(db, findings):
    expected, prev, head = 1, GENESIS, GENESIS
    for seq, at, actor, action, item_id, detail, prev_hash, hash_ in db.execute(
        "SELECT seq, at, actor, action, item_id, detail, prev_hash, hash FROM audit ORDER BY seq"
    ):
        if seq != expected:
            findings.append(f"chain: entry {expected} is missing (next is {seq})")
            break
        if prev_hash != prev:
            findings.append(f"chain: entry {seq} does not link to entry {seq - 1}")
            break
        if entry_hash(seq, prev, at, actor, action, item_id, detail) != hash_:
            findings.append(f"chain: entry {seq} does not match its hash")
            break
        prev = head = hash_
        expected += 1
    return expected - 1, head.hex()


def as_fact(column, value):
    if value is None:
        return "" if column == "source_device" else None
    if isinstance(value, bytes):
        return value.hex()
    return str(value)


def check_catalog(db, findings):
    first = db.execute("SELECT seq, action, detail FROM audit ORDER BY seq LIMIT 1").fetchone()
    if first is None:
        findings.append("catalog (store): the audit log is empty: the log was emptied")
    elif first[0] != 1 or first[1] != "store.created":
        findings.append(f"catalog (store): the log starts at entry {first[0]} ({first[1]}), not store.created")
    else:
        meta = db.execute("SELECT value FROM store_meta WHERE key = 'kek_fingerprint'").fetchone()
        rotated = db.execute(
            "SELECT detail FROM audit WHERE action = 'key.rotated' ORDER BY seq DESC LIMIT 1"
        ).fetchone()
        # The key is the one the store was created with, or the one the last rotation moved it to.
        recorded = (json.loads(rotated[0]).get("new_kek_fingerprint") if rotated
                    else json.loads(first[2]).get("kek_fingerprint"))
        if recorded != (meta[0].hex() if meta else None):
            findings.append("catalog (store) kek_fingerprint: differs from what the chain recorded")

    entries = {}
    for item_id, seq, action, detail in db.execute(
        "SELECT item_id, seq, action, detail FROM audit WHERE item_id IS NOT NULL ORDER BY seq"
    ):
        entry = entries.setdefault(item_id, {})
        if action == "item.stored":
            entry.setdefault("stored", (seq, json.loads(detail)))
        elif action == "item.verified":
            entry.setdefault("verified", seq)
        elif action in REMOVALS:
            entry["removed"] = (seq, action)
        elif action == "item.shredded":
            entry["shredded"] = seq

    db.row_factory = sqlite3.Row
    seen = set()
    for row in db.execute("SELECT * FROM item ORDER BY id"):
        item = row["id"]
        seen.add(item)
        entry = entries.get(item, {})
        if "removed" in entry:
            findings.append(f"catalog {item}: entry {entry['removed'][0]} removed it, yet it is in the catalog")
            continue
        if "stored" not in entry:
            findings.append(f"catalog {item}: no item.stored entry records it (added outside ingest)")
            continue
        seq, recorded = entry["stored"]
        complete = "path_hex" in recorded
        for key, column in FACTS.items():
            if key not in recorded and not complete:
                continue
            actual = as_fact(column, row[column] if column in row.keys() else None)
            if actual != recorded.get(key):
                findings.append(f"catalog {item} {key}: catalog {actual!r}, item.stored entry {seq} {recorded.get(key)!r}")
        if row["state"] == "verified" and "verified" not in entry:
            findings.append(f"catalog {item} state: verified, but no item.verified entry")
        erased = row["wrapped_key"] == bytes(len(row["wrapped_key"]))
        if erased and "shredded" not in entry:
            findings.append(f"catalog {item} wrapped_key: erased, but no item.shredded entry records a shred")
        elif "shredded" in entry and not erased:
            findings.append(f"catalog {item} wrapped_key: item.shredded entry {entry['shredded']} records a shred, yet the key is there")
    db.row_factory = None
    for item, entry in sorted(entries.items()):
        if "stored" in entry and "removed" not in entry and item not in seen:
            findings.append(f"catalog {item}: item.stored entry {entry['stored'][0]} has no item (row deleted)")


def check_anchors(db, path, findings):
    first = db.execute("SELECT hash FROM audit WHERE seq = 1").fetchone()
    last = db.execute("SELECT max(seq) FROM audit").fetchone()[0] or 0
    count = 0
    with open(path, encoding="utf-8") as f:
        for number, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                anchor = json.loads(line)
                seq, digest, chain = int(anchor["seq"]), anchor["hash"], anchor["chain"]
            except (ValueError, KeyError, TypeError):
                findings.append(f"anchor {path}:{number}: not an anchor line")
                continue
            count += 1
            row = db.execute("SELECT hash FROM audit WHERE seq = ?", (seq,)).fetchone()
            if first is None or first[0].hex() != chain:
                findings.append(f"anchor {path}:{seq}: the chain was replaced")
            elif row is None:
                findings.append(f"anchor {path}:{seq}: the chain ends at {last}: entries were cut off its end")
            elif row[0].hex() != digest:
                findings.append(f"anchor {path}:{seq}: entries up to {seq} were rewritten")
    return count


def check_receipt(db, path, findings):
    """A deletion receipt: its entries are the chain's, whole and unaltered; they record the item's
    storing, a request and an approval by two different actors, and the shred; the catalog agrees."""
    def finding(text):
        findings.append(f"receipt {path}: {text}")

    with open(path, encoding="utf-8") as f:
        try:
            receipt = json.load(f)
            tombstone, entries = receipt["tombstone"], receipt["audit"]
            item, deletion = tombstone["item"], str(tombstone["deletion"])
        except (ValueError, KeyError, TypeError):
            finding("not a deletion receipt (custody deletion receipt ITEM --json)")
            return
    by_action = {}
    for e in entries:
        try:
            digest = entry_hash(e["seq"], bytes.fromhex(e["prev_hash"]), e["at_ms"], e["actor"], e["action"],
                                e.get("item"), e["detail"])
        except (KeyError, TypeError, ValueError):
            finding(f"entry {e.get('seq')} is incomplete: it cannot be checked")
            continue
        if digest.hex() != e["hash"]:
            finding(f"entry {e['seq']} does not match its own hash: it was altered")
            continue
        row = db.execute("SELECT hash FROM audit WHERE seq = ?", (e["seq"],)).fetchone()
        if row is None or row[0].hex() != e["hash"]:
            finding(f"entry {e['seq']} is not the chain's entry {e['seq']}")
            continue
        by_action.setdefault(e["action"], []).append((e, json.loads(e["detail"])))
    head = db.execute("SELECT hash FROM audit WHERE seq = ?", (receipt.get("audit_head_seq"),)).fetchone()
    if head is None or head[0].hex() != receipt.get("audit_head_hash"):
        finding("the chain no longer holds the receipt's head: entries were rewritten or cut off")
    stored = [d for e, d in by_action.get("item.stored", []) if e.get("item") == item]
    if not stored or stored[0].get("sha256") != tombstone["sha256"] \
            or stored[0].get("ciphertext_sha256") != tombstone["ciphertext_sha256"]:
        finding(f"no item.stored entry records item {item} with the receipt's hashes")
    requested = [e for e, d in by_action.get("deletion.requested", []) if d.get("deletion") == deletion]
    approved = [e for e, d in by_action.get("deletion.approved", []) if d.get("deletion") == deletion]
    if not requested or not approved:
        finding(f"the request and approval entries of deletion #{deletion} are not both there")
    elif requested[0]["actor"] == approved[0]["actor"]:
        finding(f"deletion #{deletion} was approved by its own requester")
    shredded = [d for e, d in by_action.get("item.shredded", [])
                if e.get("item") == item and d.get("deletion", deletion) == deletion]
    if not shredded or shredded[0].get("sha256") != tombstone["sha256"]:
        finding(f"no item.shredded entry records the shred of item {item}")
    row = db.execute("SELECT wrapped_key FROM item WHERE id = ?", (item,)).fetchone()
    if row is None:
        finding(f"the catalog has no tombstone of item {item}")
    elif row[0] != bytes(len(row[0])):
        finding(f"item {item} still has its wrapped key: it was not erased")
    state = db.execute("SELECT state FROM deletion_item WHERE item_id = ? AND request_id = ?",
                       (item, int(deletion))).fetchone()
    if state is None or state[0] != "shredded":
        finding(f"the catalog does not record item {item} as shredded by deletion #{deletion}")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--state", required=True)
    parser.add_argument("--anchors", action="append", default=[])
    parser.add_argument("--receipt", action="append", default=[])
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    try:
        db = connect(args.state)
        findings = []
        entries, head = check_chain(db, findings)
        check_catalog(db, findings)
        anchors = sum(check_anchors(db, path, findings) for path in args.anchors)
        for path in args.receipt:
            check_receipt(db, path, findings)
    except (sqlite3.Error, OSError) as error:
        print(f"check_audit: cannot read {args.state}: {error}", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps({"entries": entries, "head": head, "anchors": anchors, "findings": findings}))
    else:
        for finding in findings:
            print(finding)
        print(f"{entries} entries, head {head}, {anchors} anchors, {len(findings)} findings")
    return 1 if findings else 0


if __name__ == "__main__":
    sys.exit(main())

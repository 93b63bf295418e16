import CustodyCore

extension ItemRecord {
    /// The write-once facts of an item as its `item.stored` audit entry records them
    /// (docs/audit-log.md, "Cross-checks"): `audit verify` compares the catalog row against exactly
    /// these, so a provenance or hash rewritten in the catalog is named by field.
    ///
    /// Entries written before a key was added lack it; the check compares the keys an entry has.
    public var storedFacts: [String: String] {
        var facts = [
            // The first five are what every item.stored entry has carried since the first release.
            "root": source.root,
            "path": source.path.displayString,
            "device": source.deviceID ?? "",
            "size": "\(size)",
            "sha256": sha256.hex,
            // The display form of a path can map two byte strings to one text; the hex is exact.
            "path_hex": Hex.encode(source.path.bytes),
            "ciphertext_sha256": ciphertextSHA256.hex,
            "ciphertext_size": "\(ciphertextSize)",
            "source_size": "\(source.size)",
            "source_mtime_ns": "\(source.modificationTimeNanoseconds)",
            "ingested_at": "\(ingestedAt.catalogMilliseconds)",
        ]
        facts["source_mtime_raw"] = source.modificationTimeRaw
        facts["source_mtime_zone"] = source.modificationTimeZone
        // What the dock saw (docked_at, identity_officer), write-once like the rest.
        return facts.merging(dock?.auditDetail ?? [:]) { current, _ in current }
    }
}

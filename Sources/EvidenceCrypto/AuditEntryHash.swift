/// The hash of one audit entry (docs/audit-log.md, "Hash"), in one place: the catalog chains entries
/// with it, and an export's verifier recomputes it from the entries a bag carries.
public enum AuditEntryHash {
    private static let domain = Array("custody-audit-v1".utf8)

    /// SHA-256 over the domain tag and every field, each text length-prefixed, so no two different
    /// entries encode alike.
    public static func hash(
        sequence: Int64, previousHash: [UInt8], atMilliseconds: Int64, actor: String, action: String,
        itemID: String?, detail: String
    ) -> [UInt8] {
        let hasher = SHA256Hasher()
        hasher.update(domain)
        hasher.update(bigEndian(UInt64(sequence)))
        hasher.update(previousHash)
        hasher.update(bigEndian(UInt64(bitPattern: atMilliseconds)))
        for field in [actor, action, itemID ?? "", detail] {
            let bytes = Array(field.utf8)
            hasher.update(bigEndian(UInt32(bytes.count)))
            hasher.update(bytes)
        }
        return hasher.finalize().bytes
    }

    private static func bigEndian<T: FixedWidthInteger>(_ value: T) -> [UInt8] {
        withUnsafeBytes(of: value.bigEndian) { Array($0) }
    }
}

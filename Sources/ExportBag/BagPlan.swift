import ControlProtocol
import CustodyCore
import EvidenceCrypto
import Foundation

/// What an export's bag must hold, decided by the daemon before a byte is written (DESIGN §15): one
/// payload file per item, in the export's order, named after the camera's file, with the SHA-256 the
/// chain's `item.stored` entry recorded; and the `manifest-sha256.txt` those make, whose hash the
/// daemon records. The writer writes this plan and nothing else; the verifier checks a bag against it.
public enum BagPlan {
    /// One item as the plan needs it.
    public struct Item: Sendable {
        public var id: String
        /// The file's name on the camera (its last path component).
        public var name: String
        /// SHA-256 from the item's `item.stored` audit entry.
        public var sha256: String
        public var size: Int64

        public init(id: String, name: String, sha256: String, size: Int64) {
            self.id = id
            self.name = name
            self.sha256 = sha256
            self.size = size
        }
    }

    /// The payload files for `items`, in their order: `data/NAME`, `data/2-NAME` when a name repeats.
    public static func payload(for items: [Item]) -> [ExportPayloadFile] {
        var taken = Set<String>()
        return items.map { item in
            let name = uniqueName(safeName(item.name, fallback: item.id), taken: &taken)
            return ExportPayloadFile(item: item.id, path: "data/" + name, sha256: item.sha256, size: item.size)
        }
    }

    /// The text of `manifest-sha256.txt` for `files`: one line each, `HASH  PATH`, LF-terminated,
    /// paths percent-encoded as RFC 8493 §2.1.3 asks.
    public static func manifest(_ files: [ExportPayloadFile]) -> String {
        files.map { "\($0.sha256)  \(BagText.encodePath($0.path))\n" }.joined()
    }

    /// SHA-256 of `manifest(files)`, hex: what the daemon records and `export finish` must match.
    public static func manifestSHA256(_ files: [ExportPayloadFile]) -> String {
        SHA256Hasher.hash(Array(manifest(files).utf8)).hex
    }

    /// A camera's file name as a payload name: no directories, no control characters, nothing that
    /// needs escaping in a manifest line (CR, LF, `%`).
    static func safeName(_ name: String, fallback: String) -> String {
        let cleaned = String(
            name.unicodeScalars.map { scalar -> Character in
                if scalar.value < 0x20 || scalar == "/" || scalar == "\\" || scalar == "%" || scalar.value == 0x7f {
                    return "_"
                }
                return Character(scalar)
            })
        let trimmed = cleaned.trimmingCharacters(in: .whitespaces)
        return trimmed.isEmpty || trimmed == "." || trimmed == ".." ? fallback : trimmed
    }

    /// `name`, or `2-name`, `3-name`… when taken (case-insensitively: recipients' disks may fold case).
    static func uniqueName(_ name: String, taken: inout Set<String>) -> String {
        var candidate = name
        var counter = 2
        while taken.contains(candidate.lowercased()) {
            candidate = "\(counter)-\(name)"
            counter += 1
        }
        taken.insert(candidate.lowercased())
        return candidate
    }
}

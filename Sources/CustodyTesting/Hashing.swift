import EvidenceCrypto
import Foundation

/// The SHA-256 (hex) of a file's bytes, computed independently of the code under test's I/O path.
public func sha256Hex(ofFile path: String) throws -> String {
    SHA256Hasher.hash(try Data(contentsOf: URL(fileURLWithPath: path))).hex
}

/// The SHA-256 (hex) of bytes.
public func sha256Hex(_ bytes: [UInt8]) -> String { SHA256Hasher.hash(bytes).hex }

/// A digest of everything under `path`: each entry's relative path, type, mode and size, and each
/// regular file's SHA-256, in sorted order; nil when `path` does not exist. Two equal digests mean
/// nothing under `path` was added, removed, changed or re-moded.
public func treeDigest(of path: String) throws -> String? {
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { return nil }
    var lines: [String] = []
    let names = isDirectory.boolValue ? (FileManager.default.subpaths(atPath: path) ?? []).sorted() : []
    for name in [""] + names {
        let full = name.isEmpty ? path : path + "/" + name
        let attributes = try FileManager.default.attributesOfItem(atPath: full)
        let type = attributes[.type] as? FileAttributeType
        let mode = (attributes[.posixPermissions] as? Int).map { String($0, radix: 8) } ?? "?"
        let size = (attributes[.size] as? Int) ?? 0
        let content = type == .typeRegular ? try sha256Hex(ofFile: full) : "-"
        lines.append("\(name)\t\(type?.rawValue ?? "?")\t\(mode)\t\(size)\t\(content)")
    }
    return sha256Hex(Array(lines.joined(separator: "\n").utf8))
}

import EvidenceCrypto
import Foundation

/// The SHA-256 (hex) of a file's bytes, computed independently of the code under test's I/O path.
public func sha256Hex(ofFile path: String) throws -> String {
    SHA256Hasher.hash(try Data(contentsOf: URL(fileURLWithPath: path))).hex
}

/// The SHA-256 (hex) of bytes.
public func sha256Hex(_ bytes: [UInt8]) -> String { SHA256Hasher.hash(bytes).hex }

import Foundation

/// Reading and writing a bag's text files as RFC 8493 says, whoever wrote them: lines end in LF,
/// CRLF or CR; `bagit.txt` carries no byte-order mark; manifest paths percent-encode CR, LF and `%`.
/// Problems name the file and the line, never the file's content.
enum BagText {
    /// The UTF-8 byte-order mark.
    static let byteOrderMark: [UInt8] = [0xEF, 0xBB, 0xBF]

    /// `path` as a manifest line names it: `%` → `%25`, LF → `%0A`, CR → `%0D` (RFC 8493 §2.1.3).
    static func encodePath(_ path: String) -> String {
        var encoded = ""
        for scalar in path.unicodeScalars {
            switch scalar {
            case "%": encoded += "%25"
            case "\n": encoded += "%0A"
            case "\r": encoded += "%0D"
            default: encoded.unicodeScalars.append(scalar)
            }
        }
        return encoded
    }

    /// A manifest line's path decoded: `%25`, `%0A`, `%0D` (either case) become `%`, LF, CR; any
    /// other `%` stays as it is, as bagit-python reads it.
    static func decodePath(_ text: Substring) -> String {
        var decoded = ""
        var index = text.startIndex
        while index < text.endIndex {
            let rest = text[index...]
            if rest.hasPrefix("%"), rest.count >= 3 {
                switch rest.prefix(3).uppercased() {
                case "%25": decoded += "%"
                case "%0A": decoded += "\n"
                case "%0D": decoded += "\r"
                default:
                    decoded.append(text[index])
                    index = text.index(after: index)
                    continue
                }
                index = text.index(index, offsetBy: 3)
                continue
            }
            decoded.append(text[index])
            index = text.index(after: index)
        }
        return decoded
    }

    /// A text file's lines, or the reason it cannot be read. A last line without an end counts; an
    /// empty file has no lines. A leading byte-order mark is dropped unless `refuseBOM`.
    static func lines(of path: String, named name: String, refuseBOM: Bool = false) -> Result<
        [String], BagVerifier.Problem
    > {
        guard let data = FileManager.default.contents(atPath: path) else {
            return .failure(BagVerifier.Problem(file: name, problem: "missing or unreadable"))
        }
        var bytes = [UInt8](data)
        if bytes.starts(with: byteOrderMark) {
            if refuseBOM {
                return .failure(
                    BagVerifier.Problem(
                        file: name, problem: "starts with a byte-order mark, which RFC 8493 forbids here"))
            }
            bytes.removeFirst(byteOrderMark.count)
        }
        guard let text = String(tagFileBytes: bytes) else {
            return .failure(BagVerifier.Problem(file: name, problem: "not UTF-8 text"))
        }
        var lines: [String] = []
        var current = ""
        var previousCR = false
        for scalar in text.unicodeScalars {
            if scalar == "\n" {
                if !previousCR { lines.append(current) }
                current = ""
                previousCR = false
            } else if scalar == "\r" {
                lines.append(current)
                current = ""
                previousCR = true
            } else {
                current.unicodeScalars.append(scalar)
                previousCR = false
            }
        }
        if !current.isEmpty { lines.append(current) }
        return .success(lines)
    }
}

extension String {
    /// Text from bytes that must be valid UTF-8 (a NUL byte counts as invalid in a tag file).
    fileprivate init?(tagFileBytes bytes: [UInt8]) {
        guard !bytes.contains(0), let text = String(bytes: bytes, encoding: .utf8) else { return nil }
        self = text
    }
}

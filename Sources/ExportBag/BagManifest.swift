import Foundation

/// One manifest of a bag (`manifest-ALG.txt` or `tagmanifest-ALG.txt`) read as RFC 8493 §2.1.3
/// says: `CHECKSUM PATH` per line, separated by whitespace, paths percent-decoded, each path once.
struct BagManifest {
    struct Entry {
        var hash: String
        /// Decoded: as the file is named on disk, relative to the bag.
        var path: String
        var line: Int
    }

    let name: String
    var entries: [Entry] = []
    var problems: [BagVerifier.Problem] = []

    /// Reads `name` in the bag at `root`; nil when the file is absent.
    /// - Parameter hexDigits: a checksum's length (64 for SHA-256, 128 for SHA-512).
    /// - Parameter payload: whether it lists payload files (each under `data/`) or tag files (none there).
    init?(_ name: String, in root: String, hexDigits: Int, payload: Bool) {
        self.name = name
        guard FileManager.default.fileExists(atPath: root + "/" + name) else { return nil }
        let lines: [String]
        switch BagText.lines(of: root + "/" + name, named: name) {
        case .success(let read): lines = read
        case .failure(let problem):
            problems.append(problem)
            return
        }
        var seen: [String: Int] = [:]
        for (index, line) in lines.enumerated() {
            let number = index + 1
            guard !line.allSatisfy({ $0 == " " || $0 == "\t" }) else { continue }
            let hash = line.prefix { $0 != " " && $0 != "\t" }
            let rest = line.dropFirst(hash.count).drop { $0 == " " || $0 == "\t" }
            guard hash.count == hexDigits, hash.allSatisfy(\.isHexDigit), !rest.isEmpty else {
                problem("line \(number) is not '\(hexDigits)-hex-digit CHECKSUM, whitespace, PATH'")
                continue
            }
            let path = BagText.decodePath(rest)
            let components = path.split(separator: "/", omittingEmptySubsequences: false)
            guard !path.hasPrefix("/"), !components.contains(where: { $0.isEmpty || $0 == "." || $0 == ".." }) else {
                problem("line \(number) names a path outside the bag or not in normal form")
                continue
            }
            guard payload == (components.first == "data" && components.count > 1) else {
                problem(payload ? "line \(number) names a file outside data/" : "line \(number) names a payload file")
                continue
            }
            if let first = seen[path] {
                problem("line \(number) lists a file line \(first) already lists: each file is listed once (RFC 8493)")
                continue
            }
            seen[path] = number
            entries.append(Entry(hash: hash.lowercased(), path: path, line: number))
        }
    }

    private mutating func problem(_ text: String) {
        problems.append(BagVerifier.Problem(file: name, problem: text))
    }
}

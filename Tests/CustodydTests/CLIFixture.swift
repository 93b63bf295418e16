import CustodyTesting
import Foundation

/// A state directory made by `custodyd init`, and a source folder, for end-to-end tests.
final class CLIFixture {
    let directory: TemporaryDirectory
    var state: String { directory.file("state") }
    var source: String { directory.file("source") }
    var key: String { directory.file("state/custody.kek") }

    init(_ name: String, initialise: Bool = true) throws {
        directory = try TemporaryDirectory(name)
        try FileManager.default.createDirectory(atPath: source, withIntermediateDirectories: true)
        if initialise {
            let result = try custodyd("init", "--state", state)
            guard result.status == 0 else { throw FixtureError(message: "init failed: \(result.stderr)") }
        }
    }

    @discardableResult
    func put(_ relative: String, _ bytes: [UInt8]) throws -> String {
        try directory.write(bytes, to: "source/" + relative)
        return sha256Hex(bytes)
    }

    /// `custodyd <arguments> --state STATE`.
    func run(_ arguments: String...) throws -> ProcessResult {
        try custodyd(arguments: arguments + ["--state", state])
    }

    /// Parses a command's JSON output.
    func json(_ arguments: String...) throws -> [String: Any] { try json(arguments: arguments) }

    /// Parses a command's JSON output, the arguments as an array.
    func json(arguments: [String]) throws -> [String: Any] {
        let result = try custodyd(arguments: arguments + ["--state", state, "--json"])
        guard let object = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any] else {
            throw FixtureError(message: "not a JSON object: \(result.stdout) \(result.stderr)")
        }
        return object
    }

    /// Items listed by `list --json`, keyed by source path.
    func itemsByPath() throws -> [String: [String: Any]] {
        let items = try json("list", "--limit", "100000")["items"] as? [[String: Any]] ?? []
        var out: [String: [String: Any]] = [:]
        for item in items {
            let source = item["source"] as! [String: Any]
            out[source["path"] as! String] = item
        }
        return out
    }
}

struct FixtureError: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}

import CustodyTesting
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Real Unix accounts for end-to-end access tests (root only, as CI runs): created once, kept, and
/// used through `setpriv` so the daemon sees their kernel identity on its socket.
enum UnixUsers {
    /// The group whose members may use the test daemon's socket.
    static let socketGroup = "cte-socket"

    /// Makes sure `group` exists.
    static func ensureGroup(_ group: String) throws {
        let result = try run("/usr/sbin/groupadd", ["-f", group])
        guard result.status == 0 else { throw FixtureError(message: "groupadd \(group): \(result.stderr)") }
    }

    /// Makes sure `user` exists with primary group `socketGroup` and the supplementary `groups`.
    static func ensureUser(_ user: String, groups: [String] = []) throws {
        try ensureGroup(socketGroup)
        for group in groups { try ensureGroup(group) }
        if try run("/usr/bin/id", ["-u", user]).status != 0 {
            let result = try run(
                "/usr/sbin/useradd", ["-M", "-N", "-g", socketGroup, "-s", "/usr/sbin/nologin", user])
            guard result.status == 0 || result.status == 9 else {
                throw FixtureError(message: "useradd \(user): \(result.stderr)")
            }
        }
        if !groups.isEmpty {
            let result = try run("/usr/sbin/usermod", ["-a", "-G", groups.joined(separator: ","), user])
            guard result.status == 0 else { throw FixtureError(message: "usermod \(user): \(result.stderr)") }
        }
    }

    /// Runs `custody` with `arguments` as `user` (nil: as root, this process).
    static func custody(as user: String?, socket: String, _ arguments: String...) throws -> ProcessResult {
        try custody(as: user, socket: socket, arguments)
    }

    /// Runs `custody` with `arguments` as `user` (nil: as root, this process).
    static func custody(as user: String?, socket: String, _ arguments: [String]) throws -> ProcessResult {
        let custody = BuiltProducts.directory.appendingPathComponent("custody").path
        let all = arguments + ["--socket", socket]
        guard let user else { return try run(custody, all) }
        return try run(
            "/usr/bin/setpriv", ["--reuid", user, "--regid", socketGroup, "--init-groups", "--", custody] + all)
    }

    /// Runs `custody … --json` as `user` and parses the answer.
    static func json(as user: String?, socket: String, _ arguments: String...) throws -> Any {
        try json(as: user, socket: socket, arguments)
    }

    /// Runs `custody … --json` as `user` and parses the answer.
    static func json(as user: String?, socket: String, _ arguments: [String]) throws -> Any {
        let custody = BuiltProducts.directory.appendingPathComponent("custody").path
        var command = ["--", custody] + arguments + ["--json", "--socket", socket]
        let result: ProcessResult
        if let user {
            command = ["--reuid", user, "--regid", socketGroup, "--init-groups"] + command
            result = try run("/usr/bin/setpriv", command)
        } else {
            result = try run(custody, arguments + ["--json", "--socket", socket])
        }
        guard result.status == 0 else {
            throw FixtureError(message: "custody \(arguments) as \(user ?? "root"): \(result.stderr)")
        }
        return try JSONSerialization.jsonObject(with: Data(result.stdout.utf8))
    }
}

import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// What a finished child process left.
public struct ProcessResult: Sendable {
    public var status: Int32
    public var stdout: String
    public var stderr: String
}

/// Runs the built executables of this package (end-to-end tests drive them as a user would).
public enum BuiltProducts {
    /// The directory the test bundle was built into; the executables sit beside it.
    public static var directory: URL {
        if let explicit = ProcessInfo.processInfo.environment["CUSTODY_BIN_DIR"] {
            return URL(fileURLWithPath: explicit)
        }
        var url = Bundle.main.bundleURL
        while url.path != "/" {
            if FileManager.default.isExecutableFile(atPath: url.appendingPathComponent("custodyd").path) { return url }
            url.deleteLastPathComponent()
        }
        return URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent(".build/debug")
    }

    /// The `custodyd` executable.
    public static var custodyd: String { directory.appendingPathComponent("custodyd").path }
}

/// Runs `executable` with `arguments` to completion and captures its output.
public func run(
    _ executable: String, _ arguments: [String], environment: [String: String]? = nil, input: Data? = nil
) throws -> ProcessResult {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    if let environment { process.environment = environment }
    let out = Pipe()
    let err = Pipe()
    process.standardOutput = out
    process.standardError = err
    process.standardInput = FileHandle.nullDevice
    try process.run()
    // Read both pipes to the end before waiting, so a chatty child never blocks on a full pipe.
    let errors = DataBox()
    let group = DispatchGroup()
    let errHandle = err.fileHandleForReading
    DispatchQueue.global().async(group: group) { errors.data = errHandle.readDataToEndOfFile() }
    let outData = out.fileHandleForReading.readDataToEndOfFile()
    group.wait()
    process.waitUntilExit()
    return ProcessResult(
        status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
        stderr: String(decoding: errors.data, as: UTF8.self))
}

/// Bytes handed from a reader thread; written once before `group.wait()` returns.
private final class DataBox: @unchecked Sendable {
    var data = Data()
}

/// Runs `custodyd` with `arguments`.
public func custodyd(_ arguments: String..., environment: [String: String]? = nil) throws -> ProcessResult {
    try run(BuiltProducts.custodyd, arguments, environment: environment)
}

/// Runs `custodyd` with `arguments`.
public func custodyd(arguments: [String], environment: [String: String]? = nil) throws -> ProcessResult {
    try run(BuiltProducts.custodyd, arguments, environment: environment)
}

/// A running child whose standard output is read line by line, so a test can act at a chosen line.
public final class LineReadingProcess {
    private let process = Process()
    private let output = Pipe()
    private let input: Pipe?
    private var lines: OutputLines

    /// Starts `executable`; standard error goes to /dev/null, and standard input is a pipe for
    /// `send` when `acceptsInput`, else /dev/null.
    public init(_ executable: String, _ arguments: [String], acceptsInput: Bool = false) throws {
        lines = OutputLines(output.fileHandleForReading)
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        input = acceptsInput ? Pipe() : nil
        process.standardInput = input ?? FileHandle.nullDevice
        try process.run()
    }

    /// Writes `line` and a newline to the child's standard input (when it accepts input).
    public func send(_ line: String) {
        input?.fileHandleForWriting.write(Data((line + "\n").utf8))
    }

    /// The next line, or nil at end of output.
    public func nextLine() -> String? { lines.nextLine() }

    /// Sends SIGKILL and reaps the process.
    public func kill() {
        Glibc.kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    /// Sends `number` (SIGTERM, SIGINT…) without waiting: `wait()` then gives how it ended.
    public func signal(_ number: Int32) {
        Glibc.kill(process.processIdentifier, number)
    }

    /// Waits for a normal end and returns the exit status.
    public func wait() -> Int32 {
        while nextLine() != nil {}
        process.waitUntilExit()
        return process.terminationStatus
    }

    /// Runs `executable` to its end: every line it printed, and its exit status. A crash test's probe
    /// run, which tells it how many points it can kill the same run at.
    public static func lines(of executable: String, _ arguments: [String]) throws -> (lines: [String], status: Int32) {
        let child = try LineReadingProcess(executable, arguments)
        var lines: [String] = []
        while let line = child.nextLine() { lines.append(line) }
        return (lines, child.wait())
    }

    /// Runs `executable` until it has printed `count` lines, then SIGKILLs it the moment the last of
    /// them arrives: no sleeps. Returns whether it printed that many (false: it ended first).
    public static func kill(_ executable: String, _ arguments: [String], afterLines count: Int) throws -> Bool {
        let child = try LineReadingProcess(executable, arguments)
        var seen = 0
        while seen < count, child.nextLine() != nil { seen += 1 }
        child.kill()
        return seen == count
    }
}

import Foundation

/// A running child a test converses with: it reads what the child printed (bytes or lines), writes
/// lines to its standard input, and so acts between two of the child's steps without sleeping. Its
/// standard error is collected for the result.
public final class InteractiveProcess {
    private let process = Process()
    private let input = Pipe()
    private let output = Pipe()
    private var lines: OutputLines
    private let errors = ErrorsBox()
    private let group = DispatchGroup()

    /// Starts `executable` with `arguments`, `environment` added to this process's.
    public init(_ executable: String, _ arguments: [String], environment: [String: String] = [:]) throws {
        let errorPipe = Pipe()
        lines = OutputLines(output.fileHandleForReading)
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        process.standardInput = input
        process.standardOutput = output
        process.standardError = errorPipe
        try process.run()
        let handle = errorPipe.fileHandleForReading
        let errors = errors
        DispatchQueue.global().async(group: group) { errors.data = handle.readDataToEndOfFile() }
    }

    /// Reads standard output until at least `count` bytes of it have arrived in all; false if it
    /// ended first. The bytes stay buffered for `nextLine` and `finish`.
    public func waitForOutput(bytes count: Int) -> Bool {
        while lines.bytesRead < count {
            if !lines.readMore() { return false }
        }
        return true
    }

    /// The next line of standard output, or nil at its end.
    public func nextLine() -> String? { lines.nextLine() }

    /// Writes `line` and a newline to the child's standard input.
    public func send(_ line: String) throws {
        try input.fileHandleForWriting.write(contentsOf: Data((line + "\n").utf8))
    }

    /// Closes standard input, reads standard output to its end, waits for the exit. `stdout` holds
    /// what was not yet taken by `nextLine`; `outputBytes` counts all of it.
    public func finish() -> (result: ProcessResult, outputBytes: Int) {
        try? input.fileHandleForWriting.close()
        lines.readToEnd()
        group.wait()
        process.waitUntilExit()
        let result = ProcessResult(
            status: process.terminationStatus, stdout: String(decoding: lines.pending, as: UTF8.self),
            stderr: String(decoding: errors.data, as: UTF8.self))
        return (result, lines.bytesRead)
    }
}

/// Standard error handed from its reader thread; written once before `group.wait()` returns.
private final class ErrorsBox: @unchecked Sendable {
    var data = Data()
}

import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// `custodyd run` as a child process, for end-to-end tests: its standard error is kept in a file so
/// a failing test can show it.
public final class DaemonProcess {
    private let process = Process()
    private let exited = DispatchSemaphore(value: 0)
    /// Where the daemon's standard error goes.
    public let logPath: String

    /// Starts `custodyd run --config CONFIG` with `environment` added to this process's environment.
    /// With `journalStream`, its standard error (the log file) is announced as the journal's stream,
    /// as systemd does: `JOURNAL_STREAM` holds the file's device and inode.
    public init(config: String, environment: [String: String], logPath: String, journalStream: Bool = false) throws {
        self.logPath = logPath
        _ = FileManager.default.createFile(atPath: logPath, contents: nil)
        let log = FileHandle(forWritingAtPath: logPath)
        var environment = environment
        if journalStream, let log {
            var info = stat()
            guard fstat(log.fileDescriptor, &info) == 0 else { throw FixtureFailure(message: "fstat \(logPath)") }
            environment["JOURNAL_STREAM"] = "\(info.st_dev):\(info.st_ino)"
        }
        process.executableURL = URL(fileURLWithPath: BuiltProducts.custodyd)
        process.arguments = ["run", "--config", config]
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        process.standardOutput = FileHandle.nullDevice
        process.standardError = log
        process.standardInput = FileHandle.nullDevice
        let exited = self.exited
        process.terminationHandler = { _ in exited.signal() }
        try process.run()
    }

    /// The daemon's pid.
    public var pid: Int32 { process.processIdentifier }

    /// Sends `signal`.
    public func signal(_ signal: Int32) { Glibc.kill(process.processIdentifier, signal) }

    /// Waits for the daemon to exit; returns its status (a signal's number for a killed daemon), or
    /// nil if it was still running after `timeout` seconds (a failure deadline: it is killed then).
    public func wait(timeout: Double = 120) -> Int32? {
        guard exited.wait(timeout: .now() + timeout) == .success else {
            Glibc.kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            return nil
        }
        exited.signal()  // later calls return at once
        process.waitUntilExit()
        return process.terminationStatus
    }

    /// Whether it is still running.
    public var isRunning: Bool { process.isRunning }

    /// What the daemon wrote to standard error.
    public var log: String { (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "" }

    deinit {
        if process.isRunning {
            Glibc.kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }
}

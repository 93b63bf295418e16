import CustodyTesting
import Foundation
import Logging
import Testing

@testable import CustodyDaemon

#if canImport(Glibc)
    import Glibc
#endif

/// The daemon's log lines as journald reads them: a `<N>` priority prefix when standard error is the
/// journal's stream, plain lines otherwise, metadata as `key=value`, and no way for logged text to
/// start a line of its own.
@Suite struct JournalLogHandlerTests {
    let directory: TemporaryDirectory

    init() throws { directory = try TemporaryDirectory("JournalLogHandlerTests") }

    /// A file opened for writing, and the `JOURNAL_STREAM` value systemd would give for it.
    func stream(_ name: String) throws -> (descriptor: Int32, journalStream: String) {
        let descriptor = open(directory.file(name), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o600)
        try #require(descriptor >= 0)
        var info = stat()
        try #require(fstat(descriptor, &info) == 0)
        return (descriptor, "\(info.st_dev):\(info.st_ino)")
    }

    /// Splits a stream as journald's stdout transport does: one entry per line, the priority taken
    /// from a leading `<N>` (0…7), else the default (info, 6) with the line unchanged.
    static func journalEntries(_ text: String) -> [(priority: Int, message: String)] {
        text.split(separator: "\n", omittingEmptySubsequences: true).map { line in
            if line.count >= 3, line.first == "<", let digit = line.dropFirst().first?.wholeNumberValue,
                line.dropFirst(2).first == ">", (0...7).contains(digit)
            {
                return (digit, String(line.dropFirst(3)))
            }
            return (6, String(line))
        }
    }

    @Test func theJournalStreamIsRecognisedByDeviceAndInodeOnly() throws {
        let journal = try stream("journal")
        let other = try stream("other")
        defer {
            close(journal.descriptor)
            close(other.descriptor)
        }
        let environment = ["JOURNAL_STREAM": journal.journalStream]
        #expect(JournalLogHandler.isJournalStream(descriptor: journal.descriptor, environment: environment))
        // Inherited by a process whose stderr went elsewhere: not the journal.
        #expect(!JournalLogHandler.isJournalStream(descriptor: other.descriptor, environment: environment))
        #expect(!JournalLogHandler.isJournalStream(descriptor: journal.descriptor, environment: [:]))
        #expect(
            !JournalLogHandler.isJournalStream(descriptor: journal.descriptor, environment: ["JOURNAL_STREAM": "x:y"]))
    }

    @Test func eachLevelGetsItsSyslogPriorityAndTheStructuredFields() throws {
        let journal = try stream("journal")
        var handler = JournalLogHandler(label: "custodyd", format: .journal, descriptor: journal.descriptor)
        handler.logLevel = .trace
        let logger = Logger(label: "custodyd") { _ in handler }
        let fields: Logger.Metadata = ["item.id": "01JTEST", "device.serial": "DEV0001", "bay": "usb:1-1"]
        logger.trace("trace message", metadata: fields)
        logger.debug("debug message", metadata: fields)
        logger.info("info message", metadata: fields)
        logger.notice("notice message", metadata: fields)
        logger.warning("warning message", metadata: fields)
        logger.error("error message", metadata: fields)
        logger.critical("critical message", metadata: fields)
        // Text from outside (a file name, a device's answer) cannot forge an entry of its own.
        logger.info("a name with\n<0>custodyd: forged emergency", metadata: ["bay": "x\ny"])
        close(journal.descriptor)

        let entries = Self.journalEntries(try String(contentsOfFile: directory.file("journal"), encoding: .utf8))
        #expect(entries.map(\.priority) == [7, 7, 6, 5, 4, 3, 2, 6])
        for (entry, level) in zip(entries, ["trace", "debug", "info", "notice", "warning", "error", "critical"]) {
            #expect(entry.message == "custodyd: \(level) message bay=usb:1-1 device.serial=DEV0001 item.id=01JTEST")
        }
        #expect(entries.last?.message == "custodyd: a name with\\n<0>custodyd: forged emergency bay=x\\ny")
        // What `journalctl -p warning` keeps: priorities 0…4.
        #expect(
            entries.filter { $0.priority <= 4 }.map(\.message).map { $0.split(separator: " ")[1] } == [
                "warning", "error", "critical",
            ])
    }

    @Test func aTerminalGetsPlainLinesWithoutPriorities() throws {
        let terminal = try stream("terminal")
        let handler = JournalLogHandler(label: "custodyd", format: .plain, descriptor: terminal.descriptor)
        let logger = Logger(label: "custodyd") { _ in handler }
        logger.warning("disk nearly full", metadata: ["bay": "folder:/srv/drop"])
        close(terminal.descriptor)
        let text = try String(contentsOfFile: directory.file("terminal"), encoding: .utf8)
        #expect(!text.hasPrefix("<"), "\(text)")
        #expect(
            text.hasSuffix(" warning custodyd: bay=folder:/srv/drop [CustodyDaemonTests] disk nearly full\n"), "\(text)"
        )
    }
}

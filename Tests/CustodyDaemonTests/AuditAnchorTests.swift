import Catalog
import CustodyCore
import CustodyDaemon
import CustodyTesting
import Foundation
import Logging
import SystemPackage
import Testing

/// Anchors of the audit chain head: the anchor file, the journal entry, the configuration, and a
/// catalog checked against them.
@Suite struct AuditAnchorTests {
    let directory: TemporaryDirectory
    let catalog: EvidenceCatalog

    init() throws {
        directory = try TemporaryDirectory("AuditAnchorTests")
        catalog = try EvidenceCatalog.create(
            path: directory.file("catalog.sqlite"), actor: AuditActor(uid: 1000, name: "alice"),
            keyFingerprint: [UInt8](repeating: 7, count: 16))
        try catalog.audit([AuditEvent(action: .daemonStarted)])
    }

    @Test func anAnchorFileRoundTripsAndNamesLinesThatAreNotAnchors() throws {
        let file = FilePath(directory.file("anchors.jsonl"))
        let first = try #require(try catalog.auditAnchor())
        try AnchorFile.append(first, to: file)
        try catalog.audit([AuditEvent(action: .daemonStopped)])
        let second = try #require(try catalog.auditAnchor())
        try AnchorFile.append(second, to: file)
        let handle = try #require(FileHandle(forWritingAtPath: file.string))
        handle.seekToEndOfFile()
        handle.write(Data("not an anchor\n".utf8))
        try handle.close()
        let read = try AnchorFile.read(from: file)
        #expect(read.anchors == [first, second])
        #expect(read.malformedLines == [3])
        #expect(first.sequence == 2 && second.sequence == 3 && first.chain == second.chain)
        #expect(try catalog.check(anchors: read.anchors).allSatisfy { $0.problem == nil })
    }

    @Test func anAnchorBeyondTheChainOrContradictingItIsNamed() throws {
        let head = try #require(try catalog.auditAnchor())
        var beyond = head
        beyond.sequence += 5
        var contradicting = head
        contradicting.hash = String(repeating: "0", count: 64)
        var otherChain = head
        otherChain.chain = String(repeating: "1", count: 64)
        let findings = try catalog.check(anchors: [beyond, contradicting, otherChain]).map { $0.problem ?? "" }
        #expect(findings[0].contains("cut off its end"))
        #expect(findings[1].contains("were rewritten"))
        #expect(findings[2].contains("the chain was replaced"))
    }

    @Test func theJournalEntryCarriesTheAnchorAndIsReadBack() throws {
        let listener = try NotifyListener(path: directory.file("journal.sock"))
        let anchor = try #require(try catalog.auditAnchor())
        #expect(JournalAnchors.publish(anchor, socketPath: listener.path))
        #expect(listener.waitFor("CUSTODY_AUDIT_SEQ=\(anchor.sequence)"))
        let fields = try #require(listener.messages.last)
        #expect(fields.contains("MESSAGE_ID=\(JournalAnchors.messageID)\n"))
        #expect(fields.contains("CUSTODY_AUDIT_HASH=\(anchor.hash)\n"))
        // As `journalctl -o json` prints the entry (one object a line, every field a string).
        var object: [String: String] = ["__CURSOR": "s=1", "MESSAGE": "other"]
        for line in fields.split(separator: "\n") {
            let parts = line.split(separator: "=", maxSplits: 1).map(String.init)
            object[parts[0]] = parts[1]
        }
        let json = String(decoding: try JSONSerialization.data(withJSONObject: object), as: UTF8.self)
        #expect(JournalAnchors.anchors(inJournalJSON: "{\"MESSAGE\":\"unrelated\"}\n" + json + "\n") == [anchor])
    }

    @Test func theDaemonPublisherWritesTheHeadToTheConfiguredFile() throws {
        var configuration = DaemonConfiguration.Audit()
        configuration.anchorFile = FilePath(directory.file("published.jsonl"))
        configuration.journal = false
        let anchoring = AuditAnchoring(
            configuration: configuration, catalog: catalog, logger: Logger(label: "test"))
        let published = try #require(anchoring.publish())
        #expect(try AnchorFile.read(from: configuration.anchorFile!).anchors == [published])
    }

    @Test func theAuditTableConfiguresAnchoring() throws {
        let configuration = try ConfigurationFile.parse(
            text:
                "[audit]\nanchor_file = \"/mnt/anchors/station1.jsonl\"\nanchor_interval_minutes = 5\njournal = false\n",
            path: "custodyd.toml", environment: [:])
        #expect(configuration.audit.anchorFile == "/mnt/anchors/station1.jsonl")
        #expect(configuration.audit.anchorIntervalSeconds == 300)
        #expect(configuration.audit.journal == false)
        let defaults = try ConfigurationFile.parse(text: "", path: "custodyd.toml", environment: [:]).audit
        #expect(defaults == DaemonConfiguration.Audit())
        #expect(defaults.anchorFile == nil && defaults.anchorIntervalSeconds == 900 && defaults.journal)
        #expect(throws: ConfigurationError.self) {
            try ConfigurationFile.parse(
                text: "[audit]\nanchor_file = \"relative.jsonl\"\n", path: "custodyd.toml", environment: [:])
        }
        #expect(throws: ConfigurationError.self) {
            try ConfigurationFile.parse(
                text: "[audit]\nanchor_interval_minutes = 0\n", path: "custodyd.toml", environment: [:])
        }
    }
}

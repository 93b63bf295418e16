import Foundation
import Ingest

/// Prints import events: a line per file for people, or NDJSON for scripts and tests.
public struct ImportEventPrinter: Sendable {
    let json: Bool
    let quiet: Bool

    /// A printer of NDJSON (`json`) or of lines for people; `quiet` prints no lines.
    public init(json: Bool, quiet: Bool) {
        self.json = json
        self.quiet = quiet
    }

    /// Prints what recovery did before the import.
    public func recovery(_ report: Recovery.Report) {
        guard !quiet else { return }
        let line =
            "recovered: \(report.temporaryObjectsRemoved) partial objects removed, \(report.intentsDiscarded) uncatalogued objects removed, \(report.itemsVerified) items verified, \(report.itemsDiscarded) items discarded"
        json ? emit(["event": "recovered", "detail": line]) : Swift.print(line)
    }

    /// Prints one event.
    public func print(_ event: ImportEvent) {
        if json {
            emit(Self.fields(of: event))
        } else if !quiet {
            switch event {
            case .verified(let path, let id, let sha256, _):
                Swift.print("verified  \(id)  \(sha256.hex.prefix(16))  \(path.displayString)")
            case .duplicate(let path, let existing):
                Swift.print("stored    \(existing)  (already)  \(path.displayString)")
            case .skipped(let path, let reason): Swift.print("skipped   \(path.displayString): \(reason)")
            case .failed(let path, let reason): Swift.print("FAILED    \(path.displayString): \(reason)")
            case .wiped(let path, let id): Swift.print("wiped     \(id)  \(path.displayString)")
            case .kept(let path, let reason): Swift.print("KEPT      \(path.displayString): \(reason)")
            default: break
            }
        }
    }

    /// Prints the run's summary as the stream's last event, one line like every other:
    /// `{"event": "summary", "verified": 3, …}` with the fields of `ImportSummaryView` (docs/cli-json.md),
    /// so the whole output stays NDJSON to its last line.
    /// - Throws: the encoder's error.
    public func summary(_ view: ImportSummaryView) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var line = try encoder.encode(SummaryEvent(summary: view))
        line.append(0x0a)
        FileHandle.standardOutput.write(line)
    }

    /// The summary with `"event": "summary"` beside its own fields.
    private struct SummaryEvent: Encodable {
        let summary: ImportSummaryView

        enum CodingKeys: String, CodingKey { case event }

        func encode(to encoder: any Encoder) throws {
            try summary.encode(to: encoder)
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode("summary", forKey: .event)
        }
    }

    private func emit(_ fields: [String: String]) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var line = (try? encoder.encode(fields)) ?? Data()
        line.append(0x0a)
        // Unbuffered, so a reader (or a test that kills us at an event) sees each event as it happens.
        FileHandle.standardOutput.write(line)
    }

    /// The event as the fields of its JSON line.
    public static func fields(of event: ImportEvent) -> [String: String] {
        switch event {
        case .reading(let path, let size): ["event": "reading", "path": path.displayString, "size": "\(size)"]
        case .progress(let path, let bytes): ["event": "progress", "path": path.displayString, "bytes": "\(bytes)"]
        case .sealed(let path, let id): ["event": "sealed", "path": path.displayString, "id": id.description]
        case .intentsRecorded(let count): ["event": "intents", "count": "\(count)"]
        case .renamed(let count): ["event": "renamed", "count": "\(count)"]
        case .stored(let count): ["event": "stored", "count": "\(count)"]
        case .verified(let path, let id, let sha256, let size):
            [
                "event": "verified", "path": path.displayString, "id": id.description, "sha256": sha256.hex,
                "size": "\(size)",
            ]
        case .duplicate(let path, let existing):
            ["event": "duplicate", "path": path.displayString, "id": existing.description]
        case .skipped(let path, let reason): ["event": "skipped", "path": path.displayString, "reason": reason]
        case .failed(let path, let reason): ["event": "failed", "path": path.displayString, "reason": reason]
        case .wiped(let path, let id): ["event": "wiped", "path": path.displayString, "id": id.description]
        case .kept(let path, let reason): ["event": "kept", "path": path.displayString, "reason": reason]
        }
    }
}

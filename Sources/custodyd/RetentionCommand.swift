import ArgumentParser
import Catalog
import CustodyCommandLine
import CustodyCore
import CustodyDaemon
import Foundation

/// `custodyd retention run`: the retention and shred passes now, with the daemon stopped.
struct RetentionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "retention",
        abstract: "Run the daemon's retention and shred passes once, now, while the daemon is stopped.",
        subcommands: [RetentionRunCommand.self])
}

struct RetentionRunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Finish interrupted shreds, mark due items, shred trashed items whose grace period ended.",
        discussion: """
            What `custodyd run` does at start, for a dock kept off or a store just restored. Needs no key. \
            Refused while the daemon runs (it holds the store). Grace periods, holds and approvals are \
            enforced by the catalog, at the real time; nothing is shredded early. An item whose stored \
            due date is not the one its retention gives is neither marked nor unmarked: it is printed \
            (SKIPPED), audited (retention.skipped), and the exit status is 1.
            """)

    @OptionGroup var options: StateOptions

    @Flag(help: "Print one JSON line per step (batches, shred commits, WAL truncation, objects).")
    var events = false

    func run() throws {
        let state = try options.open(needsKey: false)
        let result = try DeletionPassRun(state: state, logger: commandLogger).run { event in
            guard events else { return }
            Self.print(event)
        }
        if events {
            Self.emit([
                "event": "done", "marked": result.marked, "cleared": result.cleared, "skipped": result.skipped.count,
                "shredded": result.shredded,
            ])
        } else {
            for item in result.skipped {
                Swift.print(
                    "SKIPPED \(item.itemID): stored due date \(Self.text(item.stored)), its retention gives \(Self.text(item.recomputed)); left as it was"
                )
            }
            Swift.print("\(result.marked) items marked due, \(result.cleared) unmarked, \(result.shredded) shredded")
            if !result.skipped.isEmpty {
                Swift.print(
                    "\(result.skipped.count) items skipped: their stored due date is not the one their retention gives (the catalog was changed outside Custody?); `custodyd audit verify` names them, docs/retention.md says what to do"
                )
            }
        }
        // Exit status 1: the pass ran but found problems.
        if !result.skipped.isEmpty { throw ExitCode(1) }
    }

    static func text(_ date: Date?) -> String { date.map(RFC3339.string) ?? "never" }

    static func print(_ event: DeletionPassRun.Event) {
        switch event {
        case .interruptedFinished: emit(["event": "interrupted.finished"])
        case .marked(let marked, let cleared): emit(["event": "retention.batch", "marked": marked, "cleared": cleared])
        case .skipped(let item):
            emit([
                "event": "retention.skipped", "id": item.itemID, "stored": text(item.stored),
                "recomputed": text(item.recomputed),
            ])
        case .shred(.committed(let count)): emit(["event": "shred.committed", "items": count])
        case .shred(.walTruncated(let done)): emit(["event": "shred.truncated", "done": done])
        case .shred(.objectShredded(let hash)): emit(["event": "shred.object", "ciphertext_sha256": hash.hex])
        }
    }

    /// One NDJSON line, flushed at once: a test kills this process on a line.
    static func emit(_ fields: [String: any Sendable]) {
        guard let data = try? JSONSerialization.data(withJSONObject: fields, options: [.sortedKeys]) else { return }
        FileHandle.standardOutput.write(data + Data("\n".utf8))
    }
}

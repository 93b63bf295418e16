import Catalog
import Foundation
import SystemPackage

/// `custodyd audit verify`: the chain walked, the catalog cross-checked against it, and the chain
/// checked against anchors published outside the state directory (docs/audit-log.md). Reads only, and
/// needs no key, so anyone who can read a copy of the state directory can run it.
public struct AuditVerification {
    /// One anchor that the chain no longer contains or contradicts.
    public struct AnchorProblem: Sendable, Equatable, Codable {
        /// Where the anchor came from: the anchor file's path, or `journal`.
        public var source: String
        public var sequence: Int64
        public var hash: String
        public var at: String
        public var problem: String

        enum CodingKeys: String, CodingKey {
            case source, hash, at, problem
            case sequence = "seq"
        }
    }

    /// Everything one verification found.
    public struct Report: Sendable, Equatable, Encodable {
        /// Entries that verify, from entry 1.
        public var entries: Int64
        /// The hash of the last entry that verifies.
        public var head: String
        /// The first entry that does not verify, and why.
        public var firstBroken: Int64?
        public var reason: String?
        /// Where the catalog disagrees with the chain.
        public var discrepancies: [AuditDiscrepancy]
        /// Items whose stored due date is not the one their retention gives (docs/retention.md).
        public var dueDates: [DueDateDisagreement]
        /// Anchors read, and those that no longer match.
        public var anchorsChecked: Int
        public var anchorProblems: [AnchorProblem]
        /// Lines of anchor files that are not anchors (`FILE:LINE`).
        public var malformedAnchorLines: [String]

        /// True when nothing is wrong.
        public var ok: Bool {
            firstBroken == nil && discrepancies.isEmpty && dueDates.isEmpty && anchorProblems.isEmpty
                && malformedAnchorLines.isEmpty
        }

        enum CodingKeys: String, CodingKey {
            case entries, head, reason, discrepancies, ok
            case firstBroken = "first_broken"
            case dueDates = "due_dates"
            case anchorsChecked = "anchors_checked"
            case anchorProblems = "anchor_problems"
            case malformedAnchorLines = "malformed_anchor_lines"
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(entries, forKey: .entries)
            try container.encode(head, forKey: .head)
            try container.encode(firstBroken, forKey: .firstBroken)
            try container.encode(reason, forKey: .reason)
            try container.encode(discrepancies, forKey: .discrepancies)
            try container.encode(dueDates, forKey: .dueDates)
            try container.encode(anchorsChecked, forKey: .anchorsChecked)
            try container.encode(anchorProblems, forKey: .anchorProblems)
            try container.encode(malformedAnchorLines, forKey: .malformedAnchorLines)
            try container.encode(ok, forKey: .ok)
        }
    }

    let catalog: EvidenceCatalog

    /// A verification of `catalog`.
    public init(catalog: EvidenceCatalog) { self.catalog = catalog }

    /// Runs every check.
    /// - Parameters:
    ///   - anchorFiles: Anchor files to check the chain against.
    ///   - journal: Whether to read anchors from the systemd journal too.
    /// - Throws: `CatalogError` when the catalog cannot be read; `DaemonError.anchor` when an anchor
    ///   file or the journal cannot be read.
    public func run(anchorFiles: [FilePath], journal: Bool) throws -> Report {
        let chain = try catalog.verifyAuditChain()
        var report = Report(
            entries: chain.entries, head: chain.headHash, firstBroken: chain.firstBroken?.sequence,
            reason: chain.firstBroken?.reason, discrepancies: try catalog.crossCheckAuditChain(),
            dueDates: try catalog.dueDateDisagreements(), anchorsChecked: 0, anchorProblems: [],
            malformedAnchorLines: [])
        var sources: [(String, [AuditAnchor])] = []
        for file in anchorFiles {
            let read = try AnchorFile.read(from: file)
            sources.append((file.string, read.anchors))
            report.malformedAnchorLines += read.malformedLines.map { "\(file):\($0)" }
        }
        if journal { sources.append(("journal", try JournalAnchors.read())) }
        for (source, anchors) in sources {
            report.anchorsChecked += anchors.count
            for finding in try catalog.check(anchors: anchors) {
                guard let problem = finding.problem else { continue }
                report.anchorProblems.append(
                    AnchorProblem(
                        source: source, sequence: finding.anchor.sequence, hash: finding.anchor.hash,
                        at: finding.anchor.at, problem: problem))
            }
        }
        return report
    }
}

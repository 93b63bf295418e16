import Catalog
import CustodyCore
import EvidenceStore
import Foundation

/// Re-checks stored evidence (invariant 4 of ../shared/DESIGN.md §1).
///
/// A shallow check hashes every object file and compares it with the hash recorded at ingest (no key
/// needed). A deep check also decrypts every segment and compares the plaintext SHA-256. Both also
/// look for objects on disk that no item claims. The outcome is audited.
public struct FixityCheck {
    /// One item or object that failed.
    public struct Problem: Sendable, Equatable, Codable {
        /// The item, when the problem is with a catalogued item.
        public var itemID: String?
        /// The object file.
        public var object: String
        /// What is wrong.
        public var problem: String

        enum CodingKeys: String, CodingKey {
            case itemID = "id"
            case object, problem
        }
    }

    /// What a check found.
    public struct Report: Sendable, Equatable, Codable {
        public var deep: Bool
        public var checked: Int
        public var passed: Int
        public var problems: [Problem]
        /// Objects of shredded items that a crash left on disk (their keys are erased, so they are
        /// unreadable); the next start of the daemon, or `custodyd retention run`, removes them.
        public var shredPending = 0
        /// A deep check's items whose stored due date is not the one their retention gives (as `audit
        /// verify` reports them; docs/retention.md). Not decoded: a reader of the JSON has `ok`.
        public var dueDates: [DueDateDisagreement] = []
        /// True when nothing is wrong.
        public var ok: Bool { problems.isEmpty && dueDates.isEmpty }

        enum CodingKeys: String, CodingKey {
            case deep, checked, passed, problems, ok
            case shredPending = "shred_pending"
            case dueDates = "due_dates"
        }

        public init(deep: Bool, checked: Int, passed: Int, problems: [Problem]) {
            self.deep = deep
            self.checked = checked
            self.passed = passed
            self.problems = problems
        }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            self.init(
                deep: try container.decode(Bool.self, forKey: .deep),
                checked: try container.decode(Int.self, forKey: .checked),
                passed: try container.decode(Int.self, forKey: .passed),
                problems: try container.decode([Problem].self, forKey: .problems))
            shredPending = try container.decodeIfPresent(Int.self, forKey: .shredPending) ?? 0
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(deep, forKey: .deep)
            try container.encode(checked, forKey: .checked)
            try container.encode(passed, forKey: .passed)
            try container.encode(problems, forKey: .problems)
            try container.encode(ok, forKey: .ok)
            try container.encode(shredPending, forKey: .shredPending)
            if deep { try container.encode(dueDates, forKey: .dueDates) }
        }
    }

    private let state: StateDirectory

    /// Creates a check over `state`.
    public init(state: StateDirectory) { self.state = state }

    /// Checks every item; `deep` also decrypts. `progress` is called after each item.
    /// - Throws: `CatalogError` or `StoreError` only when the sweep itself cannot run.
    public func run(deep: Bool, progress: (Int) -> Void = { _ in }) throws -> Report {
        let verifier = ObjectVerifier(store: state.store)
        let key = deep ? try state.requireKey() : nil
        var report = Report(deep: deep, checked: 0, passed: 0, problems: [])
        var known = Set<String>()
        try state.catalog.forEachItem { items in
            for item in items {
                known.insert(item.ciphertextSHA256.hex)
                report.checked += 1
                do {
                    if let key {
                        let dataKey = try key.unwrap(item.wrappedKey, for: item.id)
                        try verifier.verifyContent(
                            objectHash: item.ciphertextSHA256, plaintextHash: item.sha256, size: item.size, id: item.id,
                            dataKey: dataKey)
                    } else {
                        try verifier.verifyObjectHash(item.ciphertextSHA256, id: item.id)
                    }
                    report.passed += 1
                } catch {
                    report.problems.append(
                        Problem(
                            itemID: item.id.description,
                            object: state.store.objectPath(for: item.ciphertextSHA256).string,
                            problem: "\(error)"))
                }
                progress(report.checked)
            }
        }
        // Objects with a recorded intent belong to an import in progress (or to recovery): not strays.
        known.formUnion(try state.catalog.pendingObjects().map(\.ciphertextSHA256.hex))
        for entry in try state.store.objectTree() {
            if let hash = entry.hash {
                guard !known.contains(hash.hex) else { continue }
                // Looked up one by one: objects nothing live claims are few, tombstones many.
                if try state.catalog.isTombstoneObject(hash) {
                    report.shredPending += 1
                    continue
                }
                report.problems.append(
                    Problem(itemID: nil, object: entry.path.string, problem: "an object no catalogued item claims"))
            } else {
                report.problems.append(
                    Problem(itemID: nil, object: entry.path.string, problem: entry.misplaced ?? "not an object"))
            }
        }
        // The issue that added it: a due date edited in the catalog went unnoticed by `verify --deep`.
        // The deep check is the one an operator runs after a restore, so it recomputes every due date
        // too, as `audit verify` does (docs/retention.md); the shallow one stays a check of objects.
        if deep { report.dueDates = try state.catalog.dueDateDisagreements() }
        var detail = [
            "checked": "\(report.checked)", "passed": "\(report.passed)", "problems": "\(report.problems.count)",
        ]
        if deep { detail["due_dates"] = "\(report.dueDates.count)" }
        var events = [AuditEvent(action: deep ? AuditAction.fixityDeep : .fixityChecked, detail: detail)]
        events += report.problems.map { problem in
            AuditEvent(
                action: .fixityFailed, itemID: problem.itemID.flatMap(EvidenceID.init),
                detail: ["object": problem.object, "problem": problem.problem])
        }
        // A read-only catalog (a copy, a user who may only read) cannot record the check.
        if !state.catalog.isReadOnly {
            try state.catalog.audit(events)
            // The failure stays visible on the item (`list --fixity-failed`, `show`, `status`), not only in the log.
            for id in Set(report.problems.compactMap { $0.itemID.flatMap(EvidenceID.init) }) {
                try state.catalog.recordFixityFailure(id, at: Date(), events: [])
            }
        }
        return report
    }
}

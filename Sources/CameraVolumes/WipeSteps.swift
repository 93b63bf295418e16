import CustodyCore

/// How a FAT or exFAT volume deletes files, set when it is opened (`VolumeOpener.open`).
public struct WipeOptions: Sendable {
    /// Where the wipe keeps its journal; without one, a wipe interrupted between deleting entries and
    /// freeing clusters leaves lost clusters that only fsck reclaims.
    public var journal: WipeJournal?
    /// Zero the clusters of wiped files before freeing them (profile `wipe = "overwrite"`): footage is
    /// then unreadable on a reissued camera, at the cost of writing the files' size to the card again.
    /// The default only unlinks: the data stays on the card until the camera overwrites it.
    public var overwrite: Bool
    /// Test hook: the wipe stops, as a crash would, after this many writes to the card.
    var fault: WriteFault?

    /// Creates options.
    public init(journal: WipeJournal? = nil, overwrite: Bool = false) {
        self.journal = journal
        self.overwrite = overwrite
    }
}

/// One file's deletion, as planned before anything is written and as the journal keeps it.
struct WipeStep: Codable, Equatable {
    /// The file's path bytes (for reports).
    var path: [UInt8]
    /// Device offsets of its 32-byte directory entries (FAT: long names then the short entry; exFAT:
    /// the file entry first).
    var slots: [Int64]
    /// Those entries' bytes as read before the wipe.
    var entries: [UInt8]
    /// Its clusters, as runs of consecutive ones.
    var spans: [Span]
    /// exFAT only: the clusters are not chained in the FAT (nothing to free there).
    var noFatChain: Bool

    struct Span: Codable, Equatable {
        var first: UInt32
        var count: UInt32
        var clusters: Range<UInt32> { first..<(first + count) }
    }

    /// The entry bytes as they read once the wipe marked them deleted.
    func deletedEntries(_ mark: (UInt8) -> UInt8) -> [UInt8] {
        var bytes = entries
        for index in stride(from: 0, to: bytes.count, by: 32) { bytes[index] = mark(bytes[index]) }
        return bytes
    }

    var displayPath: String { RawPath(bytes: path).displayString }
    /// The slot that names the file (FAT's short entry, exFAT's file entry): how a walk finds it.
    var key: Int64
}

/// What the journal holds for one volume.
struct WipeJournalEntry: Codable {
    var format = 1
    var steps: [WipeStep]
    var overwrite: Bool
}

/// The parts of a journaled wipe every filesystem shares.
enum JournaledWipe {
    /// The journal key of the volume whose boot sector is `boot`, at `start` for `length` bytes.
    static func key(kind: String, boot: [UInt8], start: Int64, length: Int64) -> String {
        "\(kind)-\(start)-\(length)-\(String(CRC32.checksum(boot), radix: 16))"
    }

    /// What an interrupted wipe of volume `key` left to finish: whether there was a journal, and its
    /// steps that can still be finished (`resumable`).
    /// - Throws: `VolumeError.wipeFailed` when the journal cannot be read.
    static func interrupted(
        _ options: WipeOptions, key: String, on device: BlockDevice, mark: (UInt8) -> UInt8, report: inout WipeReport
    ) throws -> (found: Bool, steps: [WipeStep]) {
        guard let entry = try options.journal?.load(WipeJournalEntry.self, key: key) else { return (false, []) }
        return (true, resumable(entry.steps, on: device, mark: mark, report: &report))
    }

    /// The interrupted steps and this wipe's: a file both name is this wipe's (it was asked for).
    static func merge(_ resumed: [WipeStep], _ asked: [(file: VolumeFile?, step: WipeStep)])
        -> [(file: VolumeFile?, step: WipeStep)]
    {
        let keys = Set(asked.map(\.step.key))
        return resumed.filter { !keys.contains($0.key) }.map { (file: VolumeFile?.none, step: $0) } + asked
    }

    /// Records in `report` what `plans` deleted: asked-for files as `wiped`, an interrupted wipe's as
    /// `completed`.
    static func report(_ plans: [(file: VolumeFile?, step: WipeStep)], into report: inout WipeReport) {
        report.wiped = plans.compactMap { $0.file?.path }
        report.completed = plans.filter { $0.file == nil }.map { RawPath(bytes: $0.step.path) }
    }

    /// The steps of an interrupted wipe that can still be finished: each of a file's entries must read
    /// as the journal left it, before or after marking (a crash can fall between two of them). One
    /// that changed since (the card was used, or repaired) is reported and left as it is.
    static func resumable(
        _ steps: [WipeStep], on device: BlockDevice, mark: (UInt8) -> UInt8, report: inout WipeReport
    ) -> [WipeStep] {
        steps.filter { step in
            let deleted = step.deletedEntries(mark)
            let intact = step.slots.indices.allSatisfy { index in
                let range = (index * 32)..<(index * 32 + 32)
                guard let now = try? device.read(at: step.slots[index], count: 32, for: "a journaled directory entry")
                else { return false }
                return now[...] == step.entries[range] || now[...] == deleted[range]
            }
            if intact { return true }
            report.kept.append(
                .init(
                    path: RawPath(bytes: step.path),
                    reason:
                        "an interrupted wipe of it was not finished: its directory entries changed since; run fsck on the card to reclaim its clusters"
                ))
            return false
        }
    }

    /// Writes zeros over every cluster of `steps` (the `overwrite` option), in writes of at most 4 MiB.
    static func zero(
        _ steps: [WipeStep], clusterSize: Int, offset: (UInt32) -> Int64, region: DeviceRegion,
        to writable: WritableDevice
    ) throws {
        let chunk = 4 << 20
        let zeros = [UInt8](repeating: 0, count: chunk)
        for step in steps {
            for span in step.spans {
                var at = offset(span.first)
                var left = Int64(span.count) * Int64(clusterSize)
                try region.checkInside(at, count: left, "the clusters of \(step.displayPath)")
                while left > 0 {
                    let count = Int(min(Int64(chunk), left))
                    try writable.write(
                        count == chunk ? zeros : Array(zeros[..<count]), at: at,
                        for: "the clusters of \(step.displayPath)")
                    at += Int64(count)
                    left -= Int64(count)
                }
            }
        }
    }
}

extension [ClusterRun] {
    var spans: [WipeStep.Span] { map { WipeStep.Span(first: $0.first, count: $0.count) } }
}

import CustodyCore
import Foundation

/// An exFAT volume read from a block device or image: the allocation bitmap, the up-case table, entry
/// sets checked by their checksums and name hashes, contiguous (`NoFatChain`) files and FAT chains.
///
/// As for FAT, every read is positioned and bounds-checked, chains are bounded and cross-links caught;
/// a damaged entry set or directory is reported and the walk goes on.
public final class ExFATVolume: CameraVolume {
    /// Where a file's entry set is, and what it said when the walk read it.
    struct Location {
        /// The volume that found the file: another volume's entries are never read or written here.
        var volume: UInt64
        /// The device offset of each 32-byte entry of the set, the file entry first.
        var slots: [Int64]
        /// The entry set's bytes as read.
        var set: [UInt8]
        var stream: Stream
    }

    /// The allocation fields of a stream extension entry.
    struct Stream {
        var firstCluster: UInt32
        var noFatChain: Bool
        var validDataLength: Int64
        var dataLength: Int64
    }

    /// The largest directory read (the spec allows 256 MiB; a camera's folders are far smaller).
    static let maxDirectoryBytes = 64 << 20
    static let maxDepth = 128

    public let root: String
    public let partition: Partition
    let boot: ExFATBootSector
    /// Why the main boot region was not used, when the backup was; such a volume is never written.
    let bootDamage: String?
    let region: DeviceRegion
    let table: AllocationTable
    let clock: VolumeClock
    /// How `wipe` deletes (journal, overwrite), set by `VolumeOpener`.
    var wipeOptions = WipeOptions()
    /// The up-case table: `upcase[unit]` is the up-cased code unit.
    private(set) var upcase: [UInt16] = []
    /// The allocation bitmap of the active FAT: first cluster and length in bytes.
    private(set) var bitmap: (firstCluster: UInt32, length: Int64)?
    private var claimed: ClusterSet
    /// This volume object, in the locations of the files it lists (random: an address can be reused).
    let token = UInt64.random(in: .min ... .max)
    /// Files opened since the walk began (directory-entry offset to first cluster): opening one again
    /// is not a cross-link.
    private var opened: [Int64: UInt32] = [:]

    public var summary: String {
        "exFAT volume (\(partition.scheme == "none" ? "unpartitioned" : "\(partition.scheme) partition \(partition.number)"), \(boot.clusterCount) clusters of \(boot.clusterSize) bytes) on \(root)"
            + (partition.damage + [bootDamage].compactMap { $0 }).map { "; \($0)" }.joined()
    }

    init(region: DeviceRegion, partition: Partition, clock: VolumeClock) throws {
        let source =
            "\(region.device.path) (\(partition.scheme == "none" ? "whole device" : "\(partition.scheme) partition \(partition.number)"))"
        (boot, bootDamage) = try ExFATBootRegion.read(region, source: source)
        self.region = region
        self.partition = partition
        self.root = region.device.path
        self.clock = clock
        let boot = self.boot
        var copies = (0..<boot.fatCount).map { boot.fatByteOffset($0) }
        if boot.activeFAT == 1 { copies.reverse() }
        table = AllocationTable(region: region, copies: copies, width: .exfat, clusterCount: boot.clusterCount)
        claimed = ClusterSet(clusterCount: boot.clusterCount)
        try readRootMetadata()
    }

    var heapStart: Int64 { region.start + boot.heapByteOffset }
    /// The clusters claimed since the last walk began (directories, and files opened).
    var claimedClusters: ClusterSet { claimed }
    func clusterOffset(_ cluster: UInt32) -> Int64 { heapStart + Int64(cluster - 2) * Int64(boot.clusterSize) }

    /// Finds the allocation bitmap and loads the up-case table from the root directory.
    private func readRootMetadata() throws {
        let rootData = try rootDirectory()
        let bytes = rootData.bytes
        var upcaseEntry: (checksum: UInt32, first: UInt32, length: Int64)?
        var index = 0
        while index + 32 <= bytes.count, bytes[index] != 0 {
            defer { index += 32 }
            switch bytes[index] {
            case 0x81:
                let which = Int(bytes[index + 1] & 1)
                if which == boot.activeFAT || bitmap == nil {
                    bitmap = (bytes.u32(index + 20), Int64(clamping: bytes.u64(index + 24)))
                }
            case 0x82:
                upcaseEntry = (bytes.u32(index + 4), bytes.u32(index + 20), Int64(clamping: bytes.u64(index + 24)))
            default: break
            }
        }
        guard let bitmap, bitmap.length >= (Int64(boot.clusterCount) + 7) / 8, bitmap.length <= 1 << 29 else {
            throw VolumeError.corrupt(
                "\(root): the exFAT root directory has no usable allocation bitmap entry; the volume is corrupt")
        }
        guard let upcaseEntry, upcaseEntry.length >= 2, upcaseEntry.length <= 128 << 10, upcaseEntry.length % 2 == 0
        else {
            throw VolumeError.corrupt(
                "\(root): the exFAT root directory has no usable up-case table entry; the volume is corrupt")
        }
        let needed = (upcaseEntry.length + Int64(boot.clusterSize) - 1) / Int64(boot.clusterSize)
        let runs = try table.runs(from: upcaseEntry.first, needed: needed, what: "the up-case table")
        var raw: [UInt8] = []
        for run in runs {
            raw += try region.read(
                at: clusterOffset(run.first), count: Int(run.count) * boot.clusterSize, for: "the up-case table")
        }
        raw = Array(raw.prefix(Int(upcaseEntry.length)))
        var sum: UInt32 = 0
        for byte in raw { sum = (sum & 1 == 1 ? 0x8000_0000 : 0) &+ (sum >> 1) &+ UInt32(byte) }
        guard sum == upcaseEntry.checksum else {
            throw VolumeError.corrupt("\(root): the exFAT up-case table fails its checksum; the volume is corrupt")
        }
        var map = (0...0xffff).map { UInt16($0) }
        let count = raw.count / 2
        var position = 0
        var unit = 0
        while unit < count, position <= 0xffff {
            let value = raw.u16(unit * 2)
            if value == 0xffff, unit + 1 < count {
                position += Int(raw.u16(unit * 2 + 2))  // a run of code units that map to themselves
                unit += 2
            } else {
                map[position] = value
                position += 1
                unit += 1
            }
        }
        upcase = map
    }

    /// The exFAT name hash of a name's UTF-16 units, through the up-case table.
    func nameHash(_ units: [UInt16]) -> UInt16 {
        var hash: UInt16 = 0
        for unit in units {
            let up = upcase[Int(unit)]
            for byte in [UInt8(up & 0xff), UInt8(up >> 8)] {
                hash = (hash & 1 == 1 ? 0x8000 : 0) &+ (hash >> 1) &+ UInt16(byte)
            }
        }
        return hash
    }

    // MARK: - Walking

    public func walk(_ visit: (VolumeItem) throws -> Void) throws {
        claimed.reset()
        opened = [:]
        let data = try rootDirectory()
        if let shared = claimed.claim(data.runs) {
            throw VolumeError.corrupt("the root directory's chain uses cluster \(shared) twice; the volume is corrupt")
        }
        try walk(data, path: RawPath(bytes: []), depth: 0, visit)
    }

    private func rootDirectory() throws -> Directory {
        let maxClusters = max(1, Self.maxDirectoryBytes / boot.clusterSize)
        let clusters = try table.chain(from: boot.rootCluster, maxClusters: maxClusters, what: "the root directory")
        return try read(coalesce(clusters), length: nil, name: "the root directory")
    }

    /// A directory's bytes, and the cluster runs they came from.
    struct Directory {
        var bytes: [UInt8]
        var runs: [ClusterRun]
        var clusterSize: Int
        var heapStart: Int64

        func deviceOffset(of index: Int) -> Int64 {
            var remaining = Int64(index)
            for run in runs {
                let bytes = Int64(run.count) * Int64(clusterSize)
                if remaining < bytes { return heapStart + Int64(run.first - 2) * Int64(clusterSize) + remaining }
                remaining -= bytes
            }
            preconditionFailure("directory offset \(index) beyond its data")
        }
    }

    private func read(_ runs: [ClusterRun], length: Int64?, name: String) throws -> Directory {
        var bytes: [UInt8] = []
        for run in runs {
            bytes += try region.read(
                at: clusterOffset(run.first), count: Int(run.count) * boot.clusterSize, for: name)
        }
        if let length { bytes = Array(bytes.prefix(Int(length))) }
        return Directory(bytes: bytes, runs: runs, clusterSize: boot.clusterSize, heapStart: heapStart)
    }

    /// The cluster runs of a stream (a file's or a directory's data).
    func runs(of stream: Stream, what: @autoclosure () -> String) throws -> [ClusterRun] {
        // Divided before rounding up: a hostile length near Int64.max must not overflow.
        let clusterSize = Int64(boot.clusterSize)
        let needed = stream.dataLength / clusterSize + (stream.dataLength % clusterSize == 0 ? 0 : 1)
        guard needed > 0 else { return [] }
        guard stream.noFatChain else { return try table.runs(from: stream.firstCluster, needed: needed, what: what()) }
        guard table.isValid(stream.firstCluster), needed <= Int64(table.lastCluster - stream.firstCluster) + 1 else {
            throw VolumeError.corrupt(
                "\(what()) claims clusters \(stream.firstCluster) to \(Int64(stream.firstCluster) + needed - 1), outside the volume's 2...\(table.lastCluster)"
            )
        }
        return [ClusterRun(first: stream.firstCluster, count: UInt32(needed))]
    }

    private func walk(_ directory: Directory, path: RawPath, depth: Int, _ visit: (VolumeItem) throws -> Void) throws {
        var entries = parse(directory, path: path)
        entries.sort { $0.name.lexicographicallyPrecedes($1.name) }
        for entry in entries {
            let entryPath = path.appending(component: entry.name)
            guard let location = entry.location else {
                try visit(.failed(path: entryPath, reason: entry.problem ?? "unreadable entry set"))
                continue
            }
            let set = location.set
            if set.u16(4) & 0x10 != 0 {
                guard depth < Self.maxDepth else {
                    try visit(
                        .failed(
                            path: entryPath,
                            reason: "directories nest deeper than \(Self.maxDepth) levels here; the volume is corrupt"))
                    continue
                }
                let name = "directory \(entryPath.displayString)"
                do {
                    guard location.stream.dataLength <= Int64(Self.maxDirectoryBytes) else {
                        throw VolumeError.corrupt(
                            "\(name) claims \(location.stream.dataLength) bytes, more than the \(Self.maxDirectoryBytes) Custody reads"
                        )
                    }
                    let runs = try runs(of: location.stream, what: name)
                    if let shared = claimed.claim(runs) {
                        throw VolumeError.corrupt(
                            "\(name) uses cluster \(shared), which belongs to a directory or file already read: a directory loop or cross-link"
                        )
                    }
                    let child = try read(runs, length: location.stream.dataLength, name: name)
                    try walk(child, path: entryPath, depth: depth + 1, visit)
                } catch let error as VolumeError {
                    try visit(.failed(path: entryPath, reason: error.description))
                }
            } else {
                try visit(
                    .file(
                        VolumeFile(
                            path: entryPath, size: location.stream.dataLength,
                            modified: clock.exfat(set.u32(12), tenMilliseconds: set[21], utcOffset: set[23]),
                            created: clock.exfat(set.u32(8), tenMilliseconds: set[20], utcOffset: set[22]),
                            location: .exfat(location))))
            }
        }
    }

    struct ParsedEntry {
        var name: [UInt8]
        var location: Location?
        var problem: String?
    }

    /// The entry sets of a directory's bytes that are in use, checked: checksum, stream extension,
    /// name entries, name hash, sizes. A bad set is returned with its problem.
    func parse(_ directory: Directory, path: RawPath) -> [ParsedEntry] {
        let bytes = directory.bytes
        var entries: [ParsedEntry] = []
        var index = 0
        while index + 32 <= bytes.count {
            let type = bytes[index]
            if type == 0x00 { break }
            guard type == 0x85 else {
                index += 32
                continue
            }
            let start = index
            let secondaries = Int(bytes[index + 1])
            func broken(_ reason: String) {
                entries.append(
                    ParsedEntry(
                        name: Array("(entry set at byte \(start) of the directory)".utf8), location: nil,
                        problem: "its exFAT entry set \(reason); the directory is corrupt"))
            }
            guard secondaries >= 2, start + 32 * (secondaries + 1) <= bytes.count else {
                broken("has \(secondaries) secondary entries, which do not fit the directory")
                index += 32
                continue
            }
            index += 32 * (secondaries + 1)
            let set = Array(bytes[start..<index])
            var sum: UInt16 = 0
            for (offset, byte) in set.enumerated() where offset != 2 && offset != 3 {
                sum = (sum & 1 == 1 ? 0x8000 : 0) &+ (sum >> 1) &+ UInt16(byte)
            }
            guard sum == set.u16(2) else {
                broken("fails its checksum")
                continue
            }
            guard set[32] == 0xc0 else {
                broken("has no stream extension entry")
                continue
            }
            let nameLength = Int(set[35])
            let nameEntries = (nameLength + 14) / 15
            guard nameLength >= 1, nameEntries <= secondaries - 1,
                (0..<nameEntries).allSatisfy({ set[64 + 32 * $0] == 0xc1 })
            else {
                broken("has a name of \(nameLength) characters but not the file name entries to hold it")
                continue
            }
            var units: [UInt16] = []
            for entry in 0..<nameEntries {
                for unit in 0..<15 where units.count < nameLength {
                    units.append(set.u16(64 + 32 * entry + 2 + 2 * unit))
                }
            }
            let name = Names.utf8(fromUTF16: units)
            let stream = Stream(
                firstCluster: set.u32(52), noFatChain: set[33] & 0x02 != 0,
                validDataLength: Int64(clamping: set.u64(40)), dataLength: Int64(clamping: set.u64(56)))
            var problem: String?
            if let reason = Names.problem(with: name) {
                problem = "its directory entry has \(reason); the directory is corrupt or hostile"
            } else if nameHash(units) != set.u16(36) {
                problem = "its entry set's name hash does not match its name; the directory is corrupt"
            } else if stream.validDataLength > stream.dataLength {
                problem =
                    "its valid data length (\(stream.validDataLength)) exceeds its length (\(stream.dataLength)); the entry is corrupt"
            } else if stream.dataLength > 0, set[33] & 0x01 == 0 {
                problem = "it has \(stream.dataLength) bytes but no allocation; the entry is corrupt"
            }
            let slots = (0...secondaries).map { directory.deviceOffset(of: start + 32 * $0) }
            entries.append(
                ParsedEntry(
                    name: name,
                    location: problem == nil
                        ? Location(volume: token, slots: slots, set: set, stream: stream) : nil,
                    problem: problem))
        }
        return entries
    }

    // MARK: - Reading

    public func open(_ file: VolumeFile) throws -> any VolumeFileReader {
        guard case .exfat(let location) = file.location, location.volume == token else {
            throw VolumeError(code: .unsupported, message: "\(file.path.displayString) is not from this volume")
        }
        let what = file.path.displayString
        let runs = try runs(of: location.stream, what: what)
        let alreadyOpened = opened[location.slots[0]] == location.stream.firstCluster
        if !alreadyOpened, let shared = claimed.claim(runs) {
            throw VolumeError.corrupt(
                "\(what) uses cluster \(shared), which another file or directory also uses (a cross-link); the volume is damaged there"
            )
        }
        opened[location.slots[0]] = location.stream.firstCluster
        let device = region.device
        return ClusterFileReader(
            region: region, heapStart: heapStart, clusterSize: Int64(boot.clusterSize), runs: runs,
            size: location.stream.dataLength, stored: location.stream.validDataLength, path: file.path,
            recheck: { try Self.checkEntrySet(location, on: device, path: file.path) })
    }

    /// Re-reads a file's entry set: if it differs from what the walk read, the file changed.
    static func checkEntrySet(_ location: Location, on device: BlockDevice, path: RawPath) throws {
        try device.checkDirectoryEntries(at: location.slots, are: location.set, of: path)
    }
}

import CustodyCore
import Foundation

/// A FAT12, FAT16 or FAT32 volume read from a block device or image, with VFAT long names.
///
/// Every structure is read through bounds-checked, positioned reads of the device opened read-only;
/// cluster chains are followed with a step bound and cross-link detection, directories with a size
/// bound and loop detection. A damaged directory or file is reported and the walk goes on.
public final class FATVolume: CameraVolume {
    /// Where a file's directory entries are, and what they said when the walk read them.
    struct Location {
        /// The volume that found the file: another volume's entries are never read or written here.
        var volume: UInt64
        /// Device offsets of the file's 32-byte slots: its long-name entries, then its short entry.
        var slots: [Int64]
        /// The bytes of all those slots as read, in the same order.
        var entries: [UInt8]
        /// The short entry's bytes as read.
        var shortEntry: [UInt8] { Array(entries.suffix(32)) }
        var firstCluster: UInt32
        var size: UInt32
    }

    /// The most entries a FAT directory may hold (the spec's limit: 65,536 32-byte entries, 2 MiB).
    static let maxDirectoryEntries = 65536
    /// The deepest directory nesting walked (a 260-character path cannot nest deeper than 130).
    static let maxDepth = 128

    public let root: String
    public let partition: Partition
    let boot: FATBootSector
    let region: DeviceRegion
    let table: AllocationTable
    let clock: VolumeClock
    /// How `wipe` deletes (journal, overwrite), set by `VolumeOpener`.
    var wipeOptions = WipeOptions()
    private var claimed: ClusterSet
    /// This volume object, in the locations of the files it lists (random: an address can be reused).
    let token = UInt64.random(in: .min ... .max)
    /// Files opened since the walk began (directory-entry offset to first cluster): opening one again
    /// is not a cross-link.
    private var opened: [Int64: UInt32] = [:]

    public var summary: String {
        "\(boot.kind.rawValue) volume (\(partition.scheme == "none" ? "unpartitioned" : "\(partition.scheme) partition \(partition.number)"), \(boot.clusterCount) clusters of \(boot.clusterSize) bytes) on \(root)"
            + partition.damage.map { "; \($0)" }.joined()
    }

    /// The FAT variant: FAT12, FAT16 or FAT32.
    public var kind: String { boot.kind.rawValue }

    init(region: DeviceRegion, partition: Partition, clock: VolumeClock) throws {
        let source =
            "\(region.device.path) (\(partition.scheme == "none" ? "whole device" : "\(partition.scheme) partition \(partition.number)"))"
        let sector = try region.device.read(at: region.start, count: 512, for: "the FAT boot sector")
        boot = try FATBootSector(sector, regionLength: region.length, source: source)
        self.region = region
        self.partition = partition
        self.root = region.device.path
        self.clock = clock
        let boot = self.boot
        let width: AllocationTable.Width = boot.kind == .fat12 ? .fat12 : boot.kind == .fat16 ? .fat16 : .fat32
        var copies = (0..<boot.fatCount).map { boot.fatOffset($0) }
        if let active = boot.activeFAT {
            copies = [copies[active]] + copies.enumerated().filter { $0.offset != active }.map(\.element)
        }
        table = AllocationTable(region: region, copies: copies, width: width, clusterCount: boot.clusterCount)
        claimed = ClusterSet(clusterCount: boot.clusterCount)
    }

    var heapStart: Int64 { region.start + boot.dataOffset }
    /// The clusters claimed since the last walk began (directories, and files opened).
    var claimedClusters: ClusterSet { claimed }
    func clusterOffset(_ cluster: UInt32) -> Int64 { heapStart + Int64(cluster - 2) * Int64(boot.clusterSize) }

    // MARK: - Walking

    public func walk(_ visit: (VolumeItem) throws -> Void) throws {
        claimed.reset()
        opened = [:]
        let rootDirectory: DirectoryData
        if boot.kind == .fat32 {
            rootDirectory = try directory(at: boot.rootCluster, path: RawPath(bytes: []))
        } else {
            let offset = region.start + boot.rootDirectoryOffset
            let bytes = try region.read(at: offset, count: boot.rootDirectoryBytes, for: "the root directory")
            rootDirectory = DirectoryData(bytes: bytes, extents: [(offset, bytes.count)])
        }
        try walk(rootDirectory, path: RawPath(bytes: []), depth: 0, visit)
    }

    private func walk(_ data: DirectoryData, path: RawPath, depth: Int, _ visit: (VolumeItem) throws -> Void) throws {
        let entries = parse(data, path: path)
        for entry in entries.sorted(by: { $0.name.lexicographicallyPrecedes($1.name) }) {
            let entryPath = path.appending(component: entry.name)
            if let problem = entry.problem {
                try visit(.failed(path: entryPath, reason: problem))
                continue
            }
            let short = entry.shortEntry
            let firstCluster =
                (boot.kind == .fat32 ? UInt32(short.u16(20)) << 16 : 0) | UInt32(short.u16(26))
            if short[11] & 0x10 != 0 {
                guard depth < Self.maxDepth else {
                    try visit(
                        .failed(
                            path: entryPath,
                            reason: "directories nest deeper than \(Self.maxDepth) levels here; the volume is corrupt"))
                    continue
                }
                let child: DirectoryData
                do {
                    child = try directory(at: firstCluster, path: entryPath)
                } catch let error as VolumeError {
                    try visit(.failed(path: entryPath, reason: error.description))
                    continue
                }
                try walk(child, path: entryPath, depth: depth + 1, visit)
            } else {
                let size = short.u32(28)
                let location = Location(
                    volume: token, slots: entry.slots, entries: entry.entries,
                    firstCluster: firstCluster, size: size)
                try visit(
                    .file(
                        VolumeFile(
                            path: entryPath, size: Int64(size),
                            modified: clock.fat(date: short.u16(24), time: short.u16(22)),
                            created: clock.fat(date: short.u16(16), time: short.u16(14), hundredths: short[13]),
                            location: .fat(location))))
            }
        }
    }

    /// The bytes of a directory and where each came from on the device.
    struct DirectoryData {
        var bytes: [UInt8]
        var extents: [(offset: Int64, count: Int)]

        /// The device offset of byte `index` of the directory.
        func deviceOffset(of index: Int) -> Int64 {
            var remaining = index
            for extent in extents {
                if remaining < extent.count { return extent.offset + Int64(remaining) }
                remaining -= extent.count
            }
            preconditionFailure("directory offset \(index) beyond its data")
        }
    }

    /// Reads a subdirectory (or the FAT32 root) from its cluster chain.
    private func directory(at first: UInt32, path: RawPath) throws -> DirectoryData {
        let name = path.bytes.isEmpty ? "the root directory" : "directory \(path.displayString)"
        let maxClusters = max(1, Self.maxDirectoryEntries * 32 / boot.clusterSize)
        let clusters = try table.chain(from: first, maxClusters: maxClusters, what: name)
        if let shared = claimed.claim(coalesce(clusters)) {
            throw VolumeError.corrupt(
                "\(name) uses cluster \(shared), which belongs to a directory or file already read: a directory loop or cross-link"
            )
        }
        var bytes: [UInt8] = []
        var extents: [(Int64, Int)] = []
        for run in coalesce(clusters) {
            let offset = clusterOffset(run.first)
            let count = Int(run.count) * boot.clusterSize
            bytes += try region.read(at: offset, count: count, for: name)
            extents.append((offset, count))
        }
        return DirectoryData(bytes: bytes, extents: extents)
    }

    /// One entry of a directory: its name and where its slots are, or why it cannot be used.
    struct ParsedEntry {
        var name: [UInt8]
        var slots: [Int64]
        var entries: [UInt8]
        var problem: String?

        var shortEntry: [UInt8] { Array(entries.suffix(32)) }
    }

    /// The files and subdirectories of a directory's bytes (`.` and `..`, volume labels and deleted
    /// entries left out), with VFAT long names where their checksums match.
    func parse(_ data: DirectoryData, path: RawPath) -> [ParsedEntry] {
        var entries: [ParsedEntry] = []
        var long: (count: Int, next: Int, checksum: UInt8, parts: [[UInt16]], slots: [Int64], bytes: [UInt8])?
        let bytes = data.bytes
        var index = 0
        while index + 32 <= bytes.count {
            defer { index += 32 }
            let first = bytes[index]
            if first == 0x00 { break }
            if first == 0xe5 {
                long = nil
                continue
            }
            let attributes = bytes[index + 11]
            if attributes & 0x3f == 0x0f {
                let order = Int(first & 0x3f)
                let units = [1, 3, 5, 7, 9, 14, 16, 18, 20, 22, 24, 28, 30].map { bytes.u16(index + $0) }
                if first & 0x40 != 0, (1...20).contains(order) {
                    long = (
                        order, order - 1, bytes[index + 13], Array(repeating: [], count: order),
                        [data.deviceOffset(of: index)], Array(bytes[index..<index + 32])
                    )
                    long!.parts[order - 1] = units
                } else if var current = long, order == current.next, order >= 1,
                    bytes[index + 13] == current.checksum
                {
                    current.parts[order - 1] = units
                    current.next -= 1
                    current.slots.append(data.deviceOffset(of: index))
                    current.bytes += bytes[index..<index + 32]
                    long = current
                } else {
                    long = nil  // an orphaned or out-of-order long-name entry: the short name will do
                }
                continue
            }
            let shortEntry = Array(bytes[index..<index + 32])
            defer { long = nil }
            if attributes & 0x08 != 0 { continue }  // the volume label
            let rawName = shortEntry[0..<11]
            if Array(rawName) == Array(".          ".utf8) || Array(rawName) == Array("..         ".utf8) {
                continue
            }
            var name = Names.shortName(rawName, caseFlags: shortEntry[12])
            var slots = [data.deviceOffset(of: index)]
            var slotBytes = shortEntry
            if let current = long, current.next == 0, current.checksum == Self.checksum(rawName) {
                var units: [UInt16] = []
                for part in current.parts { units += part }
                if let end = units.firstIndex(of: 0) { units = Array(units[..<end]) }
                name = Names.utf8(fromUTF16: units)
                slots = current.slots + slots
                slotBytes = current.bytes + shortEntry
            }
            var problem: String? = nil
            if let reason = Names.problem(with: name) {
                problem = "its directory entry has \(reason); the directory is corrupt or hostile"
            }
            entries.append(ParsedEntry(name: name, slots: slots, entries: slotBytes, problem: problem))
        }
        return entries
    }

    /// The checksum of an 8.3 name that its long-name entries carry.
    static func checksum(_ name: ArraySlice<UInt8>) -> UInt8 {
        var sum: UInt8 = 0
        for byte in name { sum = ((sum & 1) << 7) &+ (sum >> 1) &+ byte }
        return sum
    }

    // MARK: - Reading

    public func open(_ file: VolumeFile) throws -> any VolumeFileReader {
        guard case .fat(let location) = file.location, location.volume == token else {
            throw VolumeError(code: .unsupported, message: "\(file.path.displayString) is not from this volume")
        }
        let what = file.path.displayString
        let needed = (Int64(location.size) + Int64(boot.clusterSize) - 1) / Int64(boot.clusterSize)
        let runs = try table.runs(from: location.firstCluster, needed: needed, what: what)
        let alreadyOpened = opened[location.slots.last!] == location.firstCluster
        if !alreadyOpened, let shared = claimed.claim(runs) {
            throw VolumeError.corrupt(
                "\(what) uses cluster \(shared), which another file or directory also uses (a cross-link); the volume is damaged there"
            )
        }
        opened[location.slots.last!] = location.firstCluster
        let device = region.device
        return ClusterFileReader(
            region: region, heapStart: heapStart, clusterSize: Int64(boot.clusterSize), runs: runs,
            size: Int64(location.size), stored: Int64(location.size), path: file.path,
            recheck: { try Self.checkEntry(location, on: device, path: file.path) })
    }

    /// Re-reads a file's directory entries: if they differ from what the walk read, the file changed.
    static func checkEntry(_ location: Location, on device: BlockDevice, path: RawPath) throws {
        try device.checkDirectoryEntries(at: location.slots, are: location.entries, of: path)
    }
}

/// Coalesces a list of clusters into runs of consecutive ones.
func coalesce(_ clusters: [UInt32]) -> [ClusterRun] {
    var runs: [ClusterRun] = []
    for cluster in clusters {
        if let last = runs.last, last.first + last.count == cluster {
            runs[runs.count - 1].count += 1
        } else {
            runs.append(ClusterRun(first: cluster, count: 1))
        }
    }
    return runs
}

import CustodyCore

/// Reads a file of a FAT or exFAT volume sequentially: each run of contiguous clusters is read with
/// as few `pread`s as the caller's buffer allows, straight into that buffer.
final class ClusterFileReader: VolumeFileReader {
    let size: Int64
    private let device: BlockDevice
    /// The device offset past the volume's partition: no read goes beyond it.
    private let limit: Int64
    /// Device offset of cluster 2.
    private let heapStart: Int64
    private let clusterSize: Int64
    let runs: [ClusterRun]
    /// Bytes that come from the clusters; past them (exFAT's valid data length) the file reads as zeros.
    private let stored: Int64
    private let path: RawPath
    private let recheck: () throws -> Void
    private var position: Int64 = 0
    private var runIndex = 0
    private var runOffset: Int64 = 0

    init(
        region: DeviceRegion, heapStart: Int64, clusterSize: Int64, runs: [ClusterRun], size: Int64, stored: Int64,
        path: RawPath, recheck: @escaping () throws -> Void
    ) {
        self.device = region.device
        self.limit = region.end
        self.heapStart = heapStart
        self.clusterSize = clusterSize
        self.runs = runs
        self.size = size
        self.stored = min(stored, size)
        self.path = path
        self.recheck = recheck
    }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        var filled = 0
        while filled < buffer.count, position < size {
            let room = Int64(buffer.count - filled)
            if position >= stored {
                let count = Int(min(room, size - position))
                UnsafeMutableRawBufferPointer(rebasing: buffer[filled..<filled + count]).initializeMemory(
                    as: UInt8.self, repeating: 0)
                filled += count
                position += Int64(count)
                continue
            }
            let run = runs[runIndex]
            let runBytes = Int64(run.count) * clusterSize
            let count = Int(min(runBytes - runOffset, stored - position, room))
            let offset = heapStart + Int64(run.first - 2) * clusterSize + runOffset
            guard offset + Int64(count) <= limit else {
                throw VolumeError(
                    code: .truncated,
                    message:
                        "the data of \(path.displayString) lies past the end of its partition or image (byte \(limit) of \(device.path)); the image is truncated or the filesystem is larger than its partition"
                )
            }
            try device.read(
                at: offset, into: UnsafeMutableRawBufferPointer(rebasing: buffer[filled..<filled + count]),
                for: "the data of \(path.displayString)")
            filled += count
            position += Int64(count)
            runOffset += Int64(count)
            if runOffset == runBytes {
                runIndex += 1
                runOffset = 0
            }
        }
        return filled
    }

    func checkUnchanged() throws {
        try device.checkUnchanged(path.displayString)
        try recheck()
    }
}

/// Bits of `count` clusters, one per cluster: which clusters a walk has seen claimed, so two files or
/// directories sharing clusters (a cross-link) are caught instead of read twice or looped through.
struct ClusterSet {
    private var words: [UInt64] = []
    private let count: UInt32

    init(clusterCount: UInt32) { self.count = clusterCount }

    /// Claims every cluster of `runs`; returns the first one already claimed, if any (then nothing is claimed).
    mutating func claim(_ runs: [ClusterRun]) -> UInt32? {
        if words.isEmpty { words = Array(repeating: 0, count: (Int(count) + 2 + 63) / 64) }
        for run in runs {
            for cluster in run.first..<(run.first + run.count) where isSet(cluster) { return cluster }
        }
        for run in runs {
            for cluster in run.first..<(run.first + run.count) {
                words[Int(cluster) / 64] |= 1 << UInt64(cluster % 64)
            }
        }
        return nil
    }

    mutating func reset() {
        if !words.isEmpty { words = Array(repeating: 0, count: words.count) }
    }

    /// True when `cluster` is claimed.
    func contains(_ cluster: UInt32) -> Bool { !words.isEmpty && cluster <= count + 1 && isSet(cluster) }

    /// Marks one cluster claimed.
    mutating func insert(_ cluster: UInt32) {
        if words.isEmpty { words = Array(repeating: 0, count: (Int(count) + 2 + 63) / 64) }
        guard cluster <= count + 1 else { return }
        words[Int(cluster) / 64] |= 1 << UInt64(cluster % 64)
    }

    private func isSet(_ cluster: UInt32) -> Bool { words[Int(cluster) / 64] & (1 << UInt64(cluster % 64)) != 0 }
}

/// Turns cluster runs into the device byte ranges that hold a file's first `length` bytes.
func deviceRanges(_ runs: [ClusterRun], heapStart: Int64, clusterSize: Int64, length: Int64) -> [Range<Int64>] {
    var ranges: [Range<Int64>] = []
    var remaining = length
    for run in runs where remaining > 0 {
        let start = heapStart + Int64(run.first - 2) * clusterSize
        let count = min(Int64(run.count) * clusterSize, remaining)
        ranges.append(start..<(start + count))
        remaining -= count
    }
    return ranges
}

extension FATVolume {
    /// Where a file's bytes lie on the device, in order (for diagnostics and benchmarks).
    /// - Throws: `VolumeError.corrupt` when its cluster chain is broken.
    public func deviceExtents(of file: VolumeFile) throws -> [Range<Int64>] {
        guard case .fat(let location) = file.location, location.volume == token else { return [] }
        let needed = (Int64(location.size) + Int64(boot.clusterSize) - 1) / Int64(boot.clusterSize)
        let runs = try table.runs(from: location.firstCluster, needed: needed, what: file.path.displayString)
        return deviceRanges(
            runs, heapStart: heapStart, clusterSize: Int64(boot.clusterSize), length: Int64(location.size))
    }
}

extension ExFATVolume {
    /// Where a file's stored bytes (up to its valid data length) lie on the device, in order.
    /// - Throws: `VolumeError.corrupt` when its allocation is broken.
    public func deviceExtents(of file: VolumeFile) throws -> [Range<Int64>] {
        guard case .exfat(let location) = file.location, location.volume == token else { return [] }
        let runs = try runs(of: location.stream, what: file.path.displayString)
        return deviceRanges(
            runs, heapStart: heapStart, clusterSize: Int64(boot.clusterSize),
            length: location.stream.validDataLength)
    }
}

extension BlockDevice {
    /// Re-reads the 32-byte directory entries of a file at `slots`: if they are not `expected` (what
    /// the walk read), the file changed since, for FAT and exFAT alike.
    /// - Throws: `VolumeError.changed` naming the file, or the read's error.
    func checkDirectoryEntries(at slots: [Int64], are expected: [UInt8], of path: RawPath) throws {
        var now: [UInt8] = []
        for slot in slots {
            now += try read(at: slot, count: 32, for: "the directory entry of \(path.displayString)")
        }
        guard now == expected else {
            throw VolumeError(
                code: .changed,
                message:
                    "the directory entry of \(path.displayString) changed while the file was read; it will be retried on the next import"
            )
        }
    }
}

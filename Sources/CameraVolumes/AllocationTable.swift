/// A file allocation table (FAT12/16/32 or exFAT): the next-cluster links, read from the device in
/// pages on first use, so memory stays proportional to the part of the table a walk touches.
final class AllocationTable {
    enum Width {
        case fat12, fat16, fat32, exfat

        /// Bits per entry.
        var bits: Int {
            switch self {
            case .fat12: 12
            case .fat16: 16
            case .fat32, .exfat: 32
            }
        }
    }

    /// What one entry says about the cluster after it.
    enum Link: Equatable {
        case next(UInt32)
        case end
        case free
        case bad
        case invalid(UInt32)
    }

    static let pageSize = 64 << 10

    let width: Width
    /// Clusters are numbered 2...clusterCount+1.
    let clusterCount: UInt32
    private let region: DeviceRegion
    /// Byte offset of each FAT copy within the region.
    let copies: [Int64]
    /// Bytes of one copy that hold entries 0...clusterCount+1.
    let usedBytes: Int
    private var pages: [[UInt8]?]

    /// - Parameters: `copies` are the FAT copies' byte offsets in the region, the active one first.
    init(region: DeviceRegion, copies: [Int64], width: Width, clusterCount: UInt32) {
        self.region = region
        self.copies = copies
        self.width = width
        self.clusterCount = clusterCount
        self.usedBytes = (Int(clusterCount + 2) * width.bits + 7) / 8
        self.pages = Array(repeating: nil, count: (usedBytes + Self.pageSize - 1) / Self.pageSize)
    }

    /// The highest valid cluster number.
    var lastCluster: UInt32 { clusterCount + 1 }

    /// True when `cluster` names a cluster of the data region.
    func isValid(_ cluster: UInt32) -> Bool { cluster >= 2 && cluster <= lastCluster }

    /// The raw entry for `cluster` (2...lastCluster).
    /// - Throws: `VolumeError` when the FAT cannot be read.
    func entry(_ cluster: UInt32) throws -> UInt32 {
        precondition(cluster <= lastCluster)
        switch width {
        case .fat12:
            let offset = Int(cluster) + Int(cluster) / 2
            let value = UInt16(try byte(offset)) | UInt16(try byte(offset + 1)) << 8
            return UInt32(cluster & 1 == 1 ? value >> 4 : value & 0x0fff)
        case .fat16:
            return UInt32(try byte(Int(cluster) * 2)) | UInt32(try byte(Int(cluster) * 2 + 1)) << 8
        case .fat32, .exfat:
            let offset = Int(cluster) * 4
            let page = try self.page(offset / Self.pageSize)
            let at = offset % Self.pageSize
            let value = page.u32(at)
            return width == .fat32 ? value & 0x0fff_ffff : value
        }
    }

    /// What follows `cluster` in its chain.
    func link(_ cluster: UInt32) throws -> Link {
        let value = try entry(cluster)
        if value == 0 { return .free }
        switch width {
        case .fat12:
            if value == 0xff7 { return .bad }
            if value >= 0xff8 { return .end }
        case .fat16:
            if value == 0xfff7 { return .bad }
            if value >= 0xfff8 { return .end }
        case .fat32:
            if value == 0x0fff_fff7 { return .bad }
            if value >= 0x0fff_fff8 { return .end }
        case .exfat:
            if value == 0xffff_fff7 { return .bad }
            if value >= 0xffff_fff8 { return .end }
        }
        return isValid(value) ? .next(value) : .invalid(value)
    }

    /// The value that marks the end of a chain, for this width.
    var endOfChain: UInt32 {
        switch width {
        case .fat12: 0xfff
        case .fat16: 0xffff
        case .fat32: 0x0fff_ffff
        case .exfat: 0xffff_ffff
        }
    }

    /// The byte range (offset within a copy, length) that holds the entry of `cluster`.
    func byteRange(of cluster: UInt32) -> (offset: Int, count: Int) {
        switch width {
        case .fat12: (Int(cluster) + Int(cluster) / 2, 2)
        case .fat16: (Int(cluster) * 2, 2)
        case .fat32, .exfat: (Int(cluster) * 4, 4)
        }
    }

    /// Forgets cached pages (after a wipe rewrote the table).
    func invalidate() {
        pages = Array(repeating: nil, count: pages.count)
    }

    private func byte(_ offset: Int) throws -> UInt8 {
        try page(offset / Self.pageSize)[offset % Self.pageSize]
    }

    private func page(_ index: Int) throws -> [UInt8] {
        if let page = pages[index] { return page }
        let start = index * Self.pageSize
        let count = min(Self.pageSize, usedBytes - start)
        var bytes = try region.read(
            at: region.start + copies[0] + Int64(start), count: count, for: "the allocation table (FAT)")
        // Pad, so a FAT12 entry's second byte or a 4-byte read at the end never runs off the array.
        if bytes.count < Self.pageSize { bytes += [UInt8](repeating: 0, count: Self.pageSize - bytes.count + 4) }
        pages[index] = bytes
        return bytes
    }
}

/// A run of contiguous clusters.
struct ClusterRun: Equatable {
    var first: UInt32
    var count: UInt32
}

extension AllocationTable {
    /// The clusters of a file's chain, coalesced into runs.
    ///
    /// Exactly `needed` clusters are taken; the chain must then end. A loop, a link out of range, a
    /// free or bad cluster inside the chain, or a chain shorter than the size all throw, naming `what`.
    /// Work and memory are bounded by the volume's cluster count whatever the entries say.
    /// - Throws: `VolumeError.corrupt`.
    func runs(from first: UInt32, needed: Int64, what: @autoclosure () -> String) throws -> [ClusterRun] {
        guard needed > 0 else { return [] }
        guard needed <= Int64(clusterCount) else {
            throw VolumeError.corrupt(
                "\(what()) claims \(needed) clusters but the volume has only \(clusterCount); its size is corrupt")
        }
        guard isValid(first) else {
            throw VolumeError.corrupt(
                "\(what()) starts at cluster \(first), outside the volume's clusters 2...\(lastCluster)")
        }
        var runs: [ClusterRun] = []
        var cluster = first
        var taken: Int64 = 0
        while true {
            taken += 1
            if let last = runs.last, last.first + last.count == cluster {
                runs[runs.count - 1].count += 1
            } else {
                runs.append(ClusterRun(first: cluster, count: 1))
            }
            if taken == needed { break }
            switch try link(cluster) {
            case .next(let next): cluster = next
            case .end:
                throw VolumeError.corrupt(
                    "\(what()) has a cluster chain of \(taken) clusters but its size needs \(needed); the size is larger than the chain"
                )
            case let other: throw chainError(other, at: cluster, what())
            }
        }
        // The chain must end here or later; following it further (bounded) tells a loop from a long chain.
        var steps = taken
        while true {
            switch try link(cluster) {
            case .end: return runs
            case .next(let next):
                steps += 1
                guard steps <= Int64(clusterCount) else {
                    throw VolumeError.corrupt(
                        "\(what()) has a cluster chain that loops (more links than the volume has clusters)")
                }
                cluster = next
            case let other: throw chainError(other, at: cluster, what())
            }
        }
    }

    /// The clusters of a chain whose length is not recorded (a FAT directory), up to `maxClusters`.
    /// - Throws: `VolumeError.corrupt` on a loop, a bad link, or a chain longer than `maxClusters`.
    func chain(from first: UInt32, maxClusters: Int, what: @autoclosure () -> String) throws -> [UInt32] {
        guard isValid(first) else {
            throw VolumeError.corrupt(
                "\(what()) starts at cluster \(first), outside the volume's clusters 2...\(lastCluster)")
        }
        var clusters: [UInt32] = [first]
        var cluster = first
        while true {
            switch try link(cluster) {
            case .end: return clusters
            case .next(let next):
                guard clusters.count < maxClusters else {
                    throw VolumeError.corrupt(
                        "\(what()) has a cluster chain longer than \(maxClusters) clusters: it loops or the directory is absurdly large"
                    )
                }
                cluster = next
                clusters.append(cluster)
            case let other: throw chainError(other, at: cluster, what())
            }
        }
    }

    /// Marks every cluster a chain reaches from `first`, as far as it is well formed (a loop, a bad
    /// link or the step bound ends it): what another entry would lose if those clusters were freed.
    func mark(from first: UInt32, into set: inout ClusterSet) {
        guard isValid(first) else { return }
        var cluster = first
        var steps: UInt32 = 0
        while steps <= clusterCount, !set.contains(cluster) {
            set.insert(cluster)
            steps += 1
            guard case .next(let next) = (try? link(cluster)) ?? .end else { return }
            cluster = next
        }
    }

    private func chainError(_ link: Link, at cluster: UInt32, _ what: String) -> VolumeError {
        switch link {
        case .free:
            .corrupt("\(what)'s cluster chain reaches cluster \(cluster), whose FAT entry marks it free")
        case .bad:
            .corrupt("\(what)'s cluster chain reaches cluster \(cluster), which the FAT marks bad")
        case .invalid(let value):
            .corrupt(
                "\(what)'s cluster chain leaves the volume: cluster \(cluster) links to \(value), outside 2...\(lastCluster)"
            )
        case .next, .end:
            .corrupt("\(what)'s cluster chain is malformed at cluster \(cluster)")
        }
    }
}

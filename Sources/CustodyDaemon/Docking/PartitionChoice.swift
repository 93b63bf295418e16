import Devices

extension BlockPartition {
    /// The block device holding a recorder's evidence, among those that appeared under it: a FAT or
    /// exFAT one, the one labelled `label` if the driver named one, a partition before the whole disk
    /// (a partitioned disk's own node holds the partition table, not a filesystem).
    static func evidenceVolume(among found: [BlockPartition], label: String?) -> BlockPartition? {
        func rank(_ candidate: BlockPartition) -> Int {
            var score = 0
            if let filesystem = candidate.filesystem {
                guard ["vfat", "exfat", "msdos"].contains(filesystem) else { return -1 }
                score += 4
            }
            if let label, candidate.label == label { score += 2 }
            if candidate.devtype == "partition" { score += 1 }
            return score
        }
        let ranked = found.map { ($0, rank($0)) }.filter { $0.1 >= 0 }
        return ranked.max { lhs, rhs in
            lhs.1 != rhs.1 ? lhs.1 < rhs.1 : lhs.0.devnode > rhs.0.devnode
        }?.0
    }
}

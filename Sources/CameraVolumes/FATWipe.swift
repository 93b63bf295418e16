import CustodyCore

extension FATVolume {
    /// Deletes `files` as a FAT driver would: their long-name and short directory entries are marked
    /// deleted (0xE5), their cluster chains are freed in every FAT copy, and FAT32's FSInfo free count
    /// is raised by the clusters freed. Directory entries are written and flushed first, so a crash in
    /// between leaves lost clusters (which fsck reclaims) and never an entry pointing at free clusters.
    public func wipe(_ files: [VolumeFile]) throws -> WipeReport {
        var report = WipeReport()
        let device = region.device
        let candidates: [(file: VolumeFile, location: Location, clusters: [UInt32])] = plan(files, report: &report) {
            file in
            guard case .fat(let location) = file.location, location.volume == token else {
                return nil
            }
            try Self.checkEntry(location, on: device, path: file.path)
            var clusters: [UInt32] = []
            if location.firstCluster != 0 {
                clusters = try table.chain(
                    from: location.firstCluster, maxClusters: Int(boot.clusterCount),
                    what: file.path.displayString)
            }
            return (file, location, clusters)
        }
        guard !candidates.isEmpty else { return report }
        let plans = try keepingSharedClusters(candidates, report: &report)
        guard !plans.isEmpty else { return report }

        var editor = TableEditor(table: table, region: region)
        var freed = Set<UInt32>()
        for plan in plans {
            for cluster in plan.clusters where freed.insert(cluster).inserted { try editor.set(cluster, to: 0) }
        }
        var fsInfo: [UInt8]?
        if boot.kind == .fat32, boot.fsInfoSector > 0, boot.fsInfoSector < boot.reservedSectors {
            var sector = try region.read(
                at: region.start + Int64(boot.fsInfoSector * boot.bytesPerSector), count: 512, for: "the FSInfo sector")
            if sector.u32(0) == 0x4161_5252, sector.u32(484) == 0x6141_7272, sector.u32(508) == 0xaa55_0000 {
                let free = sector.u32(488)
                if free != 0xffff_ffff {
                    let total = min(UInt64(free) + UInt64(freed.count), UInt64(boot.clusterCount))
                    sector.setU32(488, UInt32(total))
                    fsInfo = sector
                }
            }
        }

        let writable = try WritableDevice(path: device.path, blockDevice: device.isBlockDevice)
        for plan in plans {
            for slot in plan.location.slots {
                try writable.write([0xe5], at: slot, for: "the directory entry of \(plan.file.path.displayString)")
            }
        }
        try writable.flush()
        try editor.write(to: writable)
        if let fsInfo {
            try writable.write(
                fsInfo, at: region.start + Int64(boot.fsInfoSector * boot.bytesPerSector), for: "the FSInfo sector")
        }
        try writable.flush()
        table.invalidate()
        report.wiped = plans.map { $0.file.path }
        report.clustersFreed = freed.count
        return report
    }

    /// Leaves on the volume any file whose clusters another entry also uses (a cross-link on a damaged
    /// volume): freeing them would free that entry's data too, and it may be evidence not yet read.
    private func keepingSharedClusters(
        _ plans: [(file: VolumeFile, location: Location, clusters: [UInt32])], report: inout WipeReport
    ) throws -> [(file: VolumeFile, location: Location, clusters: [UInt32])] {
        let wiping = Set(plans.map { $0.location.slots.last! })
        var live = ClusterSet(clusterCount: boot.clusterCount)
        try walk { item in
            guard case .file(let file) = item, case .fat(let location) = file.location,
                !wiping.contains(location.slots.last!)
            else { return }
            table.mark(from: location.firstCluster, into: &live)
        }
        // After a walk, the claimed set holds every directory's clusters.
        let directories = claimedClusters
        return plans.filter { plan in
            guard let shared = plan.clusters.first(where: { live.contains($0) || directories.contains($0) }) else {
                return true
            }
            report.kept.append(
                .init(
                    path: plan.file.path,
                    reason:
                        "its cluster \(shared) is also used by another file or directory (a cross-link); it stays so that entry's data is not freed"
                ))
            return false
        }
    }
}

import CustodyCore

extension FATVolume {
    /// Deletes `files` as a FAT driver would: their long-name and short directory entries are marked
    /// deleted (0xE5), their cluster chains are freed in every FAT copy, and FAT32's FSInfo free count
    /// is set to the free clusters the FAT then has. Directory entries are written and flushed first,
    /// so a crash in between leaves lost clusters, never an entry pointing at free clusters; with a
    /// journal (`WipeOptions.journal`), the next wipe of this volume frees them. With `overwrite`, the
    /// clusters are zeroed after the entries are gone and before they are freed.
    public func wipe(_ files: [VolumeFile]) throws -> WipeReport {
        var report = WipeReport()
        let device = region.device
        let key = try journalKey()
        let interrupted = try JournaledWipe.interrupted(
            wipeOptions, key: key, on: device, mark: { _ in 0xe5 }, report: &report)
        let candidates: [(file: VolumeFile?, step: WipeStep)] = plan(files, report: &report) { file in
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
            return (
                file,
                WipeStep(
                    path: file.path.bytes, slots: location.slots, entries: location.entries,
                    spans: coalesce(clusters).spans, noFatChain: false, key: location.slots.last!)
            )
        }
        let steps = JournaledWipe.merge(interrupted.steps, candidates)
        let plans = steps.isEmpty ? [] : try keepingSharedClusters(steps, report: &report)
        guard !plans.isEmpty else {
            // Nothing left that the interrupted wipe could finish: its journal has done its work.
            if interrupted.found { try wipeOptions.journal?.remove(key: key) }
            return report
        }

        var editor = TableEditor(table: table, region: region)
        var freed = Set<UInt32>()
        var newlyFree = 0
        for plan in plans {
            for span in plan.step.spans {
                for cluster in span.clusters where freed.insert(cluster).inserted {
                    if try table.entry(cluster) != 0 { newlyFree += 1 }
                    try editor.set(cluster, to: 0)
                }
            }
        }
        let fsInfo = try updatedFSInfo(newlyFree: newlyFree)

        let planned = plans.map(\.step)
        try wipeOptions.journal?.save(WipeJournalEntry(steps: planned, overwrite: wipeOptions.overwrite), key: key)
        let writable = try WritableDevice(path: device.path, blockDevice: device.isBlockDevice, fault: wipeOptions.fault)
        for step in planned {
            for slot in step.slots {
                try writable.write([0xe5], at: slot, for: "the directory entry of \(step.displayPath)")
            }
        }
        try writable.flush()
        if wipeOptions.overwrite {
            try JournaledWipe.zero(
                planned, clusterSize: boot.clusterSize, offset: clusterOffset, region: region, to: writable)
            try writable.flush()
        }
        try editor.write(to: writable)
        if let fsInfo {
            try writable.write(
                fsInfo, at: region.start + Int64(boot.fsInfoSector * boot.bytesPerSector), for: "the FSInfo sector")
        }
        try writable.flush()
        try wipeOptions.journal?.remove(key: key)
        table.invalidate()
        JournaledWipe.report(plans, into: &report)
        report.clustersFreed = freed.count
        return report
    }

    /// Whether an interrupted wipe of this volume left work to finish.
    public var hasInterruptedWipe: Bool {
        guard let journal = wipeOptions.journal, let key = try? journalKey() else { return false }
        return (try? journal.load(WipeJournalEntry.self, key: key)) != nil
    }

    private func journalKey() throws -> String {
        JournaledWipe.key(
            kind: "fat", boot: try region.device.read(at: region.start, count: 512, for: "the FAT boot sector"),
            start: region.start, length: region.length)
    }

    /// FAT32's FSInfo sector with its free count set to what the FAT holds once `newlyFree` more
    /// clusters are free; nil when there is no usable FSInfo or its count is "unknown". Counted, not
    /// added to, so a wipe finished after a crash (some entries already zero) leaves the exact count.
    private func updatedFSInfo(newlyFree: Int) throws -> [UInt8]? {
        guard boot.kind == .fat32, boot.fsInfoSector > 0, boot.fsInfoSector < boot.reservedSectors else { return nil }
        var sector = try region.read(
            at: region.start + Int64(boot.fsInfoSector * boot.bytesPerSector), count: 512, for: "the FSInfo sector")
        guard sector.u32(0) == 0x4161_5252, sector.u32(484) == 0x6141_7272, sector.u32(508) == 0xaa55_0000,
            sector.u32(488) != 0xffff_ffff
        else { return nil }
        var free = newlyFree
        for cluster in 2..<(boot.clusterCount + 2) where try table.entry(cluster) == 0 { free += 1 }
        sector.setU32(488, UInt32(free))
        return sector
    }

    /// Leaves on the volume any file whose clusters another entry also uses (a cross-link on a damaged
    /// volume, or a file written after an interrupted wipe): freeing them would free that entry's data
    /// too, and it may be evidence not yet read.
    private func keepingSharedClusters(
        _ plans: [(file: VolumeFile?, step: WipeStep)], report: inout WipeReport
    ) throws -> [(file: VolumeFile?, step: WipeStep)] {
        let wiping = Set(plans.map(\.step.key))
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
            let clusters = plan.step.spans.lazy.flatMap(\.clusters)
            guard let shared = clusters.first(where: { live.contains($0) || directories.contains($0) }) else {
                return true
            }
            report.kept.append(
                .init(
                    path: RawPath(bytes: plan.step.path),
                    reason:
                        "its cluster \(shared) is also used by another file or directory (a cross-link); it stays so that entry's data is not freed"
                ))
            return false
        }
    }
}

import CustodyCore

extension ExFATVolume {
    /// Deletes `files` as an exFAT driver would: every entry of each file's entry set is marked not in
    /// use, its clusters are cleared in the allocation bitmap, and, for a file with a FAT chain, its
    /// FAT entries are freed. Entry sets are written and flushed first, so a crash in between leaves
    /// clusters marked used but unreferenced, never an entry pointing at free clusters; with a journal
    /// (`WipeOptions.journal`), the next wipe of this volume frees them. With `overwrite`, the clusters
    /// are zeroed after the entries are gone and before they are freed.
    public func wipe(_ files: [VolumeFile]) throws -> WipeReport {
        var report = WipeReport()
        if let bootDamage {
            // Geometry from the backup region is good enough to read by, not to write by: a driver that
            // trusts the main region would see the card differently. The files stay; nothing is lost.
            report.kept = files.map {
                .init(path: $0.path, reason: "the card is not written to: \(bootDamage); repair it with fsck.exfat")
            }
            return report
        }
        let device = region.device
        let key = try journalKey()
        let interrupted = try JournaledWipe.interrupted(
            wipeOptions, key: key, on: device, mark: { $0 & 0x7f }, report: &report)
        let candidates: [(file: VolumeFile?, step: WipeStep)] = plan(files, report: &report) { file in
            guard case .exfat(let location) = file.location, location.volume == token else {
                return nil
            }
            try Self.checkEntrySet(location, on: device, path: file.path)
            return (
                file,
                WipeStep(
                    path: file.path.bytes, slots: location.slots, entries: location.set,
                    spans: try runs(of: location.stream, what: file.path.displayString).spans,
                    noFatChain: location.stream.noFatChain, key: location.slots[0])
            )
        }
        let steps = JournaledWipe.merge(interrupted.steps, candidates)
        let plans = steps.isEmpty ? [] : try keepingSharedClusters(steps, report: &report)
        guard !plans.isEmpty else {
            if interrupted.found { try wipeOptions.journal?.remove(key: key) }
            return report
        }
        guard let bitmap else {
            throw VolumeError(code: .wipeRefused, message: "\(root) has no allocation bitmap; nothing was deleted")
        }

        // The bitmap, in memory, and the bytes of it that change.
        let bitmapRuns = try table.runs(
            from: bitmap.firstCluster, needed: (bitmap.length + Int64(boot.clusterSize) - 1) / Int64(boot.clusterSize),
            what: "the allocation bitmap")
        var bits: [UInt8] = []
        for run in bitmapRuns {
            bits += try region.read(
                at: clusterOffset(run.first), count: Int(run.count) * boot.clusterSize, for: "the allocation bitmap")
        }
        var changed = Set<Int>()
        var editor = TableEditor(table: table, region: region)
        var freed = 0
        for plan in plans {
            for span in plan.step.spans {
                for cluster in span.clusters {
                    let bit = Int(cluster - 2)
                    guard bits[bit / 8] & (1 << UInt8(bit % 8)) != 0 else { continue }
                    bits[bit / 8] &= ~(1 << UInt8(bit % 8))
                    changed.insert(bit / 8)
                    freed += 1
                }
            }
            if !plan.step.noFatChain {
                for span in plan.step.spans {
                    for cluster in span.clusters { try editor.set(cluster, to: 0) }
                }
            }
        }

        let planned = plans.map(\.step)
        try wipeOptions.journal?.save(WipeJournalEntry(steps: planned, overwrite: wipeOptions.overwrite), key: key)
        let writable = try WritableDevice(path: device.path, blockDevice: device.isBlockDevice, fault: wipeOptions.fault)
        for step in planned {
            for (index, slot) in step.slots.enumerated() {
                try writable.write(
                    [step.entries[index * 32] & 0x7f], at: slot, for: "the entry set of \(step.displayPath)")
            }
        }
        try writable.flush()
        if wipeOptions.overwrite {
            try JournaledWipe.zero(
                planned, clusterSize: boot.clusterSize, offset: clusterOffset, region: region, to: writable)
            try writable.flush()
        }
        let directory = Directory(bytes: bits, runs: bitmapRuns, clusterSize: boot.clusterSize, heapStart: heapStart)
        // Changed bytes, written in runs that stay within one cluster run of the bitmap.
        var pending: (start: Int, end: Int)?
        func flushRun() throws {
            guard let run = pending else { return }
            try writable.write(
                Array(bits[run.start..<run.end]), at: directory.deviceOffset(of: run.start),
                for: "the allocation bitmap")
            pending = nil
        }
        for byte in changed.sorted() {
            if let run = pending, run.end == byte,
                directory.deviceOffset(of: byte) == directory.deviceOffset(of: run.start) + Int64(byte - run.start)
            {
                pending = (run.start, byte + 1)
            } else {
                try flushRun()
                pending = (byte, byte + 1)
            }
        }
        try flushRun()
        try editor.write(to: writable)
        try writable.flush()
        try wipeOptions.journal?.remove(key: key)
        table.invalidate()
        JournaledWipe.report(plans, into: &report)
        report.clustersFreed = freed
        return report
    }

    /// Whether an interrupted wipe of this volume left work to finish.
    public var hasInterruptedWipe: Bool {
        guard bootDamage == nil, let journal = wipeOptions.journal, let key = try? journalKey() else { return false }
        return (try? journal.load(WipeJournalEntry.self, key: key)) != nil
    }

    private func journalKey() throws -> String {
        JournaledWipe.key(
            kind: "exfat", boot: try region.device.read(at: region.start, count: 512, for: "the exFAT boot sector"),
            start: region.start, length: region.length)
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
            guard case .file(let file) = item, case .exfat(let location) = file.location,
                !wiping.contains(location.slots[0])
            else { return }
            if location.stream.noFatChain {
                for run in (try? runs(of: location.stream, what: "")) ?? [] {
                    for cluster in run.first..<(run.first + run.count) { live.insert(cluster) }
                }
            } else if location.stream.dataLength > 0 {
                table.mark(from: location.stream.firstCluster, into: &live)
            }
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

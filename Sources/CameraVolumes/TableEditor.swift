/// Edits to an allocation table and other metadata, gathered in memory and written in one pass: the
/// pages a wipe touches are read, changed, and written back whole to every FAT copy, so the bytes
/// written outside the changed entries are the bytes that were there.
struct TableEditor {
    private let table: AllocationTable
    private let region: DeviceRegion
    private let regionStart: Int64
    /// Pages of the first copy, changed; the same pages are written to every copy.
    private var pages: [Int: [UInt8]] = [:]

    init(table: AllocationTable, region: DeviceRegion) {
        self.table = table
        self.region = region
        self.regionStart = region.start
    }

    /// Sets the entry of `cluster` to `value` (FAT32 keeps its reserved top four bits).
    mutating func set(_ cluster: UInt32, to value: UInt32) throws {
        let (offset, _) = table.byteRange(of: cluster)
        switch table.width {
        case .fat12:
            let low = try byte(offset)
            let high = try byte(offset + 1)
            if cluster & 1 == 1 {
                try setByte(offset, (low & 0x0f) | UInt8((value << 4) & 0xf0))
                try setByte(offset + 1, UInt8((value >> 4) & 0xff))
            } else {
                try setByte(offset, UInt8(value & 0xff))
                try setByte(offset + 1, (high & 0xf0) | UInt8((value >> 8) & 0x0f))
            }
        case .fat16:
            try setByte(offset, UInt8(value & 0xff))
            try setByte(offset + 1, UInt8(value >> 8))
        case .fat32, .exfat:
            var word = value
            if table.width == .fat32 {
                let top = UInt32(try byte(offset + 3)) << 24 & 0xf000_0000
                word = top | (value & 0x0fff_ffff)
            }
            for index in 0..<4 { try setByte(offset + index, UInt8((word >> (8 * UInt32(index))) & 0xff)) }
        }
    }

    /// Writes the changed pages to every FAT copy.
    func write(to writable: WritableDevice) throws {
        for (index, page) in pages.sorted(by: { $0.key < $1.key }) {
            for (copy, offset) in table.copies.enumerated() {
                let at = regionStart + offset + Int64(index * AllocationTable.pageSize)
                try region.checkInside(at, count: Int64(page.count), "FAT copy \(copy + 1)")
                try writable.write(
                    page, at: regionStart + offset + Int64(index * AllocationTable.pageSize),
                    for: "FAT copy \(copy + 1)")
            }
        }
    }

    private mutating func byte(_ offset: Int) throws -> UInt8 {
        try loaded(offset / AllocationTable.pageSize)[offset % AllocationTable.pageSize]
    }

    private mutating func setByte(_ offset: Int, _ value: UInt8) throws {
        let index = offset / AllocationTable.pageSize
        _ = try loaded(index)
        pages[index]![offset % AllocationTable.pageSize] = value
    }

    private mutating func loaded(_ index: Int) throws -> [UInt8] {
        if let page = pages[index] { return page }
        let start = index * AllocationTable.pageSize
        let count = min(AllocationTable.pageSize, table.usedBytes - start)
        let page = try region.read(
            at: regionStart + table.copies[0] + Int64(start), count: count, for: "the allocation table (FAT)")
        pages[index] = page
        return page
    }
}

extension CameraVolume {
    /// Checks each file's directory entries and works out its clusters; files that fail stay.
    func plan<Plan>(
        _ files: [VolumeFile], report: inout WipeReport, _ make: (VolumeFile) throws -> Plan?
    ) -> [Plan] {
        var plans: [Plan] = []
        for file in files {
            do {
                guard let plan = try make(file) else {
                    report.kept.append(.init(path: file.path, reason: "it is not a file of this volume"))
                    continue
                }
                plans.append(plan)
            } catch {
                report.kept.append(.init(path: file.path, reason: "\(error)"))
            }
        }
        return plans
    }
}

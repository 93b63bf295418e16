/// A partition found on a device (or the whole device, for an unpartitioned "superfloppy").
public struct Partition: Sendable, Equatable {
    /// The partitioning scheme: `MBR`, `GPT`, or `none`.
    public var scheme: String
    /// The partition's number in its table, from 1; 0 for the whole device.
    public var number: Int
    /// Its first byte on the device.
    public var start: Int64
    /// Its length in bytes.
    public var length: Int64
    /// Damage found in the table and worked around (a GPT whose primary failed its CRC, read from the
    /// backup): recorded in the volume's summary, so the import's audit entry says it.
    public var damage: [String] = []
}

/// Finds where the filesystems are: an MBR, a GPT (behind its protective MBR), or a filesystem boot
/// sector at byte 0. Every count and offset read from the table is checked against the device.
enum PartitionTable {
    /// Most GPT entries Custody reads (the spec's minimum array is 128; cameras use one).
    static let maxGPTEntries = 1024

    /// The partitions of `device`, in table order.
    /// - Throws: `VolumeError.unrecognized` when there is neither a table nor a filesystem at byte 0.
    static func discover(_ device: BlockDevice) throws -> [Partition] {
        guard device.length >= 512 else {
            throw VolumeError(
                code: .unrecognized,
                message: "\(device.path) is \(device.length) bytes long: too small to hold a FAT or exFAT volume")
        }
        let first = try device.read(at: 0, count: 512, for: "the first sector")
        if FilesystemProbe.kind(of: first) != nil {
            return [Partition(scheme: "none", number: 0, start: 0, length: device.length)]
        }
        guard first[510] == 0x55, first[511] == 0xaa else {
            throw VolumeError(
                code: .unrecognized,
                message:
                    "\(device.path) has no partition table and no FAT or exFAT boot sector at byte 0; is this a camera volume?"
            )
        }
        // A sector that starts with a jump but has no valid table is most likely a FAT boot sector with a
        // broken BPB: say what is wrong with the BPB rather than with a partition table that never was.
        func notATable(_ problem: String) -> VolumeError {
            guard first[0] == 0xeb || first[0] == 0xe9 else {
                return VolumeError(code: .unrecognized, message: "\(device.path) \(problem)")
            }
            do {
                _ = try FATBootSector(first, regionLength: device.length, source: device.path)
            } catch let error as VolumeError {
                return error
            } catch {}
            return VolumeError(code: .unrecognized, message: "\(device.path) \(problem)")
        }
        var mbr: [Partition] = []
        for index in 0..<4 {
            let entry = Array(first[(446 + 16 * index)..<(446 + 16 * index + 16)])
            let type = entry[4]
            if type == 0xee { return try GUIDPartitionTable.partitions(of: device) }
            guard entry[0] == 0x00 || entry[0] == 0x80 else {
                throw notATable(
                    "has no FAT or exFAT boot sector at byte 0, and its MBR entry \(index + 1) has boot flag 0x\(String(entry[0], radix: 16)); the partition table is corrupt"
                )
            }
            let startLBA = Int64(entry.u32(8))
            let sectors = Int64(entry.u32(12))
            // Empty slots and extended partitions (whose logical drives cameras do not use) are passed over.
            guard type != 0, sectors > 0, ![0x05, 0x0f, 0x85].contains(type) else { continue }
            mbr.append(try checked(device, "MBR", index + 1, start: startLBA * 512, length: sectors * 512))
        }
        guard !mbr.isEmpty else {
            throw notATable("has no FAT or exFAT boot sector at byte 0 and an MBR with no partitions")
        }
        return mbr
    }

    static func checked(
        _ device: BlockDevice, _ scheme: String, _ number: Int, start: Int64, length: Int64
    ) throws -> Partition {
        guard start > 0, start < device.length else {
            throw VolumeError(
                code: .truncated,
                message:
                    "\(device.path): \(scheme) partition \(number) starts at byte \(start), outside the \(device.length)-byte device; the image is truncated or the table corrupt"
            )
        }
        // A partition running past the end is a truncated image: keep what is there, reads past it fail.
        return Partition(scheme: scheme, number: number, start: start, length: min(length, device.length - start))
    }
}

/// Recognises a filesystem from its boot sector.
enum FilesystemProbe {
    enum Kind { case fat, exfat }

    /// `exfat` for an exFAT boot sector, `fat` for a plausible FAT BIOS parameter block, else nil.
    static func kind(of sector: [UInt8]) -> Kind? {
        guard sector.count >= 512 else { return nil }
        if Array(sector[3..<11]) == Array("EXFAT   ".utf8) { return .exfat }
        // A FAT boot sector starts with a jump and has a sane BPB; an MBR has neither.
        guard sector[0] == 0xeb || sector[0] == 0xe9 else { return nil }
        let bytesPerSector = sector.u16(11)
        let sectorsPerCluster = sector[13]
        guard [512, 1024, 2048, 4096].contains(bytesPerSector), sectorsPerCluster != 0,
            sectorsPerCluster & (sectorsPerCluster - 1) == 0, sector.u16(14) != 0, sector[16] != 0
        else { return nil }
        return .fat
    }
}

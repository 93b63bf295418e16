/// A GUID partition table (UEFI §5.3): a primary header at LBA 1 and a backup at the last LBA, each
/// with a CRC-32 over itself and over its entry array. A card whose primary table is damaged (a bad
/// CRC, an impossible field, garbage in an entry) is read from the backup, and the damage reported;
/// only when both fail is the card refused.
enum GUIDPartitionTable {
    /// Why one copy of the table cannot be used.
    private struct Damage: Error {
        var reason: String
    }

    /// One copy of the table, checked.
    private struct Copy {
        var partitions: [Partition]
        /// Where the header says the other copy is.
        var alternateLBA: Int64
    }

    /// The partitions of the GPT on `device`, trying 512- and then 4096-byte logical sectors.
    /// - Throws: `VolumeError.corrupt` when neither copy of the table is sound, `.unrecognized` when it
    ///   has no partitions, `.truncated` when a sound table names a partition outside the device.
    static func partitions(of device: BlockDevice) throws -> [Partition] {
        for sectorSize in [512, 4096] where device.length >= Int64(sectorSize) * 3 {
            let lastLBA = device.length / Int64(sectorSize) - 1
            let primary: Result<Copy, Damage>
            do {
                primary = .success(try copy(of: device, headerLBA: 1, sectorSize: sectorSize))
            } catch let damage as Damage {
                primary = .failure(damage)
            }
            if case .failure(let damage) = primary, damage.reason == Self.noHeader,
                (try? device.read(at: lastLBA * Int64(sectorSize), count: 8, for: "the backup GPT header"))
                    != Array("EFI PART".utf8)
            {
                continue  // no GPT at this sector size
            }
            let backupLBA: Int64
            if case .success(let copy) = primary, copy.alternateLBA > 1, copy.alternateLBA <= lastLBA {
                backupLBA = copy.alternateLBA
            } else {
                backupLBA = lastLBA
            }
            let backup: Result<Copy, Damage>
            do {
                backup = .success(try copy(of: device, headerLBA: backupLBA, sectorSize: sectorSize))
            } catch let damage as Damage {
                backup = .failure(damage)
            }
            var partitions: [Partition]
            switch (primary, backup) {
            case (.success(let copy), .success):
                partitions = copy.partitions
            case (.success(let copy), .failure(let damage)):
                partitions = copy.partitions
                partitions.indices.forEach {
                    partitions[$0].damage.append(
                        "the backup GPT at LBA \(backupLBA) is damaged (\(damage.reason)); the primary was used")
                }
            case (.failure(let damage), .success(let copy)):
                partitions = copy.partitions
                partitions.indices.forEach {
                    partitions[$0].damage.append(
                        "the primary GPT is damaged (\(damage.reason)); the backup at LBA \(backupLBA) was used")
                }
            case (.failure(let first), .failure(let second)):
                throw VolumeError(
                    code: .corrupt,
                    message:
                        "\(device.path): both copies of the GPT are damaged (primary: \(first.reason); backup at LBA \(backupLBA): \(second.reason)); the partition table is corrupt"
                )
            }
            guard !partitions.isEmpty else {
                throw VolumeError(code: .unrecognized, message: "\(device.path) has a GPT with no partitions")
            }
            return partitions
        }
        throw VolumeError(
            code: .corrupt,
            message: "\(device.path) has a protective MBR but no GPT header at LBA 1; the partition table is corrupt")
    }

    private static let noHeader = "no GPT header"

    /// Reads and checks the copy whose header is at `headerLBA`: signature, fields, header CRC, entry
    /// array CRC, then each used entry.
    private static func copy(of device: BlockDevice, headerLBA: Int64, sectorSize: Int) throws -> Copy {
        let header = try device.read(at: headerLBA * Int64(sectorSize), count: sectorSize, for: "a GPT header")
        guard Array(header[0..<8]) == Array("EFI PART".utf8) else { throw Damage(reason: noHeader) }
        let headerSize = Int(header.u32(12))
        let entriesLBA = Int64(clamping: header.u64(72))
        let entryCount = Int(header.u32(80))
        let entrySize = Int(header.u32(84))
        let sectors = device.length / Int64(sectorSize)
        guard headerSize >= 92, headerSize <= sectorSize, entryCount <= PartitionTable.maxGPTEntries,
            entrySize >= 128, entrySize <= 4096, entrySize % 8 == 0, entriesLBA >= 2, entriesLBA < sectors,
            entriesLBA * Int64(sectorSize) + Int64(entryCount * entrySize) <= device.length
        else {
            throw Damage(
                reason:
                    "the GPT header has impossible fields (entries at LBA \(entriesLBA), \(entryCount) of \(entrySize) bytes)"
            )
        }
        var zeroed = Array(header[0..<headerSize])
        zeroed.replaceSubrange(16..<20, with: [0, 0, 0, 0])
        let headerCRC = CRC32.checksum(zeroed)
        guard headerCRC == header.u32(16) else {
            throw Damage(
                reason:
                    "header CRC-32 is 0x\(String(header.u32(16), radix: 16)), the header's bytes give 0x\(String(headerCRC, radix: 16))"
            )
        }
        let table = try device.read(
            at: entriesLBA * Int64(sectorSize), count: entryCount * entrySize, for: "the GPT partition entries")
        let entriesCRC = CRC32.checksum(table)
        guard entriesCRC == header.u32(88) else {
            throw Damage(
                reason:
                    "partition entry array CRC-32 is 0x\(String(header.u32(88), radix: 16)), its bytes give 0x\(String(entriesCRC, radix: 16))"
            )
        }
        var partitions: [Partition] = []
        for index in 0..<entryCount {
            let base = index * entrySize
            guard table[base..<base + 16].contains(where: { $0 != 0 }) else { continue }
            let firstLBA = Int64(clamping: table.u64(base + 32))
            let lastLBA = Int64(clamping: table.u64(base + 40))
            guard lastLBA >= firstLBA, lastLBA < Int64.max / Int64(sectorSize) - 1 else {
                throw Damage(reason: "entry \(index + 1) ends before it starts")
            }
            partitions.append(
                try PartitionTable.checked(
                    device, "GPT", index + 1, start: firstLBA * Int64(sectorSize),
                    length: (lastLBA - firstLBA + 1) * Int64(sectorSize)))
        }
        return Copy(partitions: partitions, alternateLBA: Int64(clamping: header.u64(32)))
    }
}

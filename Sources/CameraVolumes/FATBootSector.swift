/// The BIOS parameter block of a FAT12/16/32 volume, checked field by field against the spec
/// (Microsoft's FAT32 File System Specification 1.03) and against the region that holds it.
struct FATBootSector: Equatable {
    enum Kind: String { case fat12 = "FAT12", fat16 = "FAT16", fat32 = "FAT32" }

    var kind: Kind
    var bytesPerSector: Int
    var sectorsPerCluster: Int
    var reservedSectors: Int
    var fatCount: Int
    var rootEntryCount: Int
    var totalSectors: Int64
    var sectorsPerFAT: Int64
    var rootCluster: UInt32
    var fsInfoSector: Int
    /// With mirroring off (FAT32 extended flags bit 7), the one FAT in use.
    var activeFAT: Int?
    var clusterCount: UInt32
    var volumeID: UInt32

    var clusterSize: Int { bytesPerSector * sectorsPerCluster }
    /// Byte offset of FAT copy `index` in the volume.
    func fatOffset(_ index: Int) -> Int64 {
        (Int64(reservedSectors) + Int64(index) * sectorsPerFAT) * Int64(bytesPerSector)
    }
    /// Byte offset and length of the fixed root directory of FAT12/16.
    var rootDirectoryOffset: Int64 { fatOffset(fatCount) }
    var rootDirectoryBytes: Int { rootEntryCount * 32 }
    /// Byte offset of cluster 2.
    var dataOffset: Int64 {
        rootDirectoryOffset + Int64((rootDirectoryBytes + bytesPerSector - 1) / bytesPerSector * bytesPerSector)
    }

    /// Parses and checks sector 0 of a FAT volume of `regionLength` bytes.
    /// - Throws: `VolumeError.corrupt` naming the bad field; `.truncated` when the FATs or the root
    ///   directory lie beyond the end of the region.
    init(_ sector: [UInt8], regionLength: Int64, source: String) throws {
        func bad(_ field: String) -> VolumeError {
            .corrupt("\(source): the FAT boot sector has \(field); the boot sector is corrupt or this is not FAT")
        }
        bytesPerSector = Int(sector.u16(11))
        guard [512, 1024, 2048, 4096].contains(bytesPerSector) else {
            throw bad("\(bytesPerSector) bytes per sector (must be 512, 1024, 2048 or 4096)")
        }
        sectorsPerCluster = Int(sector[13])
        guard sectorsPerCluster > 0, sectorsPerCluster & (sectorsPerCluster - 1) == 0 else {
            throw bad("\(sectorsPerCluster) sectors per cluster (must be a power of two)")
        }
        guard bytesPerSector * sectorsPerCluster <= 256 << 10 else {
            throw bad("clusters of \(bytesPerSector * sectorsPerCluster) bytes (more than 256 KiB)")
        }
        reservedSectors = Int(sector.u16(14))
        guard reservedSectors > 0 else { throw bad("no reserved sectors") }
        fatCount = Int(sector[16])
        guard (1...4).contains(fatCount) else { throw bad("\(fatCount) FAT copies (must be 1 to 4)") }
        rootEntryCount = Int(sector.u16(17))
        let total16 = Int64(sector.u16(19))
        totalSectors = total16 != 0 ? total16 : Int64(sector.u32(32))
        let fat16Size = Int64(sector.u16(22))
        sectorsPerFAT = fat16Size != 0 ? fat16Size : Int64(sector.u32(36))
        guard sectorsPerFAT > 0 else { throw bad("a FAT of 0 sectors") }
        volumeID = sector.u32(fat16Size != 0 ? 39 : 67)

        let rootSectors = Int64((rootEntryCount * 32 + bytesPerSector - 1) / bytesPerSector)
        let metadataSectors = Int64(reservedSectors) + Int64(fatCount) * sectorsPerFAT + rootSectors
        guard totalSectors > metadataSectors else {
            throw bad("\(totalSectors) sectors in all, not more than its \(metadataSectors) sectors of metadata")
        }
        let clusters = (totalSectors - metadataSectors) / Int64(sectorsPerCluster)
        guard clusters >= 1, clusters <= 0x0fff_fff5 else { throw bad("\(clusters) clusters") }
        clusterCount = UInt32(clusters)
        kind = clusters < 4085 ? .fat12 : clusters < 65525 ? .fat16 : .fat32

        rootCluster = 0
        fsInfoSector = 0
        activeFAT = nil
        if kind == .fat32 {
            guard rootEntryCount == 0, fat16Size == 0 else {
                throw bad("FAT32's cluster count but a FAT16 root directory or FAT size")
            }
            rootCluster = sector.u32(44)
            guard rootCluster >= 2, rootCluster <= clusterCount + 1 else {
                throw bad("root directory cluster \(rootCluster), outside 2...\(clusterCount + 1)")
            }
            fsInfoSector = Int(sector.u16(48))
            let flags = sector.u16(40)
            if flags & 0x80 != 0 {
                let active = Int(flags & 0x0f)
                guard active < fatCount else { throw bad("active FAT \(active) of \(fatCount)") }
                activeFAT = active
            }
        } else {
            guard rootEntryCount > 0 else { throw bad("a FAT12/16 cluster count but no root directory entries") }
        }
        // The FAT must have an entry for every cluster.
        let bitsPerEntry: Int64 = kind == .fat12 ? 12 : kind == .fat16 ? 16 : 32
        guard sectorsPerFAT * Int64(bytesPerSector) * 8 >= (Int64(clusterCount) + 2) * bitsPerEntry else {
            throw bad("a FAT of \(sectorsPerFAT) sectors, too small for \(clusterCount) clusters")
        }
        // The FATs and the fixed root directory must be on the device; the data may be cut short (a
        // truncated image), and then only the files beyond the end fail.
        guard dataOffset <= regionLength else {
            throw VolumeError(
                code: .truncated,
                message:
                    "\(source) ends at byte \(regionLength), before the end of its FATs and root directory (byte \(dataOffset)); the image is truncated"
            )
        }
    }
}

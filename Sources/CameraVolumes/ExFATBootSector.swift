/// The main boot region of an exFAT volume (Microsoft's exFAT specification §3), checked field by
/// field, with the boot checksum of sector 11.
struct ExFATBootSector: Equatable {
    var bytesPerSectorShift: Int
    var sectorsPerClusterShift: Int
    var volumeLength: Int64
    var fatOffset: Int64
    var fatLength: Int64
    var fatCount: Int
    var clusterHeapOffset: Int64
    var clusterCount: UInt32
    var rootCluster: UInt32
    var volumeSerial: UInt32
    var activeFAT: Int

    var bytesPerSector: Int { 1 << bytesPerSectorShift }
    var clusterSize: Int { 1 << (bytesPerSectorShift + sectorsPerClusterShift) }
    /// Byte offset of FAT copy `index` in the volume.
    func fatByteOffset(_ index: Int) -> Int64 { (fatOffset + Int64(index) * fatLength) << bytesPerSectorShift }
    var heapByteOffset: Int64 { clusterHeapOffset << bytesPerSectorShift }

    /// Parses and checks the boot region (sectors 0...11) of an exFAT volume of `regionLength` bytes.
    /// - Throws: `VolumeError.corrupt` naming the bad field, `.truncated` when the FAT lies beyond the end.
    init(sector: [UInt8], bootRegion: () throws -> [UInt8], regionLength: Int64, source: String) throws {
        func bad(_ field: String) -> VolumeError {
            .corrupt("\(source): the exFAT boot sector has \(field); the boot sector is corrupt")
        }
        guard sector[11..<64].allSatisfy({ $0 == 0 }) else { throw bad("non-zero bytes where FAT's BPB would be") }
        guard sector[510] == 0x55, sector[511] == 0xaa else { throw bad("no boot signature") }
        bytesPerSectorShift = Int(sector[108])
        guard (9...12).contains(bytesPerSectorShift) else {
            throw bad("a bytes-per-sector shift of \(bytesPerSectorShift) (must be 9 to 12)")
        }
        sectorsPerClusterShift = Int(sector[109])
        guard sectorsPerClusterShift <= 25 - bytesPerSectorShift else {
            throw bad("a sectors-per-cluster shift of \(sectorsPerClusterShift) (clusters over 32 MiB)")
        }
        fatCount = Int(sector[110])
        guard fatCount == 1 || fatCount == 2 else { throw bad("\(fatCount) FATs (must be 1 or 2)") }
        volumeLength = Int64(clamping: sector.u64(72))
        fatOffset = Int64(sector.u32(80))
        fatLength = Int64(sector.u32(84))
        clusterHeapOffset = Int64(sector.u32(88))
        clusterCount = sector.u32(92)
        rootCluster = sector.u32(96)
        volumeSerial = sector.u32(100)
        activeFAT = fatCount == 2 ? Int(sector.u16(106) & 1) : 0
        guard volumeLength >= (1 << 20) >> bytesPerSectorShift, volumeLength < Int64.max >> 12 else {
            throw bad("a volume length of \(volumeLength) sectors")
        }
        guard fatOffset >= 24, fatLength > 0, fatOffset + fatLength * Int64(fatCount) <= clusterHeapOffset else {
            throw bad("a FAT at sector \(fatOffset) of \(fatLength) sectors overlapping the cluster heap")
        }
        guard clusterCount >= 1, clusterCount <= 0xffff_fff5,
            Int64(clusterCount) <= (volumeLength - clusterHeapOffset) >> sectorsPerClusterShift
        else {
            throw bad("\(clusterCount) clusters, more than fit in the volume")
        }
        guard fatLength << bytesPerSectorShift >= (Int64(clusterCount) + 2) * 4 else {
            throw bad("a FAT of \(fatLength) sectors, too small for \(clusterCount) clusters")
        }
        guard rootCluster >= 2, rootCluster <= clusterCount + 1 else {
            throw bad("root directory cluster \(rootCluster), outside 2...\(clusterCount + 1)")
        }
        guard fatByteOffset(fatCount) <= regionLength else {
            throw VolumeError(
                code: .truncated,
                message:
                    "\(source) ends at byte \(regionLength), before the end of its FAT (byte \(fatByteOffset(fatCount))); the image is truncated"
            )
        }
        // The boot checksum (sector 11) covers sectors 0...10, less the flags and percent-in-use bytes.
        let region = try bootRegion()
        let size = bytesPerSector
        var sum: UInt32 = 0
        for index in 0..<(11 * size) where index != 106 && index != 107 && index != 112 {
            sum = (sum & 1 == 1 ? 0x8000_0000 : 0) &+ (sum >> 1) &+ UInt32(region[index])
        }
        for word in 0..<(size / 4) where region.u32(11 * size + word * 4) != sum {
            throw bad("a boot checksum that does not match sectors 0 to 10")
        }
    }
}

/// exFAT keeps two boot regions: the main one (sectors 0 to 11) and a backup (sectors 12 to 23), each
/// with its own checksum (exFAT specification §3.1). A card whose main region is damaged — one byte of
/// boot code is enough to break the checksum — is read through the backup, and the damage is reported.
enum ExFATBootRegion {
    /// The boot sector of the volume in `region`, and why the main region could not be used when the
    /// backup was.
    /// - Throws: the main region's `VolumeError` when the backup is no better.
    static func read(_ region: DeviceRegion, source: String) throws -> (boot: ExFATBootSector, damage: String?) {
        do {
            return (try parse(region, firstSector: 0, shift: nil, source: source), nil)
        } catch let main as VolumeError where main.code == .corrupt {
            // The backup starts at sector 12 of a size the damaged main region may misstate: try each.
            for shift in 9...12 {
                guard let backup = try? parse(region, firstSector: 12, shift: shift, source: source) else { continue }
                return (
                    backup,
                    "the main exFAT boot region is damaged (\(main.message)); the backup boot region (sectors 12 to 23) was used"
                )
            }
            throw main
        }
    }

    /// Parses the boot region starting at `firstSector`, in sectors of `1 << shift` bytes (the shift
    /// the region states, when nil).
    private static func parse(_ region: DeviceRegion, firstSector: Int64, shift: Int?, source: String) throws
        -> ExFATBootSector
    {
        let guess = shift ?? 9
        let sector = try region.device.read(
            at: region.start + (firstSector << guess), count: 512, for: "the exFAT boot sector")
        let stated = Int(sector[108])
        guard shift == nil || stated == shift else {
            throw VolumeError.corrupt("\(source): no exFAT boot sector with \(1 << guess)-byte sectors at sector 12")
        }
        guard FilesystemProbe.kind(of: sector) == .exfat else {
            throw VolumeError.corrupt("\(source): no exFAT boot sector at sector \(firstSector)")
        }
        let boot = try ExFATBootSector(
            sector: sector,
            bootRegion: {
                try region.device.read(
                    at: region.start + (firstSector << stated), count: 12 << stated, for: "the exFAT boot region")
            }, regionLength: region.length, source: source)
        return boot
    }
}

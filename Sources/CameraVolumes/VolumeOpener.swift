import CustodyCore
import Foundation
import SystemPackage

#if canImport(Glibc)
    import Glibc
#endif

/// Opens whatever a camera shows up as: a directory, an image file or a block device.
public enum VolumeOpener {
    /// Opens `path` as a camera volume.
    ///
    /// A directory is read as a `DirectoryVolume`. An image file or block device is opened read-only
    /// and its partitions (MBR, GPT, or none) are searched, in order, for the first FAT or exFAT
    /// filesystem.
    /// - Parameters:
    ///   - path: an absolute path.
    ///   - timeZone: the zone FAT's local times (and exFAT times without a recorded offset) are taken in.
    ///   - wipe: how a FAT or exFAT volume's `wipe` deletes: its journal, and whether it overwrites.
    /// - Throws: `VolumeError` (`.unavailable`, `.unrecognized`, `.corrupt`, `.truncated`) naming the path.
    public static func open(
        _ path: String, timeZone: TimeZone = .current, wipe: WipeOptions = WipeOptions()
    ) throws -> any CameraVolume {
        var status = stat()
        guard stat(path, &status) == 0 else {
            throw VolumeError(
                code: .unavailable, message: "cannot open \(path): \(Errno(rawValue: errno)); check the path")
        }
        if status.st_mode & S_IFMT == S_IFDIR { return DirectoryVolume(root: FilePath(path)) }
        let device = try BlockDevice(path: path)
        let clock = VolumeClock(zone: timeZone)
        var problems: [String] = []
        for partition in try PartitionTable.discover(device) {
            let region = DeviceRegion(device: device, start: partition.start, length: partition.length)
            let sector = try device.read(at: partition.start, count: 512, for: "the boot sector of a partition")
            switch FilesystemProbe.kind(of: sector) {
            case .fat:
                let volume = try FATVolume(region: region, partition: partition, clock: clock)
                volume.wipeOptions = wipe
                return volume
            case .exfat:
                let volume = try ExFATVolume(region: region, partition: partition, clock: clock)
                volume.wipeOptions = wipe
                return volume
            case nil: problems.append("\(partition.scheme) partition \(partition.number) holds neither FAT nor exFAT")
            }
        }
        throw VolumeError(
            code: .unrecognized,
            message: "\(path): no FAT or exFAT filesystem found (\(problems.joined(separator: "; ")))")
    }
}

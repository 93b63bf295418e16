import CustodyCore

/// A camera's storage as Custody reads it: a FAT or exFAT filesystem parsed from a block device or an
/// image file, or an already-mounted folder. The ingest pipeline reads every kind through this one
/// interface.
///
/// A volume is owned by one task at a time. Files are opened only from inside `walk`'s visitor (a
/// directory volume's handles are valid only during the visit).
public protocol CameraVolume: AnyObject {
    /// What items record as their source root: the directory, image or device path.
    var root: String { get }
    /// One line for people: the filesystem and where it was found.
    var summary: String { get }
    /// Visits every entry of the volume, depth first, names in byte order within a directory.
    ///
    /// A damaged directory or file is reported as `.failed` and the walk goes on with the rest.
    /// - Throws: `VolumeError` when the volume as a whole cannot be walked; whatever `visit` throws.
    func walk(_ visit: (VolumeItem) throws -> Void) throws
    /// Opens a file found by the walk, for one sequential read.
    /// - Throws: `VolumeError` naming the file (`.changed` if it is no longer the file the walk saw,
    ///   `.corrupt` if its cluster chain is broken).
    func open(_ file: VolumeFile) throws -> any VolumeFileReader
    /// Deletes `files` from the volume and flushes it; everything else stays byte-identical.
    ///
    /// The caller has checked that every file's item is verified. Each file's directory entry is
    /// re-read first: one that changed since the walk is left alone and reported.
    /// - Returns: what was deleted and what was left, with reasons.
    /// - Throws: `VolumeError` (`.unsupported`, `.wipeRefused`, `.wipeFailed`).
    func wipe(_ files: [VolumeFile]) throws -> WipeReport
    /// Whether an interrupted wipe left work on this volume that `wipe` (even of no files) finishes.
    var hasInterruptedWipe: Bool { get }
}

extension CameraVolume {
    /// Volumes without a wipe journal never have one.
    public var hasInterruptedWipe: Bool { false }
}

/// What a walk reports for each entry.
public enum VolumeItem {
    /// A regular file, to ingest.
    case file(VolumeFile)
    /// Something not ingested on purpose (a symlink, a FIFO, a device), and why.
    case skipped(path: RawPath, reason: String)
    /// A file or directory that cannot be read because the volume is damaged there, and why.
    case failed(path: RawPath, reason: String)
}

/// A file on a volume, as its directory entry describes it.
public struct VolumeFile {
    /// Its path below the volume's root (UTF-8 for FAT/exFAT names; raw bytes for directories).
    public var path: RawPath
    /// Its size in bytes.
    public var size: Int64
    /// Its last modification time.
    public var modified: VolumeTimestamp
    /// Its creation time, where the filesystem keeps one.
    public var created: VolumeTimestamp?
    /// Where the file is, for the volume that found it.
    let location: Location

    enum Location {
        case directory(DirectoryVolume.Location)
        case fat(FATVolume.Location)
        case exfat(ExFATVolume.Location)
        /// A file of a volume implemented in another module (an MTP terminal in `Devices`).
        case external(UInt64)
    }
}

extension VolumeFile {
    /// Creates a file for a volume implemented outside this module (an MTP terminal), which finds the
    /// file again by `externalID`.
    public init(path: RawPath, size: Int64, modified: VolumeTimestamp, created: VolumeTimestamp?, externalID: UInt64) {
        self.init(path: path, size: size, modified: modified, created: created, location: .external(externalID))
    }

    /// The identifier an outside volume gave this file; nil for directories, FAT and exFAT.
    public var externalID: UInt64? {
        guard case .external(let id) = location else { return nil }
        return id
    }
}

/// A point in time as a volume recorded it.
public struct VolumeTimestamp: Hashable, Sendable {
    /// The instant, in nanoseconds since the Unix epoch (UTC).
    public var nanosecondsSinceEpoch: Int64
    /// The value as the filesystem stored it, when it is not an instant by itself (FAT's local time).
    public var raw: String?
    /// The time zone the instant was computed with: a recorded UTC offset (exFAT, `+02:00`) or an
    /// assumed zone (FAT keeps none; `Europe/Berlin (assumed)`). Nil for a POSIX instant.
    public var zone: String?

    /// Creates a timestamp.
    public init(nanosecondsSinceEpoch: Int64, raw: String? = nil, zone: String? = nil) {
        self.nanosecondsSinceEpoch = nanosecondsSinceEpoch
        self.raw = raw
        self.zone = zone
    }
}

/// One sequential read of one file.
public protocol VolumeFileReader: AnyObject {
    /// The size the file had when it was opened.
    var size: Int64 { get }
    /// Reads into `buffer` from the current position; 0 at the end. Fills as much as it can.
    /// - Throws: `VolumeError` naming the file.
    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int
    /// Checks that the file is still the one that was opened (size, times, directory entry).
    /// - Throws: `VolumeError.changed` naming the file.
    func checkUnchanged() throws
}

/// What a wipe did.
public struct WipeReport: Sendable, Equatable {
    /// The files deleted from the volume.
    public var wiped: [RawPath] = []
    /// The files left on the volume, and why.
    public var kept: [Kept] = []
    /// Clusters returned to the free pool.
    public var clustersFreed = 0
    /// Files an earlier, interrupted wipe had begun deleting, whose deletion this one finished.
    public var completed: [RawPath] = []

    /// A file that was not deleted.
    public struct Kept: Sendable, Equatable {
        public var path: RawPath
        public var reason: String

        /// Creates an entry (public for volumes implemented outside this module).
        public init(path: RawPath, reason: String) {
            self.path = path
            self.reason = reason
        }
    }

    public init() {}
}

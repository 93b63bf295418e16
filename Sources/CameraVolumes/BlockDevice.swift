import CustodyCore
import SystemPackage

#if canImport(Glibc)
    import Glibc
#endif

/// A block device or image file opened read-only: the one owner of its descriptor.
///
/// Reads are positioned (`pread`), so one device serves the walk and any reader in turn. A read that
/// ends early is the image's end, reported as `.truncated` with the structure it was for.
final class BlockDevice {
    /// The path it was opened by.
    let path: String
    /// Its length in bytes.
    let length: Int64
    /// True for a block device node, false for an image file.
    let isBlockDevice: Bool
    private let fd: Int32
    private let opened: stat

    /// Opens `path` with `O_RDONLY`: nothing Custody does through this handle can change the volume.
    /// - Throws: `VolumeError.unavailable` naming the path.
    init(path: String) throws {
        let fd = Glibc.open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK)
        guard fd >= 0 else {
            throw VolumeError(
                code: .unavailable,
                message: "cannot open \(path) read-only: \(Errno(rawValue: errno)); check the path and permissions")
        }
        var status = stat()
        guard fstat(fd, &status) == 0 else {
            close(fd)
            throw VolumeError(code: .unavailable, message: "cannot stat \(path): \(Errno(rawValue: errno))")
        }
        let kind = status.st_mode & S_IFMT
        guard kind == S_IFREG || kind == S_IFBLK else {
            close(fd)
            throw VolumeError(
                code: .unavailable,
                message: "\(path) is neither a directory, an image file nor a block device")
        }
        // Blocking reads from here on (O_NONBLOCK only kept a FIFO swapped in from hanging the open).
        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK)
        let end = lseek(fd, 0, SEEK_END)
        guard end >= 0 else {
            close(fd)
            throw VolumeError(code: .unavailable, message: "cannot size \(path): \(Errno(rawValue: errno))")
        }
        _ = posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL)
        self.path = path
        self.fd = fd
        self.length = Int64(end)
        self.isBlockDevice = kind == S_IFBLK
        self.opened = status
    }

    deinit { close(fd) }

    /// Reads exactly `buffer.count` bytes at `offset`.
    /// - Throws: `.truncated` when the device ends first, `.unreadable` on an I/O error; both name `what`.
    func read(at offset: Int64, into buffer: UnsafeMutableRawBufferPointer, for what: @autoclosure () -> String)
        throws
    {
        var done = 0
        while done < buffer.count {
            let got = pread(fd, buffer.baseAddress! + done, buffer.count - done, off_t(offset + Int64(done)))
            if got < 0 {
                if errno == EINTR { continue }
                throw VolumeError(
                    code: .unreadable,
                    message:
                        "cannot read \(what()) at byte \(offset + Int64(done)) of \(path): \(Errno(rawValue: errno))")
            }
            if got == 0 {
                throw VolumeError(
                    code: .truncated,
                    message:
                        "\(path) ends at byte \(offset + Int64(done)), inside \(what()); the image or device is truncated"
                )
            }
            done += got
        }
    }

    /// Reads exactly `count` bytes at `offset` into a new array.
    /// - Throws: as `read(at:into:for:)`.
    func read(at offset: Int64, count: Int, for what: @autoclosure () -> String) throws -> [UInt8] {
        guard count > 0 else { return [] }
        guard offset >= 0, offset <= length, Int64(count) <= length - offset else {
            throw VolumeError(
                code: .truncated,
                message:
                    "\(what()) (bytes \(offset)..<\(offset + Int64(count))) lies beyond the end of \(path) (\(length) bytes); the image or device is truncated or the structure is corrupt"
            )
        }
        var bytes = [UInt8](repeating: 0, count: count)
        try bytes.withUnsafeMutableBytes { try read(at: offset, into: $0, for: what()) }
        return bytes
    }

    /// Checks that an image file was not modified since it was opened (a block device is checked
    /// through the directory entries instead).
    /// - Throws: `VolumeError.changed`.
    func checkUnchanged(_ what: @autoclosure () -> String) throws {
        guard !isBlockDevice else { return }
        var now = stat()
        guard fstat(fd, &now) == 0, now.st_size == opened.st_size, now.st_mtim.tv_sec == opened.st_mtim.tv_sec,
            now.st_mtim.tv_nsec == opened.st_mtim.tv_nsec, now.st_ctim.tv_sec == opened.st_ctim.tv_sec,
            now.st_ctim.tv_nsec == opened.st_ctim.tv_nsec
        else {
            throw VolumeError(
                code: .changed,
                message:
                    "the image \(path) was modified while \(what()) was read; it will be retried on the next import")
        }
    }
}

/// A read-write handle on the same device, opened only for a wipe: every write is positioned and
/// bounds-checked against the structure it is meant for, and the device is flushed before it closes.
final class WritableDevice {
    let path: String
    private let fd: Int32
    /// Writes left before an injected failure (tests that stop a wipe at each of its writes).
    private var writesBeforeFault: Int?

    /// A block device is opened with `O_EXCL`, which Linux refuses while the device (or one of its
    /// partitions) is mounted: Custody never writes under a kernel filesystem driver's feet.
    /// - Throws: `VolumeError.wipeRefused` when the device cannot be opened for writing.
    init(path: String, blockDevice: Bool, fault: WriteFault? = nil) throws {
        writesBeforeFault = fault?.after
        let fd = Glibc.open(path, O_RDWR | O_CLOEXEC | O_NOCTTY | (blockDevice ? O_EXCL : 0))
        guard fd >= 0 else {
            throw VolumeError(
                code: .wipeRefused,
                message:
                    "cannot open \(path) for writing to wipe verified files: \(Errno(rawValue: errno)); nothing was deleted"
            )
        }
        self.path = path
        self.fd = fd
    }

    deinit { close(fd) }

    /// Writes `bytes` at `offset`.
    /// - Throws: `VolumeError.wipeFailed` naming `what`.
    func write(_ bytes: [UInt8], at offset: Int64, for what: @autoclosure () -> String) throws {
        if let left = writesBeforeFault {
            guard left > 0 else {
                throw VolumeError(code: .wipeFailed, message: "injected fault before writing \(what())")
            }
            writesBeforeFault = left - 1
        }
        var done = 0
        while done < bytes.count {
            let wrote = bytes.withUnsafeBytes { raw in
                pwrite(fd, raw.baseAddress! + done, bytes.count - done, off_t(offset + Int64(done)))
            }
            if wrote < 0 {
                if errno == EINTR { continue }
                throw VolumeError(
                    code: .wipeFailed,
                    message: "cannot write \(what()) at byte \(offset) of \(path): \(Errno(rawValue: errno))")
            }
            done += wrote
        }
    }

    /// Makes every write durable on the device.
    /// - Throws: `VolumeError.wipeFailed`.
    func flush() throws {
        guard fsync(fd) == 0 else {
            throw VolumeError(code: .wipeFailed, message: "cannot flush \(path): \(Errno(rawValue: errno))")
        }
    }
}

/// A slice of a device: a partition, or the whole device for an unpartitioned volume.
struct DeviceRegion {
    let device: BlockDevice
    /// Where the region starts on the device, in bytes.
    let start: Int64
    /// Its length as the partition table (or the device size) gives it.
    let length: Int64

    /// The device offset just past the region.
    var end: Int64 { start + length }

    /// Reads `count` bytes at device offset `offset`, which must lie inside the region: a filesystem
    /// that claims more than its partition must not read the next partition's bytes as its own.
    /// - Throws: `.truncated` naming `what` when the bytes are past the region's end; as `BlockDevice`.
    func read(at offset: Int64, count: Int, for what: @autoclosure () -> String) throws -> [UInt8] {
        try checkInside(offset, count: Int64(count), what())
        return try device.read(at: offset, count: count, for: what())
    }

    /// - Throws: `.truncated` when `offset..<offset+count` is not inside the region.
    func checkInside(_ offset: Int64, count: Int64, _ what: @autoclosure () -> String) throws {
        guard offset >= start, count >= 0, offset <= end, count <= end - offset else {
            throw VolumeError(
                code: .truncated,
                message:
                    "\(what()) (bytes \(offset)..<\(offset + count)) lies past the end of its partition or image at byte \(end) of \(device.path); the image is truncated or the filesystem is larger than its partition"
            )
        }
    }
}

// MARK: - Little-endian fields of on-disk structures

extension Array where Element == UInt8 {
    func u8(_ offset: Int) -> UInt8 { self[offset] }
    func u16(_ offset: Int) -> UInt16 { UInt16(self[offset]) | UInt16(self[offset + 1]) << 8 }
    func u32(_ offset: Int) -> UInt32 {
        UInt32(self[offset]) | UInt32(self[offset + 1]) << 8 | UInt32(self[offset + 2]) << 16
            | UInt32(self[offset + 3]) << 24
    }
    func u64(_ offset: Int) -> UInt64 { UInt64(u32(offset)) | UInt64(u32(offset + 4)) << 32 }
    mutating func setU16(_ offset: Int, _ value: UInt16) {
        self[offset] = UInt8(value & 0xff)
        self[offset + 1] = UInt8(value >> 8)
    }
    mutating func setU32(_ offset: Int, _ value: UInt32) {
        for index in 0..<4 { self[offset + index] = UInt8((value >> (8 * UInt32(index))) & 0xff) }
    }
}

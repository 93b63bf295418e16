import CameraVolumes
import CustodyCore
import Foundation
import SystemPackage

#if canImport(Glibc)
    import Glibc
#endif

/// A watched folder as a camera volume: the folder's files that have settled, and — when the folder
/// is configured to — removal of the files whose items verified.
///
/// Removal re-checks each file first (still a regular file, same size and modification time as when
/// it was read) and leaves any that changed: a writer that came back wins over the wipe.
final class DropFolderVolume: CameraVolume {
    private let rootPath: FilePath
    /// The folder's settled files; walking and opening are the directory's.
    private let settledFiles: FilteredVolume

    var root: String { settledFiles.root }
    var summary: String { "watched folder \(rootPath)" }

    init(root: FilePath, settled: Set<RawPath>) {
        rootPath = root
        settledFiles = FilteredVolume(DirectoryVolume(root: root)) { settled.contains($0) }
    }

    func walk(_ visit: (VolumeItem) throws -> Void) throws { try settledFiles.walk(visit) }

    func open(_ file: VolumeFile) throws -> any VolumeFileReader { try settledFiles.open(file) }

    func wipe(_ files: [VolumeFile]) throws -> WipeReport {
        var report = WipeReport()
        var directories = Set<[UInt8]>()
        for file in files {
            guard !file.path.bytes.isEmpty, !file.path.bytes.contains(0) else { continue }
            // Names are bytes (not always UTF-8): build the C path from bytes.
            let path = Array(rootPath.string.utf8) + [UInt8(ascii: "/")] + file.path.bytes
            var status = stat()
            guard withCPath(path, { lstat($0, &status) }) == 0, status.st_mode & S_IFMT == S_IFREG else {
                report.kept.append(.init(path: file.path, reason: "no longer a regular file"))
                continue
            }
            let modified = Int64(status.st_mtim.tv_sec) * 1_000_000_000 + Int64(status.st_mtim.tv_nsec)
            guard Int64(status.st_size) == file.size, modified == file.modified.nanosecondsSinceEpoch else {
                report.kept.append(.init(path: file.path, reason: "changed after it was read"))
                continue
            }
            guard withCPath(path, { unlink($0) }) == 0 else {
                report.kept.append(.init(path: file.path, reason: "cannot remove: \(Errno(rawValue: errno))"))
                continue
            }
            report.wiped.append(file.path)
            directories.insert(Array(path[..<(path.lastIndex(of: UInt8(ascii: "/")) ?? path.endIndex)]))
        }
        // The removals are durable before the report says so.
        for directory in directories {
            let fd = withCPath(directory) { Glibc.open($0, O_RDONLY | O_DIRECTORY | O_CLOEXEC) }
            if fd >= 0 {
                fsync(fd)
                close(fd)
            }
        }
        return report
    }
}

/// Calls `body` with `bytes` as a NUL-terminated C string.
private func withCPath<T>(_ bytes: [UInt8], _ body: (UnsafePointer<CChar>) -> T) -> T {
    (bytes + [0]).withUnsafeBufferPointer { buffer in
        buffer.withMemoryRebound(to: CChar.self) { body($0.baseAddress!) }
    }
}

import CustodyCore
import CustodyTesting
import EvidenceCrypto
import Foundation

@testable import CameraVolumes

#if canImport(Glibc)
    import Glibc
#endif

let isRoot = geteuid() == 0

/// What Custody's own reader makes of a volume.
struct Reading {
    /// Path (display form) to SHA-256 hex of every file read.
    var hashes: [String: String] = [:]
    /// Files and directories the walk or the read reported as failed, with the reason.
    var failures: [String: String] = [:]
    /// The files as the walk listed them.
    var files: [String: VolumeFile] = [:]
}

/// Walks `volume` and reads every file through its reader, in 1 MiB pieces.
func read(_ volume: any CameraVolume, buffer size: Int = 1 << 20) throws -> Reading {
    var reading = Reading()
    let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: size, alignment: 4096)
    defer { buffer.deallocate() }
    try volume.walk { item in
        switch item {
        case .file(let file):
            let path = file.path.displayString
            reading.files[path] = file
            do {
                let reader = try volume.open(file)
                let hasher = SHA256Hasher()
                var total: Int64 = 0
                while case let got = try reader.read(into: buffer), got > 0 {
                    hasher.update(UnsafeRawBufferPointer(rebasing: buffer[..<got]))
                    total += Int64(got)
                }
                try reader.checkUnchanged()
                guard total == file.size else {
                    reading.failures[path] = "read \(total) of \(file.size) bytes"
                    return
                }
                reading.hashes[path] = hasher.finalize().hex
            } catch let error as VolumeError {
                reading.failures[path] = error.description
            }
        case .failed(let path, let reason):
            reading.failures[path.displayString] = reason
        case .skipped(let path, let reason):
            reading.failures[path.displayString] = "skipped: \(reason)"
        }
    }
    return reading
}

/// Opens an image as a volume, with times taken in UTC unless said otherwise.
func openVolume(_ path: String, zone: String = "UTC") throws -> any CameraVolume {
    try VolumeOpener.open(path, timeZone: TimeZone(identifier: zone)!)
}

/// Overwrites `bytes` at `offset` of the file at `path` (damage on purpose).
func patch(_ path: String, at offset: Int64, _ bytes: [UInt8]) throws {
    let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
    defer { try? handle.close() }
    try handle.seek(toOffset: UInt64(offset))
    try handle.write(contentsOf: Data(bytes))
}

// libFuzzer harness for the camera-volume parsers: `make fuzz-volumes` (not part of CI).
//
// Each input is a whole disk image: partition discovery (MBR, GPT, none), the FAT and exFAT boot
// sectors, every directory (long names, entry sets, up-case table) and every cluster chain are parsed,
// and every file the walk lists is read to its end, as an import would. The parsers must end in a
// VolumeError (or succeed) for any input: a crash, a hang (-timeout) or runaway memory (-rss_limit_mb)
// is a finding. The image goes through a file in /dev/shm because the readers take a path.

import CameraVolumes
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

private let imagePath = "/dev/shm/custody-fuzz-volume-\(getpid()).img"
private let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 20, alignment: 4096)

/// Removes the scratch image when libFuzzer exits.
@_cdecl("LLVMFuzzerInitialize")
public func initialize(_ argc: UnsafeMutablePointer<CInt>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>)
    -> CInt
{
    atexit { unlink("/dev/shm/custody-fuzz-volume-\(getpid()).img") }
    return 0
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let fd = open(imagePath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
    guard fd >= 0 else { fatalError("cannot write \(imagePath)") }
    var written = 0
    while written < size {
        let n = write(fd, data + written, size - written)
        guard n > 0 else { fatalError("cannot write \(imagePath)") }
        written += n
    }
    close(fd)
    do {
        let volume = try VolumeOpener.open(imagePath, timeZone: TimeZone(identifier: "UTC")!)
        try volume.walk { item in
            guard case .file(let file) = item else { return }
            do {
                let reader = try volume.open(file)
                var total: Int64 = 0
                while case let got = try reader.read(into: buffer), got > 0 { total += Int64(got) }
                precondition(total == reader.size, "read \(total) of \(reader.size) bytes of \(file.path)")
                try reader.checkUnchanged()
            } catch is VolumeError {
                // A damaged file: reported, and the walk goes on.
            }
        }
    } catch is VolumeError {
        // A damaged volume: refused with a named error.
    } catch {
        fatalError("unexpected error type: \(error)")
    }
    return 0
}

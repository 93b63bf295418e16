import CameraVolumes
import CustodyCore
import Foundation

/// The clock of a mass-storage camera that keeps a clock file: a file it rewrites on its card when it
/// is connected (profile `clock_file`). The file's modification time is the camera's clock at about
/// the moment it docked, so the difference is the camera's offset — to FAT's two seconds, plus
/// however long the camera took to write it. Nothing on the card is written to read it.
enum ClockFile {
    /// The camera's offset (file time minus `dockedAt`), or nil when the volume has no such file.
    /// - Throws: `VolumeError` when the volume cannot be walked.
    static func offset(on volume: any CameraVolume, path: String, dockedAt: Date) throws -> ClockOffset? {
        struct Found: Error {}
        let wanted = RawPath(path)
        var found: VolumeFile?
        do {
            try volume.walk { item in
                guard case .file(let file) = item, file.path == wanted else { return }
                found = file
                throw Found()  // no need to walk the rest of the card
            }
        } catch is Found {}
        guard let file = found else { return nil }
        let seconds = Double(file.modified.nanosecondsSinceEpoch) / 1e9 - dockedAt.timeIntervalSince1970
        return ClockOffset(seconds: seconds.rounded(), method: .clockFile)
    }
}

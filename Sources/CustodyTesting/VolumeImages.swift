import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Camera-volume images for tests, made by `fixtures/volumes/make-image.sh` from Debian tools, and the
/// independent readings of them that Custody is checked against: `mcopy` for FAT, the exfat-fuse mount
/// for exFAT.
public enum VolumeImages {
    /// The repository's root directory.
    public static var repository: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().path
    }

    /// The committed corpus of hostile and broken images.
    public static var corpus: String { repository + "/Tests/CameraVolumesTests/Corpus" }

    /// Builds the image of `scenario` at `path`.
    /// - Throws: `FixtureFailure` with the script's output when it fails.
    @discardableResult
    public static func make(_ scenario: String, at path: String) throws -> String {
        let result = try run("/bin/bash", [repository + "/fixtures/volumes/make-image.sh", scenario, path])
        guard result.status == 0 else {
            throw FixtureFailure(message: "make-image.sh \(scenario) failed: \(result.stderr)\(result.stdout)")
        }
        return path
    }

    /// The byte offset of the first partition of an image (0 when it has no partition table).
    public static func firstPartitionOffset(_ image: String) throws -> Int64 {
        let result = try run("/usr/sbin/sfdisk", ["-J", image])
        guard result.status == 0,
            let json = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any],
            let table = json["partitiontable"] as? [String: Any],
            let partitions = table["partitions"] as? [[String: Any]], let start = partitions.first?["start"] as? Int
        else { return 0 }
        return Int64(start) * 512
    }

    /// Every file of a FAT image as `mcopy` extracts it: path (UTF-8, `/`-separated) to SHA-256 hex.
    public static func mtoolsHashes(_ image: String, scratch: String) throws -> [String: String] {
        let offset = try firstPartitionOffset(image)
        let target = scratch + "/mcopy-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: target, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: target) }
        let result = try run(
            "/usr/bin/mcopy", ["-s", "-n", "-m", "-Q", "-i", "\(image)@@\(offset)", "::*", target + "/"],
            environment: ["MTOOLS_SKIP_CHECK": "1", "LC_ALL": "C.UTF-8", "PATH": "/usr/bin:/bin"])
        guard result.status == 0 else { throw FixtureFailure(message: "mcopy failed: \(result.stderr)") }
        return try hashes(under: target)
    }

    /// Every file under `directory`: relative path to SHA-256 hex.
    public static func hashes(under directory: String) throws -> [String: String] {
        var out: [String: String] = [:]
        let enumerator = FileManager.default.enumerator(atPath: directory)
        while let relative = enumerator?.nextObject() as? String {
            var isDirectory: ObjCBool = false
            _ = FileManager.default.fileExists(atPath: directory + "/" + relative, isDirectory: &isDirectory)
            if !isDirectory.boolValue { out[relative] = try sha256Hex(ofFile: directory + "/" + relative) }
        }
        return out
    }

    /// Mounts an exFAT image (or its first partition) with exfat-fuse on a loop device, runs `body`
    /// with the mount point, and unmounts. Needs root.
    public static func withFUSEMount<R>(_ image: String, scratch: String, _ body: (String) throws -> R) throws -> R {
        let offset = try firstPartitionOffset(image)
        let attach = try run("/usr/sbin/losetup", ["-f", "--show", "-o", "\(offset)", image])
        guard attach.status == 0 else { throw FixtureFailure(message: "losetup failed: \(attach.stderr)") }
        let loop = attach.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        defer { _ = try? run("/usr/sbin/losetup", ["-d", loop]) }
        let mountPoint = scratch + "/fuse-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: mountPoint, withIntermediateDirectories: true)
        // The FUSE daemon outlives the command: it must hold none of our descriptors (Foundation's
        // Process waits for its own to close), so every one above stderr is closed before the exec.
        let mount = try run(
            "/bin/bash",
            [
                "-c",
                """
                for fd in /proc/self/fd/*; do fd=${fd##*/}; [ "$fd" -gt 2 ] && eval "exec $fd>&-" 2>/dev/null; done
                exec /usr/sbin/mount.exfat-fuse -o ro "$0" "$1" >/dev/null 2>&1
                """,
                loop, mountPoint,
            ])
        guard mount.status == 0 else { throw FixtureFailure(message: "mount.exfat-fuse failed: \(mount.stderr)") }
        defer { _ = try? run("/bin/umount", [mountPoint]) }
        return try body(mountPoint)
    }

    /// Every file of an exFAT image as the exfat-fuse mount shows it: path to SHA-256 hex. Needs root.
    public static func fuseHashes(_ image: String, scratch: String) throws -> [String: String] {
        try withFUSEMount(image, scratch: scratch) { try hashes(under: $0) }
    }

    /// What a filesystem checker says: `fsck.vfat -n` or `fsck.exfat -n` on the image's first
    /// partition (copied out, since neither takes an offset). Status 0 means no errors.
    public static func fsck(_ image: String, exfat: Bool, scratch: String) throws -> ProcessResult {
        let offset = try firstPartitionOffset(image)
        var target = image
        if offset > 0 {
            target = scratch + "/fsck-\(UUID().uuidString.prefix(8)).img"
            let copy = try run(
                "/bin/dd", ["if=\(image)", "of=\(target)", "bs=512", "skip=\(offset / 512)", "status=none"])
            guard copy.status == 0 else { throw FixtureFailure(message: "dd failed: \(copy.stderr)") }
        }
        defer { if target != image { try? FileManager.default.removeItem(atPath: target) } }
        return try run(exfat ? "/usr/sbin/fsck.exfat" : "/usr/sbin/fsck.vfat", ["-n", target])
    }
}

/// A fixture could not be made.
public struct FixtureFailure: Error, CustomStringConvertible {
    public var message: String
    public init(message: String) { self.message = message }
    public var description: String { message }
}

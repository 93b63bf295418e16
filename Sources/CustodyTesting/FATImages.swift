import Foundation

/// FAT images with chosen files, made by `mkfs.vfat` and `mcopy` (mtools), for tests that dock a
/// simulated recorder.
public enum FATImages {
    /// Makes a FAT image (FAT16 or FAT32, as mkfs.vfat picks for the size) of `megabytes` MiB at `path`, labelled `label`, holding `files` (path
    /// below the root → content). Returns each file's SHA-256 (hex) by path.
    @discardableResult
    public static func make(
        at path: String, megabytes: Int, label: String, files: [(String, [UInt8])], scratch: String
    ) throws -> [String: String] {
        _ = try run("/usr/bin/truncate", ["-s", "\(megabytes)M", path])
        let mkfs = try run("/usr/sbin/mkfs.vfat", ["-n", label, path])
        guard mkfs.status == 0 else { throw FixtureFailure(message: "mkfs.vfat: \(mkfs.stderr)") }
        var hashes: [String: String] = [:]
        var made = Set<String>()
        try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
        for (file, bytes) in files {
            var directory = ""
            for component in file.split(separator: "/").dropLast() {
                directory += "/" + component
                if made.insert(directory).inserted {
                    _ = try run("/usr/bin/mmd", ["-i", path, "::" + directory], environment: mtools)
                }
            }
            let staged = scratch + "/staged"
            _ = FileManager.default.createFile(atPath: staged, contents: Data(bytes))
            let copy = try run("/usr/bin/mcopy", ["-i", path, staged, "::/" + file], environment: mtools)
            guard copy.status == 0 else { throw FixtureFailure(message: "mcopy \(file): \(copy.stderr)") }
            hashes[file] = sha256Hex(bytes)
        }
        return hashes
    }

    private static let mtools = ["MTOOLS_SKIP_CHECK": "1", "LC_ALL": "C.UTF-8", "PATH": "/usr/bin:/bin"]
}

import CustodyCore

/// A volume seen through a filter: only the entries whose path `includes` accepts are walked. Opening
/// and wiping go to the underlying volume.
///
/// A dock session uses it to take only a profile's media folders; a watched folder uses it to take
/// only the files that stopped changing.
public final class FilteredVolume: CameraVolume {
    private let base: any CameraVolume
    private let includes: (RawPath) -> Bool

    public var root: String { base.root }
    public var summary: String { base.summary }

    /// Wraps `base`; `includes` sees each entry's path below the root.
    public init(_ base: any CameraVolume, includes: @escaping (RawPath) -> Bool) {
        self.base = base
        self.includes = includes
    }

    /// A filter for media folders: paths whose first component is one of `folders` (compared without
    /// regard to ASCII case, as FAT names are). An empty list takes the whole volume.
    public static func mediaFolders(_ base: any CameraVolume, _ folders: [String]) -> any CameraVolume {
        guard !folders.isEmpty else { return base }
        let wanted = Set(folders.map { Array($0.utf8.map(asciiLowercased)) })
        return FilteredVolume(base) { path in
            let first = path.bytes.split(separator: UInt8(ascii: "/"), maxSplits: 1).first ?? []
            return wanted.contains(first.map(asciiLowercased))
        }
    }

    public func walk(_ visit: (VolumeItem) throws -> Void) throws {
        try base.walk { item in
            switch item {
            case .file(let file): if includes(file.path) { try visit(item) }
            case .skipped(let path, _), .failed(let path, _): if includes(path) { try visit(item) }
            }
        }
    }

    public func open(_ file: VolumeFile) throws -> any VolumeFileReader { try base.open(file) }

    public func wipe(_ files: [VolumeFile]) throws -> WipeReport { try base.wipe(files) }
    public var hasInterruptedWipe: Bool { base.hasInterruptedWipe }
}

private func asciiLowercased(_ byte: UInt8) -> UInt8 {
    (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte) ? byte | 0x20 : byte
}

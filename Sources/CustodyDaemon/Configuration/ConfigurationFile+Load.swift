import SystemPackage

/// Reading the configuration file from disk.
extension ConfigurationFile {
    /// No configuration is this large; a file that is was named by mistake (a disk image, a log).
    static let maximumSize = 1 << 20

    /// Reads and parses a configuration file, filling in every default.
    /// - Parameters:
    ///   - path: The file; `/etc/custody/custodyd.toml` unless told otherwise.
    ///   - environment: The daemon's environment (see `parse(text:path:environment:)`).
    /// - Throws: `ConfigurationError.unreadableFile` naming the path and the fix when the file is
    ///   missing, unreadable, a directory, too large or not UTF-8; else what `parse` throws.
    public static func load(path: FilePath = defaultPath, environment: [String: String]) throws
        -> DaemonConfiguration
    {
        try parse(text: try readText(at: path), path: path, environment: environment)
    }

    private static func readText(at path: FilePath) throws -> String {
        func failure(_ detail: String, _ errno: Errno? = nil) -> ConfigurationError {
            ConfigurationError(
                code: .unreadableFile, line: nil, detail: detail, path: path.string, underlyingError: errno)
        }
        let fd: FileDescriptor
        do {
            fd = try FileDescriptor.open(path, .readOnly, options: [.closeOnExec])
        } catch Errno.noSuchFileOrDirectory {
            throw failure(
                "no such file; install the example (systemd/custodyd.toml) there and edit it (docs/configuration.md)")
        } catch Errno.permissionDenied {
            throw failure("permission denied; make it readable by the daemon's user (mode 0644, or 0640 and its group)")
        } catch let errno as Errno {
            throw failure("cannot open the configuration file", errno)
        }
        defer { try? fd.close() }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 64 << 10)
        while true {
            let count: Int
            do {
                count = try buffer.withUnsafeMutableBytes { try fd.read(into: $0) }
            } catch Errno.isDirectory {
                throw failure("it is a directory; give the path of the file, like \(defaultPath)")
            } catch let errno as Errno {
                throw failure("cannot read the configuration file", errno)
            }
            if count == 0 { break }
            bytes.append(contentsOf: buffer[..<count])
            guard bytes.count <= maximumSize else {
                throw failure("it is larger than 1 MiB, which no configuration is; check the path")
            }
        }
        let text = String(decoding: bytes, as: UTF8.self)
        // Decoding replaces invalid sequences, so a change in the bytes means they were not UTF-8.
        guard text.utf8.elementsEqual(bytes) else { throw failure("it is not UTF-8 text; save it as UTF-8") }
        return text
    }
}

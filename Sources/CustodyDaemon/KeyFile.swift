import EvidenceCrypto
import Foundation
import SystemPackage

#if canImport(Glibc)
    import Glibc
#endif

/// The key-encryption key file: exactly 32 raw bytes, readable by its owner only
/// (docs/store-format.md §2). Never read from the command line or the environment.
public enum KeyFile {
    /// Where the KEK is looked for: `--key-file`, else the systemd credential, else the state directory.
    public static func location(explicit: String?, stateDirectory: FilePath, environment: [String: String]) -> FilePath
    {
        if let explicit { return FilePath(explicit) }
        if let credentials = environment["CREDENTIALS_DIRECTORY"], !credentials.isEmpty {
            let credential = FilePath(credentials).appending("custody.kek")
            if FileManager.default.fileExists(atPath: credential.string) { return credential }
        }
        return stateDirectory.appending("custody.kek")
    }

    /// Creates a new random KEK at `path` (mode 0600), refusing to overwrite anything there.
    /// - Throws: `DaemonError.keyFile`.
    public static func create(at path: FilePath) throws -> KeyEncryptionKey {
        let fd: FileDescriptor
        do {
            fd = try FileDescriptor.open(
                path, .writeOnly, options: [.create, .exclusiveCreate, .closeOnExec, .noFollow],
                permissions: [.ownerRead, .ownerWrite])
        } catch Errno.fileExists {
            throw DaemonError(
                code: .keyFile,
                message:
                    "a key file already exists at \(path); refusing to overwrite it (a lost KEK makes every item unreadable)"
            )
        } catch {
            throw DaemonError(code: .keyFile, message: "cannot create key file \(path): \(error)")
        }
        defer { try? fd.close() }
        var bytes = try SecureRandom.bytes(count: SecretKey.length)
        defer { _ = bytes.withUnsafeMutableBytes { $0.initializeMemory(as: UInt8.self, repeating: 0) } }
        do {
            _ = try bytes.withUnsafeBytes { try fd.writeAll($0) }
            guard fsync(fd.rawValue) == 0 else { throw Errno(rawValue: errno) }
        } catch {
            unlink(path.string)
            throw DaemonError(code: .keyFile, message: "cannot write key file \(path): \(error)")
        }
        return KeyEncryptionKey(key: try SecretKey(bytes: bytes))
    }

    /// Loads the KEK from `path`.
    /// - Throws: `DaemonError.keyFile` naming the file and the fix: missing, not a regular file,
    ///   readable by group or others, or not exactly 32 bytes.
    public static func load(from path: FilePath) throws -> KeyEncryptionKey {
        let fd: FileDescriptor
        do {
            fd = try FileDescriptor.open(path, .readOnly, options: [.closeOnExec])
        } catch Errno.noSuchFileOrDirectory {
            throw DaemonError(
                code: .keyFile,
                message:
                    "no key file at \(path); give the store's KEK with --key-file, or create a new store with `custodyd init`"
            )
        } catch {
            throw DaemonError(code: .keyFile, message: "cannot open key file \(path): \(error)")
        }
        defer { try? fd.close() }
        var info = stat()
        guard fstat(fd.rawValue, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else {
            throw DaemonError(code: .keyFile, message: "key file \(path) is not a regular file")
        }
        guard info.st_mode & 0o077 == 0 else {
            throw DaemonError(
                code: .keyFile,
                message:
                    "key file \(path) is readable by group or others (mode \(String(info.st_mode & 0o777, radix: 8))); run `chmod 600 \(path)`"
            )
        }
        guard info.st_size == off_t(SecretKey.length) else {
            throw DaemonError(
                code: .keyFile,
                message:
                    "key file \(path) is \(info.st_size) bytes; a Custody KEK is exactly \(SecretKey.length) raw bytes")
        }
        var bytes = [UInt8](repeating: 0, count: SecretKey.length)
        defer { _ = bytes.withUnsafeMutableBytes { $0.initializeMemory(as: UInt8.self, repeating: 0) } }
        let got = try bytes.withUnsafeMutableBytes { try fd.read(fromAbsoluteOffset: 0, into: $0) }
        guard got == SecretKey.length else {
            throw DaemonError(code: .keyFile, message: "key file \(path) could not be read whole")
        }
        return KeyEncryptionKey(key: try SecretKey(bytes: bytes))
    }
}

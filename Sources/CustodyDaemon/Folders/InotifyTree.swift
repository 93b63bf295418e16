import Logging

#if canImport(Glibc)
    import Glibc
#endif

/// inotify watches on a folder and every folder below it, used only to wake the watcher early: what
/// changed is learnt by scanning, so a lost or overflowed event costs nothing but latency.
final class InotifyTree: @unchecked Sendable {
    private let root: String
    private let fd: Int32
    private let logger: Logger
    private var watched: Set<String> = []
    private static let mask = UInt32(
        IN_CREATE | IN_CLOSE_WRITE | IN_MOVED_TO | IN_MOVED_FROM | IN_MODIFY | IN_DELETE | IN_ATTRIB)

    init(root: String, logger: Logger) {
        self.root = root
        self.logger = logger
        fd = inotify_init1(Int32(IN_CLOEXEC | IN_NONBLOCK))
        if fd < 0 {
            logger.warning("inotify unavailable; the folder is scanned on a timer", metadata: ["folder": "\(root)"])
        }
    }

    deinit { if fd >= 0 { close(fd) } }

    /// Adds watches for folders that appeared (cheap: only new directories are added).
    func refresh() {
        guard fd >= 0 else { return }
        var stack = [root]
        while let directory = stack.popLast() {
            if !watched.contains(directory) {
                if inotify_add_watch(fd, directory, Self.mask | UInt32(IN_ONLYDIR)) >= 0 { watched.insert(directory) }
            }
            guard let stream = opendir(directory) else { continue }
            defer { closedir(stream) }
            while let entry = readdir(stream) {
                guard entry.pointee.d_type == UInt8(DT_DIR) else { continue }
                let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                    String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
                }
                if name != ".", name != ".." { stack.append(directory + "/" + name) }
            }
        }
    }

    /// Returns when something changed below the root (true) or `timeout` passed; drains the events.
    func wait(upTo timeout: Duration) -> Bool {
        let milliseconds = Int32(
            max(
                0,
                min(
                    Int64(Int32.max),
                    timeout.components.seconds * 1000 + timeout.components.attoseconds / 1_000_000_000_000_000)))
        guard fd >= 0 else {
            var none = pollfd()
            _ = poll(&none, 0, milliseconds)
            return true
        }
        var descriptor = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        guard poll(&descriptor, 1, milliseconds) > 0 else { return false }
        var buffer = [UInt8](repeating: 0, count: 64 << 10)
        while read(fd, &buffer, buffer.count) > 0 {}
        return true
    }
}

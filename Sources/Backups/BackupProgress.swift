/// How far a backup or a restore is, in bytes of objects, told after each MiB copied and for each
/// object the backup already holds (a progress bar's count).
public struct BackupProgress: Sendable, Equatable {
    /// Bytes of the objects dealt with so far: copied, or found already in the backup.
    public var bytes: Int64
    /// Bytes of all the objects the snapshot names (each counted once).
    public var total: Int64
    /// The item whose object is being copied.
    public var item: String

    public init(bytes: Int64, total: Int64, item: String) {
        self.bytes = bytes
        self.total = total
        self.item = item
    }
}

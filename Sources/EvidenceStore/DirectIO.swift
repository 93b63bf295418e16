import CSystemShims
import SystemPackage

/// What O_DIRECT asks of a read or write, shared by `UncachedReads` and `UncachedWrites`: the file
/// offset, the length and the buffer aligned to a page, and the flag set on the open file.
enum DirectIO {
    /// The alignment O_DIRECT needs on every filesystem Linux has (its largest logical block).
    static let alignment = 4096
    /// The room a buffer needs beyond the bytes it is to hold: the prefix and the rounded-up tail.
    static let slack = 2 * alignment

    /// How far into its page the byte at file offset `offset` lies: where it lands in a buffer that
    /// holds that page from its start.
    static func prefix(of offset: Int64) -> Int { Int(offset % Int64(alignment)) }

    /// `count` rounded up to whole pages.
    static func roundedUp(_ count: Int) -> Int { (count + alignment - 1) / alignment * alignment }

    /// Turns direct I/O on or off for `fd`; false where the filesystem refuses it.
    @discardableResult
    static func set(_ on: Bool, for fd: FileDescriptor) -> Bool {
        CSystemShims_setDirectIO(fd.rawValue, on ? 1 : 0) == 0
    }
}

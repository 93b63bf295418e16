import Catalog

/// Who asks, as the kernel reported it (`SO_PEERCRED`, `SO_PEERGROUPS` on the control socket, or the
/// process's own ids for a local `custodyd` command), never as the caller claims.
public struct Caller: Sendable, Equatable {
    /// The effective uid, gid and pid.
    public var uid: UInt32
    public var gid: UInt32
    public var pid: Int32
    /// The supplementary groups.
    public var groups: [UInt32]
    /// The uid's user name, when it has one.
    public var name: String?

    /// Creates a caller.
    public init(uid: UInt32, gid: UInt32, pid: Int32, groups: [UInt32], name: String?) {
        self.uid = uid
        self.gid = gid
        self.pid = pid
        self.groups = groups
        self.name = name
    }

    /// The caller as the audit log's `actor` column names it.
    public var actor: AuditActor { AuditActor(uid: uid, name: name) }

    /// Whether the caller is a member of `group`, as primary or supplementary group.
    public func isMember(of group: UInt32) -> Bool { gid == group || groups.contains(group) }
}

#if canImport(Glibc)
    import Glibc
#endif

/// Names and groups from the system's user database (NSS), through the reentrant calls, because the
/// control server asks from several threads at once.
enum UserDatabase {
    /// The user name of `uid`, or nil when it has none.
    static func userName(of uid: UInt32) -> String? {
        var entry = passwd()
        var result: UnsafeMutablePointer<passwd>?
        var size = 1024
        while true {
            var buffer = [CChar](repeating: 0, count: size)
            let status = getpwuid_r(uid, &entry, &buffer, size, &result)
            if status == ERANGE, size < 1 << 20 {
                size *= 4
                continue
            }
            guard status == 0, result != nil, let name = entry.pw_name else { return nil }
            return String(cString: name)
        }
    }

    /// The gid of the group called `name`, or nil when there is no such group.
    static func groupID(named name: String) -> UInt32? {
        var entry = group()
        var result: UnsafeMutablePointer<group>?
        var size = 1024
        while true {
            var buffer = [CChar](repeating: 0, count: size)
            let status = getgrnam_r(name, &entry, &buffer, size, &result)
            if status == ERANGE, size < 1 << 20 {
                size *= 4
                continue
            }
            guard status == 0, result != nil else { return nil }
            return entry.gr_gid
        }
    }

    /// The groups the user database lists for `user` (whose primary group is `gid`), for kernels
    /// without `SO_PEERGROUPS`.
    static func groupList(of user: String, primaryGroup gid: UInt32) -> [UInt32] {
        var count: Int32 = 64
        while true {
            var groups = [gid_t](repeating: 0, count: Int(count))
            let previous = count
            if getgrouplist(user, gid, &groups, &count) >= 0 { return Array(groups.prefix(Int(count))) }
            // -1 with a larger count: the list did not fit.
            guard count > previous, count < 65_536 else { return [gid] }
        }
    }
}

import Catalog

#if canImport(Glibc)
    import Glibc
#endif

extension AuditActor {
    /// The user this process runs as, from the kernel (real uid), with its name from the user database.
    public static var currentProcess: AuditActor {
        let uid = getuid()
        var name: String?
        if let entry = getpwuid(uid), let raw = entry.pointee.pw_name { name = String(cString: raw) }
        return AuditActor(uid: uid, name: name)
    }
}

import CSystemShims

#if canImport(Glibc)
    import Glibc
#endif

/// What custodyd does to its own process before it touches a key (invariant 3 of DESIGN §1: keys never
/// reach a core dump we can avoid).
public enum ProcessHardening {
    /// No core dump, whatever systemd or the shell allows: RLIMIT_CORE 0 and not dumpable, so a
    /// watchdog SIGABRT or a crash cannot write the KEK or data keys to disk, and no other process of
    /// the same user can read this one's memory. The unit's `LimitCORE=0` says the same from outside.
    /// - Throws: `DaemonError` if the kernel refuses, which lowering a limit never should.
    public static func disableCoreDumps() throws {
        guard CSystemShims_disableCoreDumps() == 0 else {
            throw DaemonError(
                code: .stateDirectory,
                message: "cannot turn off core dumps for custodyd: \(String(cString: strerror(errno)))")
        }
    }
}

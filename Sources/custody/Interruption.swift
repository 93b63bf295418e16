import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// The signal that asked a command to stop (0: none yet).
private let received = Atomic<Int32>(0)

/// SIGINT, SIGTERM and SIGHUP turned into a request to stop, for a command that must clean up what
/// it wrote (a partial bag holds plaintext): the first asks it to stop at its next step and clean
/// up; a second ends the process at once (its partial is then removed by the next write).
enum Interruption {
    /// Catches the three signals from now on.
    static func catchSignals() {
        // A parent may have started us with these blocked (Foundation's `Process` does): unblock
        // them, or a SIGTERM would wait until the plaintext is all written.
        var set = sigset_t()
        sigemptyset(&set)
        for number in [SIGINT, SIGTERM, SIGHUP] { sigaddset(&set, number) }
        pthread_sigmask(SIG_UNBLOCK, &set, nil)
        for number in [SIGINT, SIGTERM, SIGHUP] {
            Glibc.signal(number) { number in
                if received.exchange(number, ordering: .relaxed) != 0 { _exit(128 + number) }
            }
        }
    }

    /// The signal received, if one was.
    static var signal: Int32? {
        let number = received.load(ordering: .relaxed)
        return number == 0 ? nil : number
    }
}

import Foundation

/// What the daemon is doing, as the `status` request returns it: the daemon's own state and every
/// bay (a docked device or a watched folder). The JSON shape is documented in docs/control-protocol.md.
public struct DaemonStatus: Codable, Sendable, Equatable {
    /// The daemon's life cycle.
    public enum State: String, Codable, Sendable {
        /// Recovering what a previous run left; not yet taking devices.
        case starting
        /// Taking devices and folders.
        case ready
        /// Finishing the current files; taking nothing new.
        case stopping
    }

    public var state: State
    /// The daemon's version string.
    public var version: String
    /// When the daemon started (RFC 3339 UTC).
    public var startedAt: String
    /// Every bay, docked devices first (by bay id), then watched folders.
    public var bays: [BayStatus]
    /// The fixity scrubber's progress, when it is configured.
    public var fixity: FixityStatus?
    /// How many items' objects ever failed a fixity check, from the catalog (so it survives restarts);
    /// absent when none did.
    public var fixityFailedItems: Int?
    /// How many trashed items reach the end of their grace period in the next 72 hours, and the
    /// first such instant; absent when none do (DESIGN §13).
    public var upcomingDeletions: Int?
    public var nextDeletionAt: String?

    public init(
        state: State, version: String, startedAt: String, bays: [BayStatus], fixity: FixityStatus? = nil
    ) {
        self.state = state
        self.version = version
        self.startedAt = startedAt
        self.bays = bays
        self.fixity = fixity
    }

    /// One line for `systemd`'s `STATUS=` and for logs: how many bays do what.
    public var summaryLine: String {
        let active = bays.filter { $0.phase.isActive }
        let failed = bays.filter { $0.phase == .failed }
        var parts = ["\(state.rawValue)"]
        parts.append(active.isEmpty ? "idle" : "\(active.count) ingesting")
        if !active.isEmpty {
            let done = active.reduce(Int64(0)) { $0 + $1.bytesDone }
            let total = active.reduce(Int64(0)) { $0 + $1.bytesTotal }
            let files = active.reduce(0) { $0 + $1.filesDone }
            let totalFiles = active.reduce(0) { $0 + $1.filesTotal }
            parts.append("\(files)/\(totalFiles) files, \(done >> 20)/\(total >> 20) MiB")
        }
        let queued = bays.filter { $0.phase == .queued }
        if !queued.isEmpty { parts.append("\(queued.count) queued") }
        if !failed.isEmpty { parts.append("\(failed.count) failed") }
        return parts.joined(separator: "; ")
    }
}

/// One bay: a docked device's session, or a watched folder, with live progress.
public struct BayStatus: Codable, Sendable, Equatable {
    /// What feeds the bay.
    public enum Kind: String, Codable, Sendable {
        /// A USB device (recorder, data terminal, mass-storage disk).
        case device
        /// A watched import folder.
        case folder
    }

    /// Where a session is in the lifecycle (DESIGN §1, §2).
    public enum Phase: String, Codable, Sendable {
        /// A watched folder with nothing to do, or a device not yet identified.
        case idle
        /// Docked, waiting for one of the sessions the daemon runs at once to end (`queuePosition`).
        case queued
        /// Asking the device who it is, checking and setting its clock, unlocking it.
        case preparing
        /// Waiting for the storage to appear and opening the volume.
        case opening
        /// Reading, hashing, encrypting and storing files.
        case ingesting
        /// Every file is sealed; waiting for the last read-backs.
        case verifying
        /// Deleting verified files from the device.
        case wiping
        /// Every file verified (and wiped, if the profile says so); the device may be taken out.
        case done
        /// The session stopped with an error (`lastError`); nothing unverified left the device.
        case failed
        /// The device left the bus before the session finished; it resumes when docked again.
        case undocked
        /// The daemon is stopping; the session resumes at next start or dock.
        case interrupted

        /// Whether work is in progress.
        public var isActive: Bool {
            switch self {
            case .preparing, .opening, .ingesting, .verifying, .wiping: return true
            case .idle, .queued, .done, .failed, .undocked, .interrupted: return false
            }
        }
    }

    /// Stable id: `usb:<port>` (`usb:1-1.4`) for a device, `folder:<path>` for a watched folder.
    public var id: String
    public var kind: Kind
    public var phase: Phase
    /// The session id in the catalog (`dock_sessions`), when a session runs or ran.
    public var sessionID: String?
    /// The profile's name (devices) or the folder's name (folders).
    public var profile: String?
    /// The device serial it reported.
    public var device: String?
    /// The officer the device reported.
    public var officer: String?
    /// Files found to ingest, files handled (verified, duplicate or failed), and their bytes.
    public var filesTotal: Int
    public var filesDone: Int
    public var bytesTotal: Int64
    public var bytesDone: Int64
    /// Counts by outcome.
    public var verified: Int
    public var duplicates: Int
    public var failed: Int
    public var wiped: Int
    /// Bytes per second over the session so far; nil before the first byte.
    public var bytesPerSecond: Double?
    /// Seconds left at the current rate; nil when unknown.
    public var etaSeconds: Double?
    /// The file being read now.
    public var currentFile: String?
    /// The last error, a sentence naming the thing and the fix.
    public var lastError: String?
    /// Things a reviewer must know (clock drift, identity mismatch).
    public var flags: [String]
    /// Place in line while `queued` (1 runs next); nil otherwise.
    public var queuePosition: Int?
    /// Transient device-layer failures retried in this session so far.
    public var retries: Int?
    /// When the session started and finished (RFC 3339 UTC).
    public var startedAt: String?
    public var finishedAt: String?

    public init(id: String, kind: Kind, phase: Phase = .idle) {
        self.id = id
        self.kind = kind
        self.phase = phase
        filesTotal = 0
        filesDone = 0
        bytesTotal = 0
        bytesDone = 0
        verified = 0
        duplicates = 0
        failed = 0
        wiped = 0
        flags = []
    }
}

/// The fixity scrubber: how far the current pass is.
public struct FixityStatus: Codable, Sendable, Equatable {
    /// Items checked in the current pass and in all.
    public var checked: Int
    public var total: Int
    /// Items whose stored object did not match its recorded hash, since the daemon started.
    public var mismatches: Int
    /// When the last full pass finished (RFC 3339 UTC).
    public var lastPassFinishedAt: String?

    public init(checked: Int, total: Int, mismatches: Int, lastPassFinishedAt: String?) {
        self.checked = checked
        self.total = total
        self.mismatches = mismatches
        self.lastPassFinishedAt = lastPassFinishedAt
    }
}

import ControlProtocol

/// The control socket's open connections and who holds them, and the rule that admits one more
/// (DESIGN §15: no caller can starve the others of the socket). Decided on the accept thread from the
/// kernel's identity alone — no catalog query, no user database — so a flood costs the server a
/// dictionary lookup per connection.
///
/// - Each uid holds at most `perCaller` connections, administrators included.
/// - Of `total`, `reserved` are kept for administrators: anyone else is admitted only while fewer than
///   `total - reserved` connections are open, so a crowd of callers cannot lock out root's `status`.
struct ConnectionTable {
    /// The configured limits, made consistent (a per-caller cap above the total, or a reservation of
    /// every slot, would make no sense).
    struct Limits: Equatable {
        var total: Int
        var perCaller: Int
        var reserved: Int

        init(_ configuration: DaemonConfiguration.Control) {
            total = max(1, configuration.maxConnections)
            perCaller = min(max(1, configuration.maxConnectionsPerCaller), total)
            reserved = min(max(0, configuration.reservedAdministratorConnections), total - 1)
        }
    }

    /// Whether a connection is served.
    enum Admission: Equatable {
        /// Served, as connection number `n`.
        case admitted(Int)
        /// The caller already holds `perCaller` connections.
        case callerLimit
        /// Every connection this caller may take is taken (`administrator`: the whole total).
        case full(administrator: Bool)
        /// The server is stopping.
        case stopping
    }

    struct Connection {
        var descriptor: Int32
        var uid: UInt32
    }

    let limits: Limits
    private(set) var connections: [Int: Connection] = [:]
    private var held: [UInt32: Int] = [:]
    private var next = 0

    init(limits: Limits) {
        self.limits = limits
    }

    /// Admits `descriptor`, connected by `uid`, when the limits allow.
    mutating func admit(_ descriptor: Int32, uid: UInt32, administrator: Bool) -> Admission {
        let pool = administrator ? limits.total : limits.total - limits.reserved
        guard connections.count < pool else { return .full(administrator: administrator) }
        guard held[uid, default: 0] < limits.perCaller else { return .callerLimit }
        next += 1
        connections[next] = Connection(descriptor: descriptor, uid: uid)
        held[uid, default: 0] += 1
        return .admitted(next)
    }

    /// Forgets connection `number`, which has ended.
    mutating func remove(_ number: Int) {
        guard let connection = connections.removeValue(forKey: number) else { return }
        let count = held[connection.uid, default: 1] - 1
        held[connection.uid] = count > 0 ? count : nil
    }

    /// Connections `uid` holds now.
    func held(by uid: UInt32) -> Int { held[uid, default: 0] }

    /// What a refused caller is told: the limit, its key, and what to do.
    func refusal(_ admission: Admission, caller: ControlCaller) -> ControlError {
        switch admission {
        case .callerLimit:
            return ControlError(
                code: .limited,
                message:
                    "uid \(caller.uid) already holds \(limits.perCaller) control connections, the most one caller may (control.max_connections_per_caller); close one (a forgotten `custody status --watch`?) and try again"
            )
        case .full(administrator: false) where limits.reserved > 0:
            return ControlError(
                code: .busy,
                message:
                    "custodyd already serves \(limits.total - limits.reserved) control connections, all it serves to callers other than administrators (control.max_connections \(limits.total), of which control.reserved_admin_connections \(limits.reserved) are kept for administrators); try again shortly, or raise control.max_connections"
            )
        case .full:
            return ControlError(
                code: .busy,
                message:
                    "custodyd already serves \(limits.total) control connections; try again shortly, or raise control.max_connections"
            )
        case .stopping, .admitted:
            return ControlError(
                code: .busy, message: "custodyd is stopping; try again once it runs (`systemctl status custodyd`)")
        }
    }

    /// The configuration key of the limit a refusal is for, as the audit entry names it.
    static func reason(_ admission: Admission) -> String {
        switch admission {
        case .callerLimit: "control.max_connections_per_caller"
        case .full(administrator: false): "control.max_connections for non-administrators"
        default: "control.max_connections"
        }
    }
}

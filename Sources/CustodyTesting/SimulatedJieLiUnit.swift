import Foundation

/// A simulated JieLi recorder's own SCSI unit, at the level of CDBs and bytes, from the vendor SDK's
/// `USBJL.cpp`: INQUIRY answers `DV16 DEVICE V1.00`; 16-byte vendor CDBs (0xFD/0x81 read, 0xFB/0x82
/// write, sub-command in byte 5, length in byte 7, all else 0); the password is handed to whoever asks
/// (sub-command 13) and checked by nobody here; sub-command 14 returns the status of the command
/// before it (first byte 0 = success).
///
/// Used behind the Devices tests' `SCSITransport` and, through umockdev's SG_IO handler
/// (`Testbed.attachSCSI`), by a daemon in another process; calls may come from umockdev's thread.
public final class SimulatedJieLiUnit: @unchecked Sendable {
    /// How the unit misbehaves on one sub-command.
    public enum Fault: Sendable, Equatable {
        /// CHECK CONDITION, as a real unit refuses an unknown command.
        case checkCondition
        /// The command runs, and the following return-status read says 1.
        case failedStatus
        /// One byte fewer than asked.
        case short
        /// The cable is pulled: this and every later command fail.
        case disconnect
    }

    /// What one command came to.
    public enum Outcome: Sendable, Equatable {
        /// GOOD status, with the bytes sent to the host (empty unless it reads).
        case good([UInt8])
        /// CHECK CONDITION with fixed-format sense (ILLEGAL REQUEST).
        case checkCondition(sense: [UInt8])
        /// The unit is gone.
        case gone
    }

    private let lock = NSLock()
    private var state: State

    private struct State {
        var password: String
        var record: [UInt8]
        var sdCardPresent = true
        var vendor = "DV16"
        var product = "DEVICE V1.00"
        var clock: [UInt8]?
        var massStorage = false
        var received: [[UInt8]] = []
        var faults: [UInt8: Fault] = [:]
        var lastStatus: UInt8 = 0
        var gone = false
    }

    /// Signalled once when the host switches the unit to mass storage (sub-command 6).
    public let switched = DispatchSemaphore(value: 0)

    /// Creates a unit with `record` as its `ZFY_INFO`.
    public init(record: [UInt8], password: String = "888888") {
        state = State(password: password, record: record)
    }

    private func with<T>(_ body: (inout State) -> T) -> T {
        lock.lock()
        defer { lock.unlock() }
        return body(&state)
    }

    public var password: String {
        get { with { $0.password } }
        set { with { $0.password = newValue } }
    }
    public var sdCardPresent: Bool {
        get { with { $0.sdCardPresent } }
        set { with { $0.sdCardPresent = newValue } }
    }
    public var vendor: String {
        get { with { $0.vendor } }
        set { with { $0.vendor = newValue } }
    }
    public var product: String {
        get { with { $0.product } }
        set { with { $0.product = newValue } }
    }
    /// Faults by sub-command number.
    public var faults: [UInt8: Fault] {
        get { with { $0.faults } }
        set { with { $0.faults = newValue } }
    }
    /// The 7 clock bytes the host last set.
    public var clock: [UInt8]? { with { $0.clock } }
    /// Whether the host switched the unit to mass storage.
    public var massStorage: Bool { with { $0.massStorage } }
    /// Every CDB received, in order.
    public var received: [[UInt8]] { with { $0.received } }

    static let illegalRequest: [UInt8] = [0x70, 0, 0x05, 0, 0, 0, 0, 10, 0, 0, 0, 0, 0x20, 0, 0, 0, 0, 0]

    /// Runs one command. `dataOut` is what the host sends; `length` how much it reads.
    public func execute(cdb: [UInt8], dataOut: [UInt8]?, length: Int) -> Outcome {
        let (outcome, switchedNow) = with { state -> (Outcome, Bool) in
            guard !state.gone else { return (.gone, false) }
            state.received.append(cdb)
            if cdb.first == 0x12 {
                func padded(_ text: String, _ width: Int) -> [UInt8] {
                    Array((Array(text.utf8) + [UInt8](repeating: 0x20, count: width)).prefix(width))
                }
                let inquiry =
                    [0, 0x80, 2, 2, 31, 0, 0, 0] + padded(state.vendor, 8) + padded(state.product, 16)
                    + padded("1.00", 4)
                return (.good(Array(inquiry.prefix(length))), false)
            }
            guard cdb.count == 16, cdb.enumerated().allSatisfy({ [0, 1, 5, 7].contains($0.offset) || $0.element == 0 })
            else { return (.checkCondition(sense: Self.illegalRequest), false) }
            let isRead = cdb[0] == 0xFD && cdb[1] == 0x81
            guard isRead || (cdb[0] == 0xFB && cdb[1] == 0x82) else {
                return (.checkCondition(sense: Self.illegalRequest), false)
            }
            let sub = cdb[5]
            let declared = Int(cdb[7])
            switch state.faults[sub] {
            case .checkCondition?: return (.checkCondition(sense: Self.illegalRequest), false)
            case .disconnect?:
                state.gone = true
                return (.gone, false)
            default: break
            }
            func data(_ bytes: [UInt8]) -> [UInt8] {
                Array((bytes + [UInt8](repeating: 0, count: declared)).prefix(declared))
            }
            var answer: [UInt8]?
            var switchedNow = false
            switch (isRead, sub) {
            case (false, 1) where dataOut == nil: answer = []
            case (true, 2) where declared == 6 && length == 6: answer = data(Array("JL0947".utf8))
            case (true, 3) where declared == length: answer = data(state.record)
            case (true, 13) where declared == 16 && length == 16: answer = data(Array(state.password.utf8))
            case (true, 12) where declared == 4 && length == 4: answer = data([state.sdCardPresent ? 1 : 0])
            case (true, 14) where declared == 4 && length == 4: answer = data([state.lastStatus])
            case (false, 5) where dataOut?.count == 7 && declared == 7:
                state.clock = dataOut
                answer = []
            case (false, 6) where dataOut == nil:
                switchedNow = !state.massStorage
                state.massStorage = true
                answer = []
            default: break
            }
            guard let answer else { return (.checkCondition(sense: Self.illegalRequest), false) }
            if sub != 14 { state.lastStatus = state.faults[sub] == .failedStatus ? 1 : 0 }
            return (.good(state.faults[sub] == .short ? Array(answer.dropLast()) : answer), switchedNow)
        }
        if switchedNow { switched.signal() }
        return outcome
    }
}

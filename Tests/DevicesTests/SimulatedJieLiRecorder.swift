@testable import Devices

/// A simulated JieLi recorder's own SCSI unit, from the vendor SDK's `USBJL.cpp`: INQUIRY answers
/// `DV16 DEVICE V1.00`; 16-byte vendor CDBs (0xFD/0x81 read, 0xFB/0x82 write, sub-command in byte 5,
/// length in byte 7); the password is handed to whoever asks (sub-command 13) and never checked here;
/// sub-command 14 returns the status of the command before it (0 = success).
final class SimulatedJieLiRecorder: SCSITransport {
    var password = "888888"
    var record: [UInt8]
    var sdCardPresent = true
    var vendor = "DV16"
    var product = "DEVICE V1.00"
    private(set) var clock: [UInt8]?
    private(set) var massStorage = false
    /// Every CDB received, in order.
    private(set) var received: [[UInt8]] = []
    /// Faults by sub-command.
    var faults: [JieLiCommand.SubCommand: Fault] = [:]
    private var lastStatus: UInt8 = 0
    private var gone = false

    enum Fault {
        /// CHECK CONDITION, as a real unit refuses an unknown command.
        case checkCondition
        /// The command runs, and the following return-status read says 1.
        case failedStatus
        /// Fewer bytes than asked.
        case short
        /// The cable is pulled: this and every later command fail.
        case disconnect
    }

    init(record: [UInt8]) { self.record = record }

    func execute(_ command: SCSICommand, timeoutMilliseconds: UInt32) throws -> [UInt8] {
        guard !gone else { throw DeviceError(code: .disconnected, message: "the simulated LUN is gone") }
        received.append(command.cdb)
        if command.cdb.first == 0x12 {
            func padded(_ text: String, _ width: Int) -> [UInt8] {
                Array(text.utf8) + [UInt8](repeating: 0x20, count: width - text.utf8.count)
            }
            return [0, 0x80, 2, 2, 31, 0, 0, 0] + padded(vendor, 8) + padded(product, 16) + padded("1.00", 4)
        }
        guard let (isRead, subCommand, length) = JieLiCommand.parse(command.cdb) else {
            throw DeviceError(code: .rejected, message: "CHECK CONDITION (sense key 5, ASC 0x20)")
        }
        switch faults[subCommand] {
        case .checkCondition?: throw DeviceError(code: .rejected, message: "CHECK CONDITION (sense key 5)")
        case .disconnect?:
            gone = true
            throw DeviceError(code: .disconnected, message: "the simulated LUN is gone")
        default: break
        }
        let answer = try respond(isRead: isRead, subCommand, length: length, direction: command.direction)
        if subCommand != .getReturnStatus { lastStatus = faults[subCommand] == .failedStatus ? 1 : 0 }
        return faults[subCommand] == .short ? Array(answer.dropLast()) : answer
    }

    private func respond(
        isRead: Bool, _ subCommand: JieLiCommand.SubCommand, length: Int, direction: SCSICommand.Direction
    ) throws -> [UInt8] {
        func data(_ bytes: [UInt8]) -> [UInt8] { Array((bytes + [UInt8](repeating: 0, count: length)).prefix(length)) }
        switch (isRead, subCommand, direction) {
        case (false, .initialize, .none): return []
        case (true, .getIDCode, .fromDevice(6)): return data(Array("JL0947".utf8))
        case (true, .getDeviceInfo, .fromDevice(let count)) where count == length: return data(record)
        case (true, .getPassword, .fromDevice(16)): return data(Array(password.utf8))
        case (true, .getSDStatus, .fromDevice(4)): return data([sdCardPresent ? 1 : 0])
        case (true, .getReturnStatus, .fromDevice(4)): return data([lastStatus])
        case (false, .syncTime, .toDevice(let bytes)) where bytes.count == 7 && length == 7:
            clock = bytes
            return []
        case (false, .setMassStorage, .none):
            massStorage = true
            return []
        default: throw DeviceError(code: .rejected, message: "CHECK CONDITION (sense key 5, ASC 0x24)")
        }
    }
}

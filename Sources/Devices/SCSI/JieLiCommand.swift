/// The vendor commands of JieLi-based (GA/T 947-style) recorders, sent as 16-byte SCSI CDBs to the
/// recorder's own mass-storage LUN, as the vendor SDK (`jjzqp/gitskills`, `python_ctypes_dll/USBJL.cpp`)
/// sends them:
/// - `cdb[0]` 0xFD for a read, 0xFB for a write; `cdb[1]` 0x81 for a read, 0x82 for a write;
/// - `cdb[5]` the sub-command; `cdb[7]` the data length (every length the SDK uses fits one byte);
/// - every other byte 0.
public struct JieLiCommand: Sendable, Hashable {
    /// The sub-commands in `cdb[5]` (the SDK's `USB_CMD`, numbered from 1).
    public enum SubCommand: UInt8, Sendable, Hashable {
        case initialize = 1
        case getIDCode = 2
        case getDeviceInfo = 3
        case writeDeviceInfo = 4
        case syncTime = 5
        case setMassStorage = 6
        case readResolution = 7
        case readBattery = 8
        case writeAllDeviceInfo = 9
        case setPassword = 10
        case setIDCode = 11
        case getSDStatus = 12
        case getPassword = 13
        case getReturnStatus = 14
    }

    static let readOperation: UInt8 = 0xFD
    static let writeOperation: UInt8 = 0xFB
    static let readDirection: UInt8 = 0x81
    static let writeDirection: UInt8 = 0x82

    /// The sub-command.
    public var subCommand: SubCommand
    /// The SCSI command: the CDB and its data phase.
    public var scsi: SCSICommand

    /// A read of `length` bytes (at most 255).
    public static func read(_ subCommand: SubCommand, length: Int) -> JieLiCommand {
        JieLiCommand(
            subCommand: subCommand,
            scsi: SCSICommand(
                cdb: cdb(readOperation, readDirection, subCommand, length: length),
                direction: .fromDevice(length: length)))
    }

    /// A write of `data` (at most 255 bytes; none for a plain command).
    public static func write(_ subCommand: SubCommand, data: [UInt8] = []) -> JieLiCommand {
        JieLiCommand(
            subCommand: subCommand,
            scsi: SCSICommand(
                cdb: cdb(writeOperation, writeDirection, subCommand, length: data.count),
                direction: data.isEmpty ? .none : .toDevice(data)))
    }

    private static func cdb(_ operation: UInt8, _ direction: UInt8, _ subCommand: SubCommand, length: Int) -> [UInt8] {
        var cdb = [UInt8](repeating: 0, count: 16)
        cdb[0] = operation
        cdb[1] = direction
        cdb[5] = subCommand.rawValue
        cdb[7] = UInt8(clamping: length)
        return cdb
    }

    /// Parses a CDB a host sent (for simulated recorders and their tests).
    /// - Returns: whether it reads, the sub-command and the length; nil when it is not a JieLi command.
    public static func parse(_ cdb: [UInt8]) -> (isRead: Bool, subCommand: SubCommand, length: Int)? {
        guard cdb.count == 16, let subCommand = SubCommand(rawValue: cdb[5]) else { return nil }
        let rest = cdb.enumerated().filter { ![0, 1, 5, 7].contains($0.offset) }
        guard rest.allSatisfy({ $0.element == 0 }) else { return nil }
        switch (cdb[0], cdb[1]) {
        case (readOperation, readDirection): return (true, subCommand, Int(cdb[7]))
        case (writeOperation, writeDirection): return (false, subCommand, Int(cdb[7]))
        default: return nil
        }
    }
}

/// The clock of `SYNC_DEV_TIME`: `{u16 year; u8 month, day, hour, minute, second}`, packed (the SDK
/// declares it under `#pragma pack(1)`), the year little-endian as the SDK's x86 host lays it out.
enum JieLiClock {
    static func encode(_ time: DeviceDateTime) -> [UInt8] {
        [UInt8(time.year & 0xFF), UInt8(time.year >> 8)]
            + [time.month, time.day, time.hour, time.minute, time.second].map { UInt8($0) }
    }

    static func decode(_ bytes: [UInt8]) throws -> DeviceDateTime {
        guard bytes.count == 7 else { throw DeviceError.malformed("JieLi clock is \(bytes.count) bytes, not 7") }
        return try DeviceDateTime(
            year: Int(bytes[0]) | Int(bytes[1]) << 8, month: Int(bytes[2]), day: Int(bytes[3]), hour: Int(bytes[4]),
            minute: Int(bytes[5]), second: Int(bytes[6]))
    }
}

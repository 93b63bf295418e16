import CSystemShims
import Glibc

/// The kernel's SG_IO on a recorder's SCSI node (`/dev/sgN` or the disk's `/dev/sdX`): owns the
/// descriptor, opened read-only, which is all SG_IO needs. No filesystem is mounted and no block is
/// read or written through it; only the commands the driver sends.
///
/// Linux lets vendor commands (the JieLi 0xFB/0xFD) through only to a process with `CAP_SYS_RAWIO`;
/// without it every such command is `.unavailable` with that fix named.
public final class SGIOTransport: SCSITransport {
    private let descriptor: Int32
    /// The node this transport opened.
    public let path: String

    /// Opens `path` read-only and checks it takes SG_IO.
    /// - Throws: `DeviceError.unavailable` when it cannot be opened (check the udev rules), or
    ///   `.unsupported` when it is not a SCSI node.
    public init(path: String) throws {
        let descriptor = Glibc.open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        guard descriptor >= 0 else {
            throw DeviceError(
                code: errno == ENOENT || errno == ENXIO || errno == ENODEV ? .disconnected : .unavailable,
                message: "SCSI node \(path) cannot be opened (errno \(errno)); check the udev rules give group "
                    + "custody access")
        }
        guard CSystemShims_sgVersion(descriptor) >= 30000 else {
            close(descriptor)
            throw DeviceError(
                code: .unsupported, message: "\(path) does not take SG_IO commands; it is not a SCSI disk or sg node")
        }
        self.descriptor = descriptor
        self.path = path
    }

    deinit { close(descriptor) }

    public func execute(_ command: SCSICommand, timeoutMilliseconds: UInt32) throws -> [UInt8] {
        guard (6...16).contains(command.cdb.count) else {
            throw DeviceError(code: .unsupported, message: "a CDB of \(command.cdb.count) bytes is not 6 to 16")
        }
        var data: [UInt8]
        let direction: Int32
        switch command.direction {
        case .none: (data, direction) = ([], 0)
        case .fromDevice(let length): (data, direction) = ([UInt8](repeating: 0, count: max(0, length)), 1)
        case .toDevice(let bytes): (data, direction) = (bytes, 2)
        }
        var sense = [UInt8](repeating: 0, count: 32)
        var result = CSystemShims_SGResult()
        let cdb = command.cdb
        let status = cdb.withUnsafeBufferPointer { cdbBuffer in
            data.withUnsafeMutableBytes { dataBuffer in
                sense.withUnsafeMutableBufferPointer { senseBuffer in
                    CSystemShims_sgIO(
                        descriptor, cdbBuffer.baseAddress, UInt8(cdbBuffer.count), direction, dataBuffer.baseAddress,
                        UInt32(dataBuffer.count), senseBuffer.baseAddress, UInt8(senseBuffer.count),
                        timeoutMilliseconds, &result)
                }
            }
        }
        let what = "SCSI command 0x\(String(cdb[0], radix: 16)) on \(path)"
        guard status >= 0 else {
            let code = errno
            switch code {
            case EPERM, EACCES:
                throw DeviceError(
                    code: .unavailable,
                    message: "\(what) was refused by the kernel (errno \(code)); vendor commands need CAP_SYS_RAWIO "
                        + "(AmbientCapabilities=CAP_SYS_RAWIO in custodyd.service)")
            case ENODEV, ENXIO, ENOENT: throw DeviceError(code: .disconnected, message: "\(what): the device is gone")
            default: throw DeviceError(code: .io, message: "\(what) failed (errno \(code))")
            }
        }
        try SCSIOutcome(
            status: result.status, hostStatus: result.hostStatus, driverStatus: result.driverStatus,
            sense: Array(sense.prefix(Int(result.senseLength)))
        ).check(what)
        guard case .fromDevice = command.direction else { return [] }
        return Array(data.prefix(max(0, data.count - Int(result.residual))))
    }
}

/// How one SCSI command ended, as SG_IO reports it; `check` turns a failure into its `DeviceError`.
struct SCSIOutcome {
    var status: UInt8
    var hostStatus: UInt16
    var driverStatus: UInt16
    var sense: [UInt8]

    // From the kernel's scsi.h: host byte values SG_IO reports.
    static let hostNoConnect: UInt16 = 0x01
    static let hostTimeOut: UInt16 = 0x03
    static let hostBadTarget: UInt16 = 0x04
    // The driver byte's DRIVER_TIMEOUT (low nibble of driver_status).
    static let driverTimeOut: UInt16 = 0x06

    func check(_ what: String) throws {
        if driverStatus & 0x0F == Self.driverTimeOut {
            throw DeviceError(code: .timeout, message: "\(what) timed out (driver status \(driverStatus))")
        }
        switch hostStatus {
        case 0: break
        case Self.hostNoConnect, Self.hostBadTarget:
            throw DeviceError(code: .disconnected, message: "\(what): the device is gone (host status \(hostStatus))")
        case Self.hostTimeOut: throw DeviceError(code: .timeout, message: "\(what) timed out")
        default: throw DeviceError(code: .io, message: "\(what) failed (host status \(hostStatus))")
        }
        guard status == 0 else {
            throw DeviceError(
                code: status == 0x02 ? .rejected : .io,
                message: "\(what) ended with SCSI status 0x\(String(status, radix: 16))\(senseText)")
        }
    }

    /// The sense key and codes, fixed (0x70/0x71) or descriptor (0x72/0x73) format.
    var senseText: String {
        guard let format = sense.first.map({ $0 & 0x7F }) else { return "" }
        let key: UInt8?
        let code: UInt8?
        switch format {
        case 0x70, 0x71:
            key = sense.count > 2 ? sense[2] & 0x0F : nil
            code = sense.count > 12 ? sense[12] : nil
        case 0x72, 0x73:
            key = sense.count > 1 ? sense[1] & 0x0F : nil
            code = sense.count > 2 ? sense[2] : nil
        default: return ""
        }
        guard let key else { return "" }
        return " (sense key \(key)\(code.map { ", ASC 0x" + String($0, radix: 16) } ?? ""))"
    }
}

// libFuzzer target for the parsers of Devices that read what a docked device sends: Ambarella answers,
// Hengan answer lines, SCSI INQUIRY, the ZFY_INFO record (both layouts), whole JieLi SCSI sessions, PTP containers and datasets, and a whole MTP session against a
// device whose every answer is fuzz input. Built and run by `make fuzz-devices` (not part of CI); a
// crash, a hang (libFuzzer's -timeout) or runaway memory (-rss_limit_mb) is a finding.

@testable import Devices

/// A device that answers each read with the next piece of the input: a length byte, then that many bytes.
final class ScriptedTransport: USBTransport {
    var script: ArraySlice<UInt8>
    init(_ script: [UInt8]) { self.script = script[...] }

    func bulkWrite(endpoint: UInt8, data: [UInt8], timeoutMilliseconds: UInt32) throws {}

    func bulkRead(endpoint: UInt8, maxLength: Int, timeoutMilliseconds: UInt32) throws -> [UInt8] {
        guard let length = script.first else { throw DeviceError(code: .timeout, message: "script ended") }
        script = script.dropFirst()
        let piece = Array(script.prefix(min(Int(length) * 4, maxLength)))
        script = script.dropFirst(piece.count)
        return piece
    }
}

/// A SCSI unit that answers each command with the next piece of the input, as `ScriptedTransport` does.
final class ScriptedSCSI: SCSITransport {
    var script: ArraySlice<UInt8>
    init(_ script: [UInt8]) { self.script = script[...] }

    func execute(_ command: SCSICommand, timeoutMilliseconds: UInt32) throws -> [UInt8] {
        guard let length = script.first else { throw DeviceError(code: .disconnected, message: "script ended") }
        script = script.dropFirst()
        let piece = Array(script.prefix(Int(length)))
        script = script.dropFirst(piece.count)
        return piece
    }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size > 0 else { return 0 }
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let body = Array(bytes.dropFirst())
    switch bytes[0] % 7 {
    case 0: _ = try? AmbarellaReply(transfer: body).deviceID()
    case 1:
        _ = try? HenganAnswer.value(of: body, named: "DID")
        _ = try? SCSIInquiry(data: body)
        let recorder = JieLiDriver(transport: ScriptedSCSI(body), password: "888888")
        _ = try? recorder.identify()
        _ = try? recorder.unlock(password: "888888")
    case 2:
        _ = try? ZFYInfo(record: body.prefix(89))
        _ = try? ZFYInfo(record: body.prefix(94))
    case 3: _ = try? PTPContainer.decode(body).parameters()
    case 4:
        _ = try? PTPDeviceInfo(dataset: body)
        _ = try? PTPObjectInfo(dataset: body)
    case 5:
        let transport = ScriptedTransport(body)
        _ = try? AmbarellaDriver(transport: transport, password: "12345678").identify()
        _ = try? HenganDriver(transport: transport, password: "hengan01").identify()
    default:
        let session = PTPSession(
            transport: ScriptedTransport(body),
            limits: PTPSession.Limits(maximumDatasetBytes: 1 << 16, maximumObjects: 1000, transferBytes: 1024))
        _ = try? session.open()
        _ = try? session.deviceInfo()
        if let handles = try? session.objectHandles(storage: 1) {
            for handle in handles.prefix(4) {
                if let info = try? session.objectInfo(handle) {
                    try? session.object(handle, expectedSize: Int64(info.compressedSize)) { _ in }
                }
            }
        }
    }
    return 0
}

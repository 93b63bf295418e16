import CLibUSB

extension LibUSBDevice: USBControlTransport {
    public func controlWrite(
        requestType: UInt8, request: UInt8, value: UInt16, index: UInt16, data: [UInt8], timeoutMilliseconds: UInt32
    ) throws {
        var data = data
        let status = data.withUnsafeMutableBufferPointer { buffer in
            libusb_control_transfer(
                handle, requestType, request, value, index, buffer.baseAddress, UInt16(buffer.count),
                timeoutMilliseconds)
        }
        guard status >= 0 else {
            throw LibUSBStatus.error(status, "sending control request \(request) to \(location.id)")
        }
        guard Int(status) == data.count else {
            throw DeviceError(
                code: .io, message: "control request \(request) to \(location.id) sent \(status) of \(data.count) bytes"
            )
        }
    }

    public func controlRead(
        requestType: UInt8, request: UInt8, value: UInt16, index: UInt16, length: Int, timeoutMilliseconds: UInt32
    ) throws -> [UInt8] {
        var buffer = [UInt8](repeating: 0, count: max(0, min(length, Int(UInt16.max))))
        let status = buffer.withUnsafeMutableBufferPointer { pointer in
            libusb_control_transfer(
                handle, requestType, request, value, index, pointer.baseAddress, UInt16(pointer.count),
                timeoutMilliseconds)
        }
        guard status >= 0 else {
            throw LibUSBStatus.error(status, "reading control request \(request) from \(location.id)")
        }
        return Array(buffer.prefix(Int(status)))
    }
}

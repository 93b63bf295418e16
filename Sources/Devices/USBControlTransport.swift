/// Vendor control transfers on endpoint 0, for protocols that talk there instead of (or besides) bulk
/// endpoints (the Ambarella A9 variant). `LibUSBDevice` implements it; tests use simulated devices.
public protocol USBControlTransport: USBTransport {
    /// Sends a control transfer with a data stage from host to device.
    /// - Throws: `DeviceError` (`.timeout`, `.disconnected`, `.stalled`, `.io`).
    func controlWrite(
        requestType: UInt8, request: UInt8, value: UInt16, index: UInt16, data: [UInt8], timeoutMilliseconds: UInt32
    ) throws
    /// Sends a control transfer with a data stage from device to host and returns its bytes.
    /// - Throws: `DeviceError` (`.timeout`, `.disconnected`, `.stalled`, `.io`).
    func controlRead(
        requestType: UInt8, request: UInt8, value: UInt16, index: UInt16, length: Int, timeoutMilliseconds: UInt32
    ) throws -> [UInt8]
}

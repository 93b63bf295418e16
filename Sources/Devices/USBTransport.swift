/// The bulk pipe between Custody and one claimed USB interface: what every vendor driver talks through.
///
/// The libusb implementation is `LibUSBDevice`; tests use simulated devices that implement this same
/// protocol. A transport is owned by one task at a time; calls block for at most their timeout.
public protocol USBTransport: AnyObject {
    /// Writes all of `data` to the bulk OUT `endpoint`.
    /// - Throws: `DeviceError` (`.timeout`, `.disconnected`, `.stalled`, `.io`).
    func bulkWrite(endpoint: UInt8, data: [UInt8], timeoutMilliseconds: UInt32) throws
    /// Reads one transfer of at most `maxLength` bytes from the bulk IN `endpoint`.
    ///
    /// Returns what the device sent in that transfer (a short read ends a USB transfer).
    /// - Throws: `DeviceError` (`.timeout`, `.disconnected`, `.stalled`, `.io`).
    func bulkRead(endpoint: UInt8, maxLength: Int, timeoutMilliseconds: UInt32) throws -> [UInt8]
}

/// Which bulk endpoints a device's protocol uses, and how long one transfer may take.
public struct BulkEndpoints: Sendable, Hashable {
    /// The bulk OUT endpoint address (host to device), e.g. 0x01.
    public var out: UInt8
    /// The bulk IN endpoint address (device to host), e.g. 0x81.
    public var `in`: UInt8
    /// The timeout of one transfer, in milliseconds.
    public var timeoutMilliseconds: UInt32

    /// Creates an endpoint pair.
    public init(out: UInt8 = 0x01, in: UInt8 = 0x81, timeoutMilliseconds: UInt32 = 5000) {
        self.out = out
        self.in = `in`
        self.timeoutMilliseconds = timeoutMilliseconds
    }
}

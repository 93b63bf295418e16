import CLibUSB

/// One libusb context: the library's state for this process. Owns the C handle; nothing else in
/// Custody sees it.
public final class LibUSBContext: @unchecked Sendable {
    // libusb contexts are thread-safe (libusb docs, "Multi-threaded applications"); the pointer is
    // never exposed, so sharing the owner across tasks is sound.
    let pointer: OpaquePointer

    /// Initialises libusb.
    /// - Throws: `DeviceError.unavailable` when libusb cannot start (no usbfs, no permissions).
    public init() throws {
        var context: OpaquePointer?
        let status = libusb_init(&context)
        guard status == 0, let context else {
            throw DeviceError(
                code: .unavailable,
                message: "libusb could not start (\(LibUSBStatus.name(status))); is /dev/bus/usb readable?")
        }
        pointer = context
    }

    deinit { libusb_exit(pointer) }

    /// The USB devices attached now, as descriptions (nothing is opened).
    /// - Throws: `DeviceError.io` when the bus cannot be listed.
    public func attachedDevices() throws -> [USBDeviceDescription] {
        var list: UnsafeMutablePointer<OpaquePointer?>?
        let count = libusb_get_device_list(pointer, &list)
        guard count >= 0, let list else {
            throw DeviceError(code: .io, message: "listing USB devices failed (\(LibUSBStatus.name(Int32(count))))")
        }
        defer { libusb_free_device_list(list, 1) }
        return (0..<Int(count)).compactMap { index in
            list[index].flatMap { USBDeviceDescription(device: $0) }
        }
    }
}

/// Names libusb status codes for error messages.
enum LibUSBStatus {
    static func name(_ status: Int32) -> String {
        String(cString: libusb_error_name(status))
    }

    /// Maps a failed transfer's status to a `DeviceError` naming the operation.
    static func error(_ status: Int32, _ operation: String) -> DeviceError {
        let name = name(status)
        switch status {
        case Int32(LIBUSB_ERROR_TIMEOUT.rawValue):
            return DeviceError(code: .timeout, message: "\(operation) timed out; the device did not answer")
        case Int32(LIBUSB_ERROR_NO_DEVICE.rawValue):
            return DeviceError(code: .disconnected, message: "\(operation) failed: the device was disconnected")
        case Int32(LIBUSB_ERROR_PIPE.rawValue):
            return DeviceError(code: .stalled, message: "\(operation) failed: the endpoint stalled")
        default:
            return DeviceError(code: .io, message: "\(operation) failed (\(name))")
        }
    }
}

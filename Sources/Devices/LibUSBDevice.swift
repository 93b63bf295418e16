import CLibUSB

/// One opened USB device with one claimed interface: the libusb `USBTransport`.
///
/// Owns its `libusb_device_handle`; the interface is released and the handle closed on deinit.
public final class LibUSBDevice: USBTransport {
    private let context: LibUSBContext
    let handle: OpaquePointer
    private let interface: Int32
    private let detachedKernelDriver: Bool
    /// The device as the bus described it when it was opened.
    public let location: USBDeviceDescription

    /// Opens the device at `location`'s bus and port path and claims `interface`.
    ///
    /// A kernel driver bound to the interface is detached first and reattached on close.
    /// - Throws: `DeviceError` (`.unavailable` when the device is gone or not accessible: check the udev
    ///   rules give group `custody` access; `.io` when the interface cannot be claimed).
    public init(context: LibUSBContext, at location: USBDeviceDescription, interface: Int32 = 0) throws {
        var list: UnsafeMutablePointer<OpaquePointer?>?
        let count = libusb_get_device_list(context.pointer, &list)
        guard count >= 0, let list else { throw LibUSBStatus.error(Int32(count), "listing USB devices") }
        defer { libusb_free_device_list(list, 1) }
        var found: OpaquePointer?
        for index in 0..<Int(count) {
            guard let device = list[index], let seen = USBDeviceDescription(device: device) else { continue }
            if seen.bus == location.bus, seen.ports == location.ports, seen.id == location.id {
                found = device
                break
            }
        }
        guard let found else {
            throw DeviceError(
                code: .unavailable, message: "USB device \(location.id) at \(location.portPath) is not attached")
        }
        var opened: OpaquePointer?
        let status = libusb_open(found, &opened)
        guard status == 0, let opened else {
            throw DeviceError(
                code: .unavailable,
                message: "USB device \(location.id) at \(location.portPath) cannot be opened "
                    + "(\(LibUSBStatus.name(status))); check the udev rules give group custody access")
        }
        // A kernel driver bound to a vendor interface is rare (usb-storage after unlock, cdc on some
        // terminals); detach it explicitly and give it back on close.
        var detached = false
        if libusb_kernel_driver_active(opened, interface) == 1 {
            let status = libusb_detach_kernel_driver(opened, interface)
            guard status == 0 else {
                libusb_close(opened)
                throw LibUSBStatus.error(
                    status, "detaching the kernel driver from interface \(interface) of \(location.id)")
            }
            detached = true
        }
        let claimed = libusb_claim_interface(opened, interface)
        guard claimed == 0 else {
            if detached { libusb_attach_kernel_driver(opened, interface) }
            libusb_close(opened)
            throw LibUSBStatus.error(claimed, "claiming interface \(interface) of \(location.id)")
        }
        self.detachedKernelDriver = detached
        self.context = context
        self.handle = opened
        self.interface = interface
        self.location = location
    }

    deinit {
        libusb_release_interface(handle, interface)
        if detachedKernelDriver { libusb_attach_kernel_driver(handle, interface) }
        libusb_close(handle)
        _ = context
    }

    /// Reads a string descriptor (serial, product) as ASCII; nil when the device has none.
    public func stringDescriptor(index: UInt8) -> String? {
        guard index != 0 else { return nil }
        var buffer = [UInt8](repeating: 0, count: 256)
        let length = libusb_get_string_descriptor_ascii(handle, index, &buffer, Int32(buffer.count))
        guard length > 0 else { return nil }
        return String(decoding: buffer.prefix(Int(length)), as: UTF8.self)
    }

    public func bulkWrite(endpoint: UInt8, data: [UInt8], timeoutMilliseconds: UInt32) throws {
        var data = data
        var offset = 0
        while offset < data.count {
            var transferred: Int32 = 0
            let status = data.withUnsafeMutableBufferPointer { buffer in
                libusb_bulk_transfer(
                    handle, endpoint, buffer.baseAddress! + offset, Int32(buffer.count - offset), &transferred,
                    timeoutMilliseconds)
            }
            guard status == 0 else {
                throw LibUSBStatus.error(status, "writing to endpoint \(endpoint) of \(location.id)")
            }
            guard transferred > 0 else {
                throw DeviceError(
                    code: .io, message: "writing to endpoint \(endpoint) of \(location.id) made no progress")
            }
            offset += Int(transferred)
        }
    }

    public func bulkRead(endpoint: UInt8, maxLength: Int, timeoutMilliseconds: UInt32) throws -> [UInt8] {
        var buffer = [UInt8](repeating: 0, count: max(maxLength, 1))
        var transferred: Int32 = 0
        let status = buffer.withUnsafeMutableBufferPointer { pointer in
            libusb_bulk_transfer(
                handle, endpoint, pointer.baseAddress, Int32(pointer.count), &transferred, timeoutMilliseconds)
        }
        guard status == 0 else {
            throw LibUSBStatus.error(status, "reading from endpoint \(endpoint) of \(location.id)")
        }
        return Array(buffer.prefix(Int(transferred)))
    }
}

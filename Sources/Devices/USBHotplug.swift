import CLibUDev
import CLibUSB
import Foundation
import Synchronization

/// A USB device arriving on or leaving the bus.
public struct USBEvent: Sendable, Hashable {
    /// Whether the device arrived or departed.
    public enum Kind: Sendable, Hashable { case arrived, departed }

    public var kind: Kind
    /// Where the device is and its ids.
    public var device: USBDeviceDescription
    /// The serial-number string (from sysfs through libudev), when the device has one.
    public var serial: String?
    /// The product string, when the device has one.
    public var product: String?
}

/// USB arrivals and departures from libusb hotplug, starting with the devices already attached
/// (`LIBUSB_HOTPLUG_ENUMERATE`: a daemon started with recorders docked finds them).
///
/// Iterating starts one event thread that runs libusb's event loop; ending the iteration (or
/// cancelling its task) stops it.
public struct USBHotplugEvents: AsyncSequence, Sendable {
    public typealias Element = USBEvent

    private let context: LibUSBContext

    /// Creates the sequence.
    /// - Throws: `DeviceError.unsupported` when this libusb has no hotplug support.
    public init(context: LibUSBContext) throws {
        guard CLibUSB_has_hotplug() != 0 else {
            throw DeviceError(code: .unsupported, message: "this libusb has no hotplug support; rebuild it with udev")
        }
        self.context = context
    }

    public func makeAsyncIterator() -> AsyncThrowingStream<USBEvent, any Error>.Iterator {
        let (stream, continuation) = AsyncThrowingStream<USBEvent, any Error>.makeStream()
        let loop = HotplugLoop(context: context, continuation: continuation)
        continuation.onTermination = { _ in loop.stop() }
        let thread = Thread { loop.run() }
        thread.name = "custody-usb-hotplug"
        thread.start()
        return stream.makeAsyncIterator()
    }
}

/// The event thread's state. Everything but `stopped` is touched only on that thread (libusb calls
/// the hotplug callback from inside `libusb_handle_events*` and from registration, both made there).
private final class HotplugLoop: @unchecked Sendable {
    let context: LibUSBContext
    let continuation: AsyncThrowingStream<USBEvent, any Error>.Continuation
    let stopped = Atomic<Bool>(false)
    /// Arrived devices by address, so a departure (whose sysfs node is gone) still carries its strings.
    var attached: [String: USBEvent] = [:]
    let udev: OpaquePointer?

    init(context: LibUSBContext, continuation: AsyncThrowingStream<USBEvent, any Error>.Continuation) {
        self.context = context
        self.continuation = continuation
        udev = udev_new()
    }

    deinit { if let udev { udev_unref(udev) } }

    func stop() {
        stopped.store(true, ordering: .releasing)
        libusb_interrupt_event_handler(context.pointer)
    }

    func run() {
        var handle: libusb_hotplug_callback_handle = 0
        let events = Int32(LIBUSB_HOTPLUG_EVENT_DEVICE_ARRIVED.rawValue | LIBUSB_HOTPLUG_EVENT_DEVICE_LEFT.rawValue)
        let status = libusb_hotplug_register_callback(
            context.pointer, events, Int32(LIBUSB_HOTPLUG_ENUMERATE.rawValue), CLibUSB_hotplug_match_any(),
            CLibUSB_hotplug_match_any(), CLibUSB_hotplug_match_any(), hotplugCallback,
            Unmanaged.passUnretained(self).toOpaque(), &handle)
        guard status == 0 else {
            continuation.finish(throwing: LibUSBStatus.error(status, "registering for USB hotplug"))
            return
        }
        var timeout = timeval(tv_sec: 0, tv_usec: 250_000)
        while !stopped.load(ordering: .acquiring) {
            let result = libusb_handle_events_timeout_completed(context.pointer, &timeout, nil)
            if result != 0, result != Int32(LIBUSB_ERROR_INTERRUPTED.rawValue) {
                continuation.finish(throwing: LibUSBStatus.error(result, "handling USB events"))
                break
            }
        }
        libusb_hotplug_deregister_callback(context.pointer, handle)
        continuation.finish()
    }

    func deliver(_ device: OpaquePointer, arrived: Bool) {
        guard let description = USBDeviceDescription(device: device) else { return }
        let key = "\(description.bus)-\(description.address)"
        if arrived {
            let strings = sysfsStrings(portPath: description.portPath)
            let event = USBEvent(kind: .arrived, device: description, serial: strings.serial, product: strings.product)
            attached[key] = event
            continuation.yield(event)
        } else {
            var event = attached.removeValue(forKey: key) ?? USBEvent(kind: .departed, device: description)
            event.kind = .departed
            continuation.yield(event)
        }
    }

    private func sysfsStrings(portPath: String) -> (serial: String?, product: String?) {
        guard let udev, let device = udev_device_new_from_subsystem_sysname(udev, "usb", portPath) else {
            return (nil, nil)
        }
        defer { udev_device_unref(device) }
        func attribute(_ name: String) -> String? {
            udev_device_get_sysattr_value(device, name).map { String(cString: $0) }
        }
        return (attribute("serial"), attribute("product"))
    }
}

private func hotplugCallback(
    context: OpaquePointer?, device: OpaquePointer?, event: libusb_hotplug_event, userData: UnsafeMutableRawPointer?
) -> Int32 {
    guard let device, let userData else { return 0 }
    let loop = Unmanaged<HotplugLoop>.fromOpaque(userData).takeUnretainedValue()
    loop.deliver(device, arrived: event == LIBUSB_HOTPLUG_EVENT_DEVICE_ARRIVED)
    return 0
}

import CLibUSB

/// What the bus says about one USB device, before it is opened: where it is and what it claims to be.
public struct USBDeviceDescription: Sendable, Hashable {
    /// The bus number.
    public var bus: UInt8
    /// The port numbers from the root hub down (the physical dock slot), e.g. [1, 4].
    public var ports: [UInt8]
    /// The device address on the bus (changes on every re-plug).
    public var address: UInt8
    /// The vendor and product ids.
    public var id: USBDeviceID
    /// The device class from the device descriptor (0 when classes are per interface).
    public var deviceClass: UInt8
    /// The classes of the interfaces of its configuration (0xFF vendor, 0x06 still image, 0x08 mass
    /// storage), for profiles that match on one.
    public var interfaceClasses: Set<UInt8>

    /// The bus/port path as udev and sysfs spell it: `1-1.4`.
    public var portPath: String {
        ports.isEmpty ? "usb\(bus)" : "\(bus)-" + ports.map(String.init).joined(separator: ".")
    }

    /// Creates a description.
    public init(
        bus: UInt8, ports: [UInt8], address: UInt8, id: USBDeviceID, deviceClass: UInt8 = 0,
        interfaceClasses: Set<UInt8> = []
    ) {
        self.bus = bus
        self.ports = ports
        self.address = address
        self.id = id
        self.deviceClass = deviceClass
        self.interfaceClasses = interfaceClasses
    }

    init?(device: OpaquePointer) {
        var descriptor = libusb_device_descriptor()
        guard libusb_get_device_descriptor(device, &descriptor) == 0 else { return nil }
        var portNumbers = [UInt8](repeating: 0, count: 8)
        let depth = libusb_get_port_numbers(device, &portNumbers, Int32(portNumbers.count))
        self.init(
            bus: libusb_get_bus_number(device),
            ports: depth > 0 ? Array(portNumbers.prefix(Int(depth))) : [],
            address: libusb_get_device_address(device),
            id: USBDeviceID(vendor: descriptor.idVendor, product: descriptor.idProduct),
            deviceClass: descriptor.bDeviceClass, interfaceClasses: Self.interfaceClasses(device))
    }

    /// The interface classes of the active configuration (or the first, when none is active yet).
    /// libusb answers from cached descriptors, so this is safe inside a hotplug callback.
    private static func interfaceClasses(_ device: OpaquePointer) -> Set<UInt8> {
        var config: UnsafeMutablePointer<libusb_config_descriptor>?
        guard
            libusb_get_active_config_descriptor(device, &config) == 0
                || libusb_get_config_descriptor(device, 0, &config) == 0,
            let config
        else { return [] }
        defer { libusb_free_config_descriptor(config) }
        var classes: Set<UInt8> = []
        for index in 0..<Int(config.pointee.bNumInterfaces) {
            let interface = config.pointee.interface[index]
            for setting in 0..<Int(max(interface.num_altsetting, 0)) {
                classes.insert(interface.altsetting[setting].bInterfaceClass)
            }
        }
        return classes
    }
}

/// A USB vendor:product id pair, written `4255:0001`.
public struct USBDeviceID: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The vendor id.
    public var vendor: UInt16
    /// The product id.
    public var product: UInt16

    /// Creates an id.
    public init(vendor: UInt16, product: UInt16) {
        self.vendor = vendor
        self.product = product
    }

    /// Parses `vvvv:pppp` (hexadecimal); nil for anything else.
    public init?(_ text: String) {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, parts.allSatisfy({ $0.count == 4 }),
            let vendor = UInt16(parts[0], radix: 16), let product = UInt16(parts[1], radix: 16)
        else { return nil }
        self.init(vendor: vendor, product: product)
    }

    public var description: String {
        func hex(_ value: UInt16) -> String {
            let digits = String(value, radix: 16)
            return String(repeating: "0", count: 4 - digits.count) + digits
        }
        return "\(hex(vendor)):\(hex(product))"
    }

    public static func < (lhs: USBDeviceID, rhs: USBDeviceID) -> Bool {
        (lhs.vendor, lhs.product) < (rhs.vendor, rhs.product)
    }
}

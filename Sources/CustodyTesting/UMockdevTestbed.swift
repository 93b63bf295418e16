import CUMockdev
import Foundation

/// A umockdev testbed: fake sysfs and /dev entries that libusb and libudev in this process see, when
/// the tests run under `umockdev-wrapper` (LD_PRELOAD of libumockdev-preload).
public final class Testbed {
    /// True when the preload library is active; the umockdev suites are skipped otherwise (run them
    /// with `make test-devices-umockdev`).
    public static var isPreloaded: Bool {
        ProcessInfo.processInfo.environment["LD_PRELOAD"]?.contains("umockdev") ?? false
    }

    public static let fixtures = URL(fileURLWithPath: VolumeImages.repository).appendingPathComponent(
        "fixtures/devices")

    private let testbed: OpaquePointer

    public init() {
        testbed = OpaquePointer(umockdev_testbed_new())
    }

    /// The testbed's directory (`$UMOCKDEV_DIR`): its `dev/` holds the fake device nodes.
    public var rootDirectory: String {
        guard let root = umockdev_testbed_get_root_dir(pointer) else { return "" }
        return String(cString: root)
    }

    deinit { CUMockdev_unref(UnsafeMutablePointer(testbed)) }

    var pointer: UnsafeMutablePointer<CUMockdev.UMockdevTestbed> { UnsafeMutablePointer(testbed) }

    /// Adds the devices of a fixture file (`fixtures/devices/NAME`).
    public func add(fixture name: String) throws {
        var error: UnsafeMutablePointer<GError>?
        let path = Self.fixtures.appendingPathComponent(name).path
        guard umockdev_testbed_add_from_file(pointer, path, &error) != 0 else {
            let message = error.map { String(cString: $0.pointee.message) } ?? "unknown error"
            CUMockdev_clear_error(&error)
            throw TestbedError(message: "umockdev could not load \(name): \(message)")
        }
    }

    /// Sends a uevent (`add`, `remove`) for the device at `syspath` (`/sys/devices/...`).
    public func uevent(_ syspath: String, _ action: String) {
        umockdev_testbed_uevent(pointer, syspath, action)
    }

    /// Removes a device from the testbed.
    public func remove(_ syspath: String) {
        umockdev_testbed_remove_device(pointer, syspath)
    }

    public struct TestbedError: Error { public var message: String }
}

extension Testbed {
    /// Loads a usbdevfs ioctl script (`fixtures/devices/NAME`, see make-ioctl.py) for the device node
    /// `devnode`, so bulk transfers through libusb are answered from it.
    public func loadIoctl(fixture name: String, devnode: String) throws {
        var error: UnsafeMutablePointer<GError>?
        let path = Self.fixtures.appendingPathComponent(name).path
        guard umockdev_testbed_load_ioctl(pointer, devnode, path, &error) != 0 else {
            let message = error.map { String(cString: $0.pointee.message) } ?? "unknown error"
            CUMockdev_clear_error(&error)
            throw TestbedError(message: "umockdev could not load \(name): \(message)")
        }
    }
}

extension Testbed {
    /// Adds devices from record text (a fixture edited by the test).
    public func add(record: String) throws {
        var error: UnsafeMutablePointer<GError>?
        guard umockdev_testbed_add_from_string(pointer, record, &error) != 0 else {
            let message = error.map { String(cString: $0.pointee.message) } ?? "unknown error"
            CUMockdev_clear_error(&error)
            throw TestbedError(message: "umockdev could not load a record: \(message)")
        }
    }

    /// Sets a udev property of the device at `syspath`.
    public func setProperty(_ syspath: String, _ name: String, _ value: String) {
        umockdev_testbed_set_property(pointer, syspath, name, value)
    }

    /// The text of a fixture file.
    public static func record(fixture name: String) throws -> String {
        try String(contentsOf: fixtures.appendingPathComponent(name), encoding: .utf8)
    }
}

extension Testbed {
    /// Serves SG_IO on `devnode` (`/dev/sdb`) from `unit`, for this process and any other that runs
    /// under umockdev's preload library with this testbed (a daemon). Call before adding the device.
    public func attachSCSI(devnode: String, unit: SimulatedJieLiUnit) throws {
        let bridge = UnsafeMutablePointer<CUMockdev_SCSIUnit>.allocate(capacity: 1)
        // Lives as long as the process, like the handler umockdev keeps calling.
        bridge.initialize(
            to: CUMockdev_SCSIUnit(
                handler: {
                    context, cdb, cdbLength, direction, data, dataLength, transferred, sense, capacity, senseLength in
                    guard let context, let cdb else { return -1 }
                    let unit = Unmanaged<SimulatedJieLiUnit>.fromOpaque(context).takeUnretainedValue()
                    let command = Array(UnsafeBufferPointer(start: cdb, count: Int(cdbLength)))
                    let out =
                        direction == 2 && dataLength > 0 && data != nil
                        ? Array(UnsafeBufferPointer(start: data, count: Int(dataLength))) : nil
                    switch unit.execute(cdb: command, dataOut: out, length: direction == 1 ? Int(dataLength) : 0) {
                    case .good(let bytes):
                        let count = min(bytes.count, Int(dataLength))
                        if count > 0, let data {
                            bytes.withUnsafeBufferPointer { data.update(from: $0.baseAddress!, count: count) }
                        }
                        transferred?.pointee = Int32(count)
                        return 0
                    case .checkCondition(let bytes):
                        let count = min(bytes.count, Int(capacity))
                        if count > 0, let sense {
                            bytes.withUnsafeBufferPointer { sense.update(from: $0.baseAddress!, count: count) }
                        }
                        senseLength?.pointee = Int32(count)
                        return 2
                    case .gone: return -1
                    }
                },
                context: Unmanaged.passRetained(unit).toOpaque()))
        var error: UnsafeMutablePointer<GError>?
        guard CUMockdev_attachSCSI(pointer, devnode, bridge, &error) != 0 else {
            let message = error.map { String(cString: $0.pointee.message) } ?? "unknown error"
            CUMockdev_clear_error(&error)
            throw TestbedError(message: "umockdev could not attach a SCSI unit to \(devnode): \(message)")
        }
    }
}

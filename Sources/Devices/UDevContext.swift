import CLibUDev
import Glibc

/// One libudev context: owns the C handle. Used by one task at a time (libudev objects are not
/// thread-safe).
public final class UDevContext {
    let pointer: OpaquePointer

    /// Opens libudev.
    /// - Throws: `DeviceError.unavailable`.
    public init() throws {
        guard let udev = udev_new() else {
            throw DeviceError(code: .unavailable, message: "libudev could not start; is /sys mounted?")
        }
        pointer = udev
    }

    deinit { udev_unref(pointer) }
}

/// A block device (a disk or one of its partitions) that appeared under a USB device.
public struct BlockPartition: Sendable, Hashable {
    /// The device node, e.g. `/dev/sdb1`, which `CameraVolumes` opens read-only.
    public var devnode: String
    /// The sysfs path.
    public var syspath: String
    /// `disk` or `partition`.
    public var devtype: String
    /// The filesystem label udev's blkid found (an Ambarella recorder's is its device id).
    public var label: String?
    /// The filesystem type udev's blkid found (`vfat`, `exfat`).
    public var filesystem: String?

    /// Creates a description (the resolver makes them from udev; tests make them by hand).
    public init(devnode: String, syspath: String, devtype: String, label: String?, filesystem: String?) {
        self.devnode = devnode
        self.syspath = syspath
        self.devtype = devtype
        self.label = label
        self.filesystem = filesystem
    }
}

/// Finds the block devices under a USB device through libudev, and waits for them after unlock.
public struct BlockDeviceResolver {
    private let udev: UDevContext

    /// Creates a resolver.
    public init(udev: UDevContext) { self.udev = udev }

    /// The initialised block devices whose parent chain holds the USB device at `portPath` (`1-1.4`).
    /// - Throws: `DeviceError.io` when udev cannot enumerate.
    public func blockDevices(under portPath: String) throws -> [BlockPartition] {
        guard let enumerate = udev_enumerate_new(udev.pointer) else {
            throw DeviceError(code: .io, message: "libudev could not enumerate block devices")
        }
        defer { udev_enumerate_unref(enumerate) }
        udev_enumerate_add_match_subsystem(enumerate, "block")
        guard udev_enumerate_scan_devices(enumerate) >= 0 else {
            throw DeviceError(code: .io, message: "libudev could not scan block devices")
        }
        var found: [BlockPartition] = []
        var entry = udev_enumerate_get_list_entry(enumerate)
        while let current = entry {
            defer { entry = udev_list_entry_get_next(current) }
            guard let path = udev_list_entry_get_name(current),
                let device = udev_device_new_from_syspath(udev.pointer, path)
            else { continue }
            defer { udev_device_unref(device) }
            if let partition = Self.partition(device, under: portPath) { found.append(partition) }
        }
        return found.sorted { $0.devnode < $1.devnode }
    }

    /// Waits until at least one initialised block device exists under `portPath`, watching udev's
    /// monitor so an arrival is seen as it happens; returns them all.
    ///
    /// Blocks the calling thread for up to `timeoutMilliseconds`: call it from a dedicated thread or a
    /// task that may block, not from a cooperative executor under load.
    /// - Parameter accepting: which block devices count (all, unless told); a device that changes into
    ///   one that counts (a medium inserted, a `change` uevent) is seen too.
    /// - Throws: `DeviceError.timeout` naming the device and the fix when none appears in time.
    public func waitForBlockDevices(
        under portPath: String, timeoutMilliseconds: Int32, accepting: (BlockPartition) -> Bool = { _ in true }
    ) throws -> [BlockPartition] {
        guard let monitor = udev_monitor_new_from_netlink(udev.pointer, "udev") else {
            throw DeviceError(code: .io, message: "libudev could not open a monitor")
        }
        defer { udev_monitor_unref(monitor) }
        udev_monitor_filter_add_match_subsystem_devtype(monitor, "block", nil)
        guard udev_monitor_enable_receiving(monitor) >= 0 else {
            throw DeviceError(code: .io, message: "libudev could not listen for block devices")
        }
        // Listen first, then look: a partition that appears in between is seen either way.
        var found = try blockDevices(under: portPath).filter(accepting)
        var descriptor = pollfd(fd: udev_monitor_get_fd(monitor), events: Int16(POLLIN), revents: 0)
        var clock = timespec()
        clock_gettime(CLOCK_MONOTONIC, &clock)
        let deadline = Int64(clock.tv_sec) * 1000 + Int64(clock.tv_nsec) / 1_000_000 + Int64(timeoutMilliseconds)
        while found.isEmpty {
            clock_gettime(CLOCK_MONOTONIC, &clock)
            let left = deadline - (Int64(clock.tv_sec) * 1000 + Int64(clock.tv_nsec) / 1_000_000)
            guard left > 0 else {
                throw DeviceError(
                    code: .timeout,
                    message: "no initialised block device appeared under USB device \(portPath) within "
                        + "\(timeoutMilliseconds) ms of unlock; check the recorder switched to mass storage and the "
                        + "udev rules are installed")
            }
            let ready = poll(&descriptor, 1, Int32(left))
            if ready < 0, errno != EINTR {
                throw DeviceError(code: .io, message: "waiting for udev events failed (errno \(errno))")
            }
            while ready > 0, let device = udev_monitor_receive_device(monitor) {
                defer { udev_device_unref(device) }
                let action = udev_device_get_action(device).map { String(cString: $0) }
                if action == "add" || action == "change", let partition = Self.partition(device, under: portPath),
                    accepting(partition)
                {
                    found.append(partition)
                }
            }
        }
        return found
    }

    /// The block device `device` describes, if it is initialised and sits under the USB device.
    static func partition(_ device: OpaquePointer, under portPath: String) -> BlockPartition? {
        // Initialised: udev has run its rules (permissions, blkid's ID_FS_*). libudev reports that both
        // as the flag and as the USEC_INITIALIZED property; umockdev, which has no udev database,
        // can only carry the property.
        let initialized =
            udev_device_get_is_initialized(device) != 0
            || udev_device_get_property_value(device, "USEC_INITIALIZED") != nil
        guard initialized,
            let devnode = udev_device_get_devnode(device).map({ String(cString: $0) })
        else { return nil }
        guard let usb = udev_device_get_parent_with_subsystem_devtype(device, "usb", "usb_device"),
            let sysname = udev_device_get_sysname(usb), String(cString: sysname) == portPath
        else { return nil }
        func property(_ name: String) -> String? {
            udev_device_get_property_value(device, name).map { String(cString: $0) }
        }
        return BlockPartition(
            devnode: devnode, syspath: String(cString: udev_device_get_syspath(device)),
            devtype: udev_device_get_devtype(device).map { String(cString: $0) } ?? "disk",
            label: property("ID_FS_LABEL"), filesystem: property("ID_FS_TYPE"))
    }
}

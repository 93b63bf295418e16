/// Finds a JieLi recorder's own SCSI unit under its USB port and opens it for the vendor commands.
public enum JieLiLUN {
    /// Waits for the disk node under `portPath`, opens it with `SGIOTransport` and checks its INQUIRY.
    /// - Throws: `DeviceError` (`.timeout` when no disk appears, `.unsupported` when the INQUIRY names
    ///   no known recorder, `.unavailable` when the node cannot be opened).
    public static func openDriver(
        under portPath: String, profile: DeviceProfile, password: String, timeoutMilliseconds: Int32
    ) throws -> JieLiDriver {
        let resolver = BlockDeviceResolver(udev: try UDevContext())
        let disks = try resolver.waitForBlockDevices(under: portPath, timeoutMilliseconds: timeoutMilliseconds) {
            $0.devtype == "disk"
        }
        guard let disk = disks.first else {
            throw DeviceError(code: .timeout, message: "no SCSI disk appeared under USB device \(portPath)")
        }
        let driver = JieLiDriver(
            transport: try SGIOTransport(path: disk.devnode), password: password,
            timeoutMilliseconds: profile.endpoints.timeoutMilliseconds)
        try driver.checkInquiry()
        return driver
    }
}

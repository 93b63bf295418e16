import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A docking station for end-to-end tests: a state directory, a configuration file, umockdev
/// recorders whose storage is a FAT image each, a watched folder, a `NOTIFY_SOCKET` listener, and
/// `custodyd run` as a child process under umockdev's preload library.
public final class DockStation {
    public let directory: TemporaryDirectory
    public let testbed = Testbed()
    /// Each bay's image and the SHA-256 of every file it was made with, by path.
    public private(set) var images: [(image: String, files: [String: String])] = []
    public var state: String { directory.file("state") }
    public var socket: String { directory.file("control.sock") }
    public var config: String { directory.file("custodyd.toml") }
    public var dropFolder: String { directory.file("drop") }
    private var notify: NotifyListener?
    /// The daemon started last, whose log a failure shows.
    private var daemon: DaemonProcess?
    private var daemonCount = 0

    public init(_ name: String = #function) throws {
        directory = try TemporaryDirectory(name)
        try FileManager.default.createDirectory(atPath: dropFolder, withIntermediateDirectories: true)
        let initialised = try custodyd("init", "--state", state)
        guard initialised.status == 0 else { throw FixtureFailure(message: "init: \(initialised.stderr)") }
    }

    /// Writes the configuration: one mass-storage profile for the simulated recorders, the drop folder.
    /// `controlGroup` owns the socket file and `allowedGroups` may use it (default: root only);
    /// `control` adds lines to the `[control]` table.
    public func configure(
        wipe: Bool, settleSeconds: Double = 0.2, extra: String = "", profile: String? = nil, controlGroup: String = "",
        allowedGroups: [String] = [], control: String = ""
    ) throws {
        let text = """
            [store]
            state_directory = "\(state)"

            [control]
            socket = "\(socket)"
            group = "\(controlGroup)"
            allowed_groups = [\(allowedGroups.map { "\"\($0)\"" }.joined(separator: ", "))]
            \(control)

            [devices]
            block_device_timeout_ms = 5000

            \(profile ?? """
            [[devices.profile]]
            id = "4255:0001"
            family = "massStorage"
            name = "simulated recorder"
            wipe_after_verify = \(wipe)
            media_folders = ["DCIM"]
            """)

            [[watch]]
            path = "\(dropFolder)"
            name = "card reader"
            device = "READER01"
            settle_seconds = \(settleSeconds)

            [fixity]
            enabled = false
            \(extra)
            """
        try Data(text.utf8).write(to: URL(fileURLWithPath: config))
    }

    /// Adds a recorder on USB port `1-<bay>` (bay 1...9) whose disk is a FAT image holding `files`
    /// files of `size` bytes under DCIM/100MEDIA, plus one file outside DCIM that must not be taken.
    ///   - name: the file name of file `index` (1...files).
    public func addRecorder(
        bay: Int, files: Int, size: Int, vendorInterface: Bool = false, showsDisk: Bool = true,
        vendor: String = "4255", product: String = "0001", bulkOut: UInt8 = 0x01, bulkIn: UInt8 = 0x81,
        name: (Int) -> String = { "VID\(String(format: "%04d", $0)).MP4" }
    ) throws {
        let serial = "DEV\(String(format: "%04d", bay))"
        let image = try addImage(bay: bay, files: files, size: size, label: serial, name: name)
        let disk = "sd" + String(UnicodeScalar(UInt8(ascii: "a") + UInt8(bay)))
        var record = Self.record(bay: bay, disk: disk, serial: serial)
        if vendorInterface {
            record = record.replacingOccurrences(of: "090400000208065000", with: "0904000002FF000000")
        }
        func littleEndian(_ hex: String) -> String { String(hex.suffix(2) + hex.prefix(2)).uppercased() }
        record = record.replacingOccurrences(
            of: "00000040554201000001", with: "00000040" + littleEndian(vendor) + littleEndian(product) + "0001")
        record = record.replacingOccurrences(of: "idVendor=4255", with: "idVendor=" + vendor)
            .replacingOccurrences(of: "idProduct=0001", with: "idProduct=" + product)
            .replacingOccurrences(of: "PRODUCT=4255/1/100", with: "PRODUCT=\(vendor)/\(product)/100")
            .replacingOccurrences(
                of: "07050102000200070581", with: String(format: "0705%02X020002000705%02X", bulkOut, bulkIn))
        if !showsDisk { record = String(record[record.range(of: "\n\n")!.upperBound...]) }
        try testbed.add(record: record)
        guard showsDisk else { return }
        // The preload library opens the node's file in the testbed: make it the image itself, so
        // what the daemon wipes is what the test reads afterwards.
        let node = testbed.rootDirectory + "/dev/" + disk
        try? FileManager.default.removeItem(atPath: node)
        try FileManager.default.createSymbolicLink(atPath: node, withDestinationPath: image)
    }

    /// Makes bay `bay`'s FAT image (`files` files of `size` bytes under DCIM/100MEDIA, and one file
    /// outside DCIM that must not be taken) and records its hashes; returns its path.
    @discardableResult
    func addImage(
        bay: Int, files: Int, size: Int, label: String,
        name: (Int) -> String = { "VID\(String(format: "%04d", $0)).MP4" }
    ) throws -> String {
        let image = directory.file("bay\(bay).img")
        var content: [(String, [UInt8])] = (1...files).map { index in
            (
                "DCIM/100MEDIA/\(name(index))",
                testBytes(count: size, seed: UInt64(bay * 1000 + index))
            )
        }
        content.append(("SYSTEM/LOG.TXT", Array("not evidence".utf8)))
        let megabytes = max(8, (files * size) / (1 << 20) * 11 / 10 + 8)
        var hashes = try FATImages.make(
            at: image, megabytes: megabytes, label: label, files: content, scratch: directory.file("scratch"))
        hashes.removeValue(forKey: "SYSTEM/LOG.TXT")
        images.append((image, hashes))
        return image
    }

    /// The umockdev record of a recorder after unlock: USB device 1-<bay>, an unpartitioned FAT disk.
    public static func record(bay: Int, disk: String, serial: String) -> String {
        let device = "/devices/pci0000:00/0000:00:14.0/usb1/1-\(bay)"
        let number = String(format: "%03d", bay + 1)
        // Device descriptor 4255:0001, one configuration, one mass-storage interface (08/06/50), bulk 01/81.
        let descriptors =
            "1201000200000040554201000001010203010902200001010080320904000002080650000705010200020007058102000200"
        return """
            P: \(device)/1-\(bay):1.0/host\(bay)/target\(bay):0:0/\(bay):0:0:0/block/\(disk)
            N: \(disk)
            E: DEVNAME=/dev/\(disk)
            E: DEVTYPE=disk
            E: SUBSYSTEM=block
            E: USEC_INITIALIZED=1000000
            E: ID_FS_LABEL=\(serial)
            E: ID_FS_TYPE=vfat
            A: removable=1

            P: \(device)
            N: bus/usb/001/\(number)=\(descriptors)
            E: DEVNAME=/dev/bus/usb/001/\(number)
            E: DEVTYPE=usb_device
            E: DRIVER=usb
            E: PRODUCT=4255/1/100
            E: TYPE=0/0/0
            E: BUSNUM=001
            E: DEVNUM=\(number)
            E: MAJOR=189
            E: MINOR=\(bay)
            E: SUBSYSTEM=usb
            E: USEC_INITIALIZED=1000000
            A: busnum=1
            A: devnum=\(bay + 1)
            A: idVendor=4255
            A: idProduct=0001
            A: bcdDevice=0100
            A: bDeviceClass=00
            A: bNumConfigurations=1
            A: bConfigurationValue=1
            A: manufacturer=Simulated
            A: product=Simulated Recorder
            A: serial=\(serial)
            A: speed=480
            A: devpath=\(bay)
            H: descriptors=\(descriptors)

            """
    }

    /// Starts `custodyd run` with `environment` added, and waits for `READY=1`; with `journalStream`,
    /// its log file is announced as the journal's stream (`JOURNAL_STREAM`).
    public func start(environment extra: [String: String] = [:], journalStream: Bool = false) throws -> DaemonProcess {
        daemonCount += 1
        let listener = try NotifyListener(path: directory.file("notify-\(daemonCount).sock"))
        notify = listener
        let daemon = try DaemonProcess(
            config: config,
            environment: [
                "NOTIFY_SOCKET": listener.path, "LD_PRELOAD": "libumockdev-preload.so.0",
                "UMOCKDEV_DIR": testbed.rootDirectory, "CUSTODY_LOG_LEVEL": "info",
            ].merging(extra) { $1 },
            logPath: directory.file("daemon-\(daemonCount).log"), journalStream: journalStream)
        self.daemon = daemon
        guard listener.waitFor("READY=1") else {
            throw FixtureFailure(message: "custodyd never said READY=1:\n\(daemon.log)")
        }
        return daemon
    }

    /// Every notification the running daemon sent so far that the station has read.
    public var notifications: [String] { notify?.messages ?? [] }

    /// Waits for the notification line `line` from the running daemon.
    public func waitForNotification(_ line: String) -> Bool { notify?.waitFor(line) ?? false }

    /// Follows the daemon's status over the control socket until `condition` holds; returns that status.
    public func waitForStatus(_ condition: ([String: Any]) -> Bool) throws -> [String: Any] {
        let client = try ControlClient(path: socket)
        try client.request(["v": 1, "request": "status", "watch": true])
        var last: [String: Any]?
        while let response = try client.response() {
            guard let status = response["status"] as? [String: Any] else {
                throw FixtureFailure(message: "not a status: \(response)")
            }
            if condition(status) { return status }
            last = status
        }
        throw FixtureFailure(
            message:
                "the status stream ended before the condition held; last status: \(last ?? [:])\n\(daemon?.log ?? "")")
    }

    /// The bay with id `id` in a status.
    public static func bay(_ id: String, in status: [String: Any]) -> [String: Any]? {
        (status["bays"] as? [[String: Any]])?.first { $0["id"] as? String == id }
    }

    /// Every item in the catalog (`custodyd list --json`, read-only while the daemon runs).
    public func items() throws -> [[String: Any]] {
        let result = try custodyd("list", "--state", state, "--json", "--limit", "100000")
        guard let object = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any] else {
            throw FixtureFailure(message: "list: \(result.stdout) \(result.stderr)")
        }
        return object["items"] as? [[String: Any]] ?? []
    }

    /// The files left on bay `bay`'s image, with their hashes.
    public func filesOnImage(bay: Int) throws -> [String: String] {
        try VolumeImages.mtoolsHashes(images[bay - 1].image, scratch: directory.file("scratch"))
    }
}

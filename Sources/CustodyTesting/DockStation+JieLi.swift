import Foundation

extension DockStation {
    /// The USB id the end-to-end tests give a JieLi recorder (made up: the sources name none; the
    /// udev rules find such recorders by INQUIRY).
    public static let jieliID = "a5a5:0947"

    /// The umockdev record of a JieLi recorder on port 1-<bay> before unlock: a USB mass-storage
    /// device whose SCSI unit (INQUIRY `DV16 DEVICE V1.00`) is disk `disk`, with no filesystem.
    public static func jieliRecord(bay: Int, disk: String, serial: String = "JL0001") -> String {
        let device = "/devices/pci0000:00/0000:00:14.0/usb1/1-\(bay)"
        let number = String(format: "%03d", bay + 1)
        let unit = "\(device)/1-\(bay):1.0/host\(bay)/target\(bay):0:0/\(bay):0:0:0"
        // Device descriptor a5a5:0947, one configuration, one mass-storage interface (08/06/50), bulk 01/81.
        let descriptors =
            "1201000200000040A5A547090001010203010902200001010080320904000002080650000705010200020007058102000200"
        return """
            P: \(unit)/block/\(disk)
            N: \(disk)
            E: DEVNAME=/dev/\(disk)
            E: DEVTYPE=disk
            E: SUBSYSTEM=block
            E: USEC_INITIALIZED=1000000
            E: ID_VENDOR=DV16
            E: ID_MODEL=DEVICE_V1.00
            A: removable=1

            P: \(unit)
            E: DEVTYPE=scsi_device
            E: SUBSYSTEM=scsi
            A: vendor=DV16
            A: model=DEVICE V1.00
            A: rev=1.00

            P: \(device)
            N: bus/usb/001/\(number)=\(descriptors)
            E: DEVNAME=/dev/bus/usb/001/\(number)
            E: DEVTYPE=usb_device
            E: DRIVER=usb
            E: PRODUCT=a5a5/947/100
            E: TYPE=0/0/0
            E: BUSNUM=001
            E: DEVNUM=\(number)
            E: MAJOR=189
            E: MINOR=\(bay)
            E: SUBSYSTEM=usb
            E: USEC_INITIALIZED=1000000
            A: busnum=1
            A: devnum=\(bay + 1)
            A: idVendor=a5a5
            A: idProduct=0947
            A: bcdDevice=0100
            A: bDeviceClass=00
            A: bNumConfigurations=1
            A: bConfigurationValue=1
            A: manufacturer=Simulated
            A: product=Simulated JieLi Recorder
            A: serial=\(serial)
            A: speed=480
            A: devpath=\(bay)
            H: descriptors=\(descriptors)

            """
    }

    /// The FAT partition a JieLi recorder shows after the switch to mass storage.
    static func jieliVolumeRecord(bay: Int, disk: String) -> String {
        let unit =
            "/devices/pci0000:00/0000:00:14.0/usb1/1-\(bay)/1-\(bay):1.0/host\(bay)/target\(bay):0:0/\(bay):0:0:0"
        return """
            P: \(unit)/block/\(disk)/\(disk)1
            E: DEVNAME=/dev/\(disk)1
            E: DEVTYPE=partition
            E: SUBSYSTEM=block
            E: USEC_INITIALIZED=1000000
            E: ID_FS_TYPE=vfat
            A: partition=1

            """
    }

    /// Adds a JieLi recorder on port 1-<bay> whose unit `unit` serves SG_IO on its disk, and whose
    /// evidence (a FAT image of `files` files of `size` bytes under DCIM/100MEDIA, plus one file
    /// outside DCIM) becomes visible only once `showVolume(bay:)` is called.
    public func addJieLiRecorder(bay: Int, files: Int, size: Int, unit: SimulatedJieLiUnit) throws {
        let disk = "sd" + String(UnicodeScalar(UInt8(ascii: "a") + UInt8(bay)))
        try testbed.attachSCSI(devnode: "/dev/" + disk, unit: unit)
        try addImage(bay: bay, files: files, size: size, label: "JIELI")
        try testbed.add(record: Self.jieliRecord(bay: bay, disk: disk))
    }

    /// The recorder on port 1-<bay> switched: its FAT partition appears (an `add` uevent), backed by
    /// the bay's image.
    public func showVolume(bay: Int) throws {
        let disk = "sd" + String(UnicodeScalar(UInt8(ascii: "a") + UInt8(bay)))
        // The node first (the record has none, so umockdev makes no empty file there): the daemon
        // may see the partition as soon as it is added.
        let node = testbed.rootDirectory + "/dev/" + disk + "1"
        try FileManager.default.createSymbolicLink(atPath: node, withDestinationPath: images[bay - 1].image)
        try testbed.add(record: Self.jieliVolumeRecord(bay: bay, disk: disk))
        testbed.uevent(
            "/sys/devices/pci0000:00/0000:00:14.0/usb1/1-\(bay)/1-\(bay):1.0/host\(bay)/target\(bay):0:0/"
                + "\(bay):0:0:0/block/\(disk)/\(disk)1", "add")
    }
}

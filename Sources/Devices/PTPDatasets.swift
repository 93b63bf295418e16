/// PTP operation and response codes Custody uses (PIMA 15740 / MTP 1.1).
public enum PTPOperation {
    public static let getDeviceInfo: UInt16 = 0x1001
    public static let openSession: UInt16 = 0x1002
    public static let closeSession: UInt16 = 0x1003
    public static let getStorageIDs: UInt16 = 0x1004
    public static let getObjectHandles: UInt16 = 0x1007
    public static let getObjectInfo: UInt16 = 0x1008
    public static let getObject: UInt16 = 0x1009
    public static let deleteObject: UInt16 = 0x100B
}

/// PTP response codes with a meaning for Custody.
public enum PTPResponse {
    public static let ok: UInt16 = 0x2001
    public static let sessionAlreadyOpen: UInt16 = 0x201E
}

/// The DeviceInfo dataset, as much of it as Custody records.
public struct PTPDeviceInfo: Sendable, Hashable {
    public var manufacturer: String
    public var model: String
    public var deviceVersion: String
    public var serialNumber: String
    /// The operations the responder says it supports.
    public var operationsSupported: Set<UInt16>

    /// Parses the dataset.
    /// - Throws: `DeviceError.malformed` naming the field that runs out or is invalid.
    public init(dataset: [UInt8]) throws {
        var reader = PTPDataReader(dataset, dataset: "DeviceInfo")
        _ = try reader.uint16("StandardVersion")
        _ = try reader.uint32("VendorExtensionID")
        _ = try reader.uint16("VendorExtensionVersion")
        _ = try reader.string("VendorExtensionDesc")
        _ = try reader.uint16("FunctionalMode")
        operationsSupported = Set(
            try reader.array("OperationsSupported", elementSize: 2) { try $0.uint16("operation") })
        for field in ["EventsSupported", "DevicePropertiesSupported", "CaptureFormats", "PlaybackFormats"] {
            _ = try reader.array(field, elementSize: 2) { try $0.uint16(field) }
        }
        manufacturer = try reader.string("Manufacturer")
        model = try reader.string("Model")
        deviceVersion = try reader.string("DeviceVersion")
        serialNumber = try reader.string("SerialNumber")
    }
}

/// The ObjectInfo dataset of one object (a file or a folder).
public struct PTPObjectInfo: Sendable, Hashable {
    /// The association (folder) object format.
    public static let associationFormat: UInt16 = 0x3001

    public var storageID: UInt32
    public var format: UInt16
    /// The size in bytes; 0xFFFFFFFF means 4 GiB or more (MTP then needs 64-bit properties).
    public var compressedSize: UInt32
    /// The handle of the folder it is in; 0 (or 0xFFFFFFFF on some responders) at the root.
    public var parent: UInt32
    public var filename: String
    /// `YYYYMMDDThhmmss[.s][Z|±hhmm]`, as the responder wrote it; may be empty.
    public var captureDate: String
    public var modificationDate: String

    /// Whether this is a folder.
    public var isFolder: Bool { format == Self.associationFormat }

    /// Parses the dataset.
    /// - Throws: `DeviceError.malformed` naming the field; a file name that is empty, `.`/`..`, or holds
    ///   `/` is refused (it would let a responder write paths of its choosing into the catalog).
    public init(dataset: [UInt8]) throws {
        var reader = PTPDataReader(dataset, dataset: "ObjectInfo")
        storageID = try reader.uint32("StorageID")
        format = try reader.uint16("ObjectFormat")
        _ = try reader.uint16("ProtectionStatus")
        compressedSize = try reader.uint32("ObjectCompressedSize")
        _ = try reader.uint16("ThumbFormat")
        for field in [
            "ThumbCompressedSize", "ThumbPixWidth", "ThumbPixHeight", "ImagePixWidth", "ImagePixHeight",
            "ImageBitDepth",
        ] {
            _ = try reader.uint32(field)
        }
        parent = try reader.uint32("ParentObject")
        _ = try reader.uint16("AssociationType")
        _ = try reader.uint32("AssociationDesc")
        _ = try reader.uint32("SequenceNumber")
        filename = try reader.string("Filename")
        captureDate = try reader.string("CaptureDate")
        modificationDate = try reader.string("ModificationDate")
        guard !filename.isEmpty, filename != ".", filename != "..", !filename.contains("/") else {
            throw DeviceError.malformed("PTP ObjectInfo file name \"\(filename)\" is empty, a dot name, or holds \"/\"")
        }
    }
}

import Foundation

/// Whose recording an item is (DESIGN §11): the registry's assignment of the docked device at the
/// docking instant, else the device's own identity record, else the file name — and every
/// disagreement between them, as flags for a reviewer. A disagreement never stops an ingest.
public struct OfficerAttribution: Sendable, Equatable {
    /// Where the officer came from.
    public enum Source: String, Sendable, Codable, CaseIterable {
        case registry
        case identityRecord = "identity_record"
        case fileName = "file_name"
    }

    /// The officer's badge id (upper case), when any source named one.
    public var officerID: String?
    /// Which source `officerID` came from.
    public var source: Source?
    /// Each disagreement, as a sentence.
    public var flags: [String]

    /// Decides the officer from what each source said. Ids compare case-insensitively.
    /// - Parameters:
    ///   - registry: the holder of the docked device by the registry at the docking instant.
    ///   - identityRecord: the officer id in the device's identity record (GA/T ZFY_INFO).
    ///   - fileName: the officer id the file-name rule found.
    ///   - device: the serial of the device the item came from.
    ///   - fileNameDevice: the device id the file-name rule found.
    public init(
        registry: String?, identityRecord: String?, fileName: String?, device: String? = nil,
        fileNameDevice: String? = nil
    ) {
        func normalised(_ text: String?) -> String? {
            guard let text = text?.trimmingCharacters(in: .whitespaces), !text.isEmpty else { return nil }
            return text.uppercased()
        }
        let said: [(Source, String?)] = [
            (.registry, normalised(registry)), (.identityRecord, normalised(identityRecord)),
            (.fileName, normalised(fileName)),
        ]
        let named = said.compactMap { source, id in id.map { (source, $0) } }
        officerID = named.first?.1
        source = named.first?.0
        flags = []
        for (index, (source, id)) in named.enumerated() {
            for (otherSource, otherID) in named[(index + 1)...] where otherID != id {
                flags.append("\(source.phrase) says officer \(id), \(otherSource.phrase) says \(otherID)")
            }
        }
        if let device = normalised(device), let named = normalised(fileNameDevice), device != named {
            flags.append("the file name names device \(named), the item came from device \(device)")
        }
    }
}

extension OfficerAttribution.Source {
    var phrase: String {
        switch self {
        case .registry: return "the registry"
        case .identityRecord: return "the device's identity record"
        case .fileName: return "the file name"
        }
    }
}

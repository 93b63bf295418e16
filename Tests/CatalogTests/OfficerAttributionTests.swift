import CustodyCore
import Testing

/// The order of sources (registry, identity record, file name) and the flags when they disagree.
@Suite struct OfficerAttributionTests {
    @Test(arguments: [
        (nil, nil, nil, nil, nil, 0),
        ("P1", nil, nil, "P1", OfficerAttribution.Source.registry, 0),
        (nil, "p2", nil, "P2", .identityRecord, 0),
        (nil, nil, "p3", "P3", .fileName, 0),
        ("P1", "P1", "p1", "P1", .registry, 0),
        ("P1", "P2", nil, "P1", .registry, 1),
        ("P1", "P2", "P3", "P1", .registry, 3),
        (nil, "P2", "P3", "P2", .identityRecord, 1),
        ("P1", nil, " ", "P1", .registry, 0),
    ] as [(String?, String?, String?, String?, OfficerAttribution.Source?, Int)])
    func theFirstSourceThatNamesAnOfficerWinsAndEveryDisagreementIsFlagged(
        registry: String?, identity: String?, fileName: String?, officer: String?,
        source: OfficerAttribution.Source?, flags: Int
    ) {
        let attribution = OfficerAttribution(registry: registry, identityRecord: identity, fileName: fileName)
        #expect(attribution.officerID == officer)
        #expect(attribution.source == source)
        #expect(attribution.flags.count == flags)
    }

    @Test func aFileNameNamingAnotherDeviceIsFlagged() {
        let attribution = OfficerAttribution(
            registry: nil, identityRecord: nil, fileName: "P1", device: "DEV0001", fileNameDevice: "dev0002")
        #expect(attribution.flags == ["the file name names device DEV0002, the item came from device DEV0001"])
        #expect(
            OfficerAttribution(registry: nil, identityRecord: nil, fileName: nil, device: "dev1", fileNameDevice: "DEV1")
                .flags.isEmpty)
    }
}

import Catalog
import CustodyDaemon
import Devices
import Foundation
import Testing

/// systemd/custodyd.toml, the example installed as /etc/custody/custodyd.toml: copied as it is, it
/// enables no recorder profile and no registry entry (a fake serial would enter the audit chain for
/// good); every default and example it shows commented out is valid once uncommented, and a default
/// is the default.
@Suite struct ConfigurationExampleTests {
    static let exampleURL = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../systemd/custodyd.toml").standardized
    static let documentationURL = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../docs/configuration.md").standardized

    static func example() throws -> String { try String(contentsOf: exampleURL, encoding: .utf8) }

    /// The example with every commented-out key and table enabled.
    static func uncommentedExample() throws -> String {
        try example().split(separator: "\n", omittingEmptySubsequences: false).map { line in
            let isKey = line.hasPrefix("#") && line.dropFirst().first?.isLetter == true && line.contains(" = ")
            return isKey || line.hasPrefix("#[") ? String(line.dropFirst()) : String(line)
        }.joined(separator: "\n")
    }

    @Test func theExampleAsCopiedEnablesNoDeviceAndNoRegistryEntry() throws {
        let configuration = try ConfigurationFile.parse(
            text: try Self.example(), path: "systemd/custodyd.toml", environment: [:])
        #expect(configuration.devices.profiles.profiles.isEmpty)
        #expect(configuration.devices.profiles.registry.isEmpty)
        #expect(configuration.watchedFolders.isEmpty)
        // Nothing but section headers and comments: every setting is a commented default or example.
        let active = try Self.example().split(separator: "\n").filter { !$0.hasPrefix("#") && !$0.hasPrefix("[") }
        #expect(active.allSatisfy { $0.trimmingCharacters(in: .whitespaces).isEmpty }, "\(active)")
        #expect(configuration.stateDirectory == "/var/lib/custody")
        #expect(configuration.control == DaemonConfiguration.Control())
        #expect(configuration.fixity == DaemonConfiguration.Fixity())
        #expect(configuration.audit == DaemonConfiguration.Audit())
        #expect(configuration.devices.enabled)
        #expect(configuration.devices.blockDeviceTimeoutMilliseconds == 30_000)
    }

    @Test func theCommentedOutDefaultsAreValidAndAreTheDefaults() throws {
        let text = try Self.uncommentedExample()
        #expect(text.contains("\nstate_directory = "))
        let configuration = try ConfigurationFile.parse(text: text, path: "uncommented.toml", environment: [:])
        #expect(configuration.stateDirectory == "/var/lib/custody")
        #expect(configuration.control == DaemonConfiguration.Control())
        #expect(configuration.fixity == DaemonConfiguration.Fixity())
        #expect(configuration.notes == NoteLimits())
        #expect(configuration.devices.blockDeviceTimeoutMilliseconds == 30_000)
        // The commented examples, uncommented, are a valid profile and registry entry.
        let profile = try #require(configuration.devices.profiles.profiles.first)
        #expect(profile.id == USBDeviceID(vendor: 0x4255, product: 0x0001) && profile.family == .ambarella)
        #expect(profile.name == "Ambarella body camera" && profile.unlockPassword == "recorder-password")
        #expect(!profile.wipeAfterVerify)
        #expect(
            configuration.devices.profiles.registry == [
                "AB123456": RegisteredDevice(officerID: "P1234", unitNumber: "U7")
            ])
        #expect(profile.mediaFolders == ["DCIM"])
        #expect(profile.clockUTCOffsetSeconds == 0)
        #expect(profile.endpoints == BulkEndpoints())
        let folder = try #require(configuration.watchedFolders.first)
        #expect(folder.settleSeconds == 5)
        #expect(!folder.removeAfterVerify)
        #expect(folder.name == "incoming")
    }

    @Test func everyKeyOfTheExampleIsDocumented() throws {
        let documentation = try String(contentsOf: Self.documentationURL, encoding: .utf8)
        let keys = try Self.uncommentedExample().split(separator: "\n").compactMap { line -> Substring? in
            guard let equals = line.range(of: " = "), line.first?.isLetter == true else { return nil }
            return line[..<equals.lowerBound]
        }
        #expect(keys.count > 30)
        for key in keys {
            #expect(documentation.contains("`\(key)`"), "docs/configuration.md does not document \(key)")
        }
    }
}

import CustodyCore
import CustodyTesting
import Foundation
import Testing

@testable import CameraVolumes

/// The corpus of broken and hostile images (made by fixtures/volumes/make-hostile.py, described in its
/// manifest.json): each is refused with an error that names the problem, or its healthy files are read
/// with the right bytes and its damaged ones fail with a named reason. Never a crash or a hang.
@Suite struct HostileVolumeTests {
    struct Expectation: Decodable {
        struct File: Decodable {
            var sha256: String?
            var error: String?
        }
        var refuse: String?
        var files: [String: File]?
        var unnamed_failure: String?
    }

    static let manifest: [String: Expectation] = {
        let url = URL(fileURLWithPath: VolumeImages.corpus + "/manifest.json")
        guard let data = try? Data(contentsOf: url) else { return [:] }
        return (try? JSONDecoder().decode([String: Expectation].self, from: data)) ?? [:]
    }()

    @Test func theCorpusIsThere() {
        #expect(Self.manifest.count >= 17)
    }

    @Test(arguments: manifest.keys.sorted())
    func aBrokenImageEndsInANamedErrorAndTheReadableFilesAreRead(image: String) throws {
        let expectation = try #require(Self.manifest[image])
        let path = VolumeImages.corpus + "/" + image
        if let refuse = expectation.refuse {
            let error = #expect(throws: VolumeError.self) { _ = try read(try openVolume(path)) }
            #expect(error?.description.contains(refuse) == true, "\(error?.description ?? "no error")")
            #expect(error?.description.contains(path) == true || error?.description.contains("image") == true)
            return
        }
        let reading = try read(try openVolume(path))
        let files = expectation.files ?? [:]
        for (name, file) in files {
            if let hash = file.sha256 {
                #expect(reading.hashes[name] == hash, "\(name): \(reading.failures[name] ?? "missing")")
            }
            if let error = file.error {
                #expect(reading.hashes[name] == nil, "\(name) was read")
                #expect(
                    reading.failures[name]?.contains(error) == true,
                    "\(name): \(reading.failures[name] ?? "no failure")")
            }
        }
        // Nothing is read that the manifest does not know, and nothing fails that it does not expect.
        let healthy = Set(files.filter { $0.value.sha256 != nil }.keys)
        #expect(Set(reading.hashes.keys) == healthy)
        let unexpected = reading.failures.filter { files[$0.key]?.error == nil }
        if let reason = expectation.unnamed_failure {
            #expect(unexpected.count == 1)
            #expect(unexpected.values.first?.contains(reason) == true, "\(unexpected)")
        } else {
            #expect(unexpected.isEmpty, "\(unexpected)")
        }
    }
}

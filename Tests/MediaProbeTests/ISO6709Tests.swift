import Foundation
import Testing

@testable import MediaProbe

@Suite struct ISO6709Tests {
    @Test(arguments: [
        ("+37.7749-122.4194+010.000/", 37.7749, -122.4194, 10.0 as Double?),
        ("+37.7749-122.4194/", 37.7749, -122.4194, nil),
        ("-33.8688+151.2093CRSWGS_84/", -33.8688, 151.2093, nil),
        ("+3746.494-12225.164/", 37.77490, -122.41940, nil),
        ("+374629.64-1222509.84/", 37.774900, -122.419400, nil),
    ])
    func parsesEachForm(text: String, latitude: Double, longitude: Double, altitude: Double?) throws {
        let point = try #require(ISO6709.parse(text))
        #expect(abs(point.latitude - latitude) < 1e-4)
        #expect(abs(point.longitude - longitude) < 1e-4)
        #expect(point.altitude == altitude)
    }

    @Test(arguments: ["", "37.7749,-122.4194", "+97.0+10.0/", "+10.0+190.0/", "+12"])
    func rejectsWhatIsNotAPoint(_ text: String) {
        #expect(ISO6709.parse(text) == nil)
    }

    @Test func exifReaderSurvivesHostileBytes() {
        // Truncated and self-referencing structures: no crash, no hang, nothing made up.
        var jpeg: [UInt8] = [0xff, 0xd8, 0xff, 0xe1, 0x00, 0x20] + Array("Exif\0\0".utf8)
        jpeg += [0x4d, 0x4d, 0x00, 0x2a, 0x00, 0x00, 0x00, 0x08]  // IFD0 at 8
        jpeg += [0xff, 0xff]  // 65535 entries claimed
        jpeg += [UInt8](repeating: 0x41, count: 12)
        #expect(ExifReader.read(jpeg: jpeg)?.fields.isEmpty == true)
        for cut in 0..<jpeg.count { _ = ExifReader.read(jpeg: Array(jpeg.prefix(cut))) }
        #expect(ExifReader.read(jpeg: [0x00, 0x01]) == nil)
    }
}

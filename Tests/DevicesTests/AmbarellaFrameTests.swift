import Testing

@testable import Devices

@Suite struct AmbarellaFrameTests {
    @Test func encodesTheLoginCommandAsPublished() throws {
        let frame = try AmbarellaFrame(command: "Ver", argument: "00000000")
        #expect(frame.encoded == Array("@Ver;8;00000000;#".utf8))
    }

    @Test func roundTrips() throws {
        let frame = try AmbarellaFrame(command: "Gdv", argument: "DEV0001,A12345")
        #expect(try AmbarellaFrame.decode(frame.encoded) == frame)
        #expect(try AmbarellaFrame.decode(Array("@Gdt;0;;#".utf8)).argument == "")
    }

    @Test(arguments: [
        "", "@", "Ver;8;00000000;#", "@Ver;8;00000000#", "@Ver;8;0000000;#", "@Ver;9;00000000;#",
        "@Ve;8;00000000;#", "@V r;0;;#", "@Ver;x;;#", "@Ver;;;#", "@Ver;008;00000000;#", "@Ver;-1;;#",
        "@Ver;2;a;;#", "@Ver;2;a#;#", "@Ver;1;\u{7};#", "@Ver;0;;#trailing",
    ])
    func rejectsMalformedFrames(text: String) {
        #expect(throws: DeviceError.self) { try AmbarellaFrame.decode(Array(text.utf8)) }
    }

    @Test func rejectsOversizedFramesAndArguments() {
        let long = String(repeating: "A", count: 65)
        #expect(throws: DeviceError.self) { try AmbarellaFrame(command: "ATH", argument: long) }
        #expect(throws: DeviceError.self) { try AmbarellaFrame.decode(Array("@ATH;65;\(long);#".utf8)) }
        #expect(throws: DeviceError.self) { try AmbarellaFrame.decode([UInt8](repeating: 0x40, count: 10_000)) }
    }

    @Test func rejectsBinaryGarbage() {
        var generator = SplitMix64(seed: 47)
        for _ in 0..<2000 {
            let count = Int(generator.next() % 90)
            let bytes = (0..<count).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
            // Either a clean frame or a DeviceError; never a crash.
            _ = try? AmbarellaFrame.decode(bytes)
        }
    }
}

/// A small deterministic generator for hostile-input tests.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

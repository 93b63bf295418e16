import CustodyTesting
import Testing

@testable import Devices

@Suite struct PTPContainerTests {
    @Test func encodesAnOpenSessionCommand() throws {
        let command = PTPContainer(kind: .command, code: 0x1002, transactionID: 0, parameters: [1])
        #expect(command.encoded == [16, 0, 0, 0, 1, 0, 0x02, 0x10, 0, 0, 0, 0, 1, 0, 0, 0])
        let decoded = try PTPContainer.decode(command.encoded)
        #expect(decoded == command)
        #expect(try decoded.parameters() == [1])
    }

    @Test func rejectsMalformedContainers() {
        let good = PTPContainer(kind: .response, code: 0x2001, transactionID: 7, parameters: [1, 2]).encoded
        #expect(throws: DeviceError.self) { try PTPContainer.decode(good.prefix(11)) }
        #expect(throws: DeviceError.self) { try PTPContainer.decode(good.dropLast()) }
        #expect(throws: DeviceError.self) { try PTPContainer.decode(good + [0]) }
        var badType = good
        badType[4] = 9
        #expect(throws: DeviceError.self) { try PTPContainer.decode(badType) }
        var shortLength = good
        shortLength[0] = 4
        #expect(throws: DeviceError.self) { try PTPContainer.decode(shortLength) }
        var huge = good
        huge[3] = 0x7F
        #expect(throws: DeviceError.self) { try PTPContainer.decode(huge) }
        let sixParameters = PTPContainer(
            kind: .response, code: 0x2001, transactionID: 1, parameters: [1, 2, 3, 4, 5, 6])
        #expect(throws: DeviceError.self) { try sixParameters.parameters() }
        let ragged = PTPContainer(kind: .response, code: 0x2001, transactionID: 1, payload: [1, 2, 3])
        #expect(throws: DeviceError.self) { try ragged.parameters() }
    }

    @Test func datasetReaderBoundsCountsAndStrings() throws {
        // An array claiming a billion handles in 8 bytes.
        var absurd = PTPDataReader([0, 0xCA, 0x9A, 0x3B, 1, 0, 0, 0], dataset: "ObjectHandles")
        #expect(throws: DeviceError.self) { try absurd.array("handles", elementSize: 4) { try $0.uint32("handle") } }
        // "AB" as a PTP string, then a string running past the end, then one without its NUL.
        var good = PTPDataReader([3, 0x41, 0, 0x42, 0, 0, 0], dataset: "ObjectInfo")
        #expect(try good.string("Filename") == "AB")
        var short = PTPDataReader([5, 0x41, 0], dataset: "ObjectInfo")
        #expect(throws: DeviceError.self) { try short.string("Filename") }
        var unterminated = PTPDataReader([1, 0x41, 0], dataset: "ObjectInfo")
        #expect(throws: DeviceError.self) { try unterminated.string("Filename") }
        var loneSurrogate = PTPDataReader([2, 0x00, 0xD8, 0, 0], dataset: "ObjectInfo")
        #expect(throws: DeviceError.self) { try loneSurrogate.string("Filename") }
    }

    @Test func survivesRandomBytes() {
        var generator = SplitMix64(seed: 0x5054_5000)
        for _ in 0..<2000 {
            let count = Int(generator.next() % 40)
            let bytes = (0..<count).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
            _ = try? PTPContainer.decode(bytes)
            var reader = PTPDataReader(bytes, dataset: "random")
            _ = try? reader.array("values", elementSize: 4) { try $0.string("value") }
        }
    }
}

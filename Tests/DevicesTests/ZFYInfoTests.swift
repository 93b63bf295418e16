import CustodyTesting
import Testing

@testable import Devices

@Suite struct ZFYInfoTests {
    /// 张三 in GBK.
    static let zhangSan: [UInt8] = [0xD5, 0xC5, 0xC8, 0xFD]
    /// 公安局 in GBK.
    static let gongAnJu: [UInt8] = [0xB9, 0xAB, 0xB0, 0xB2, 0xBE, 0xD6]

    static func field(_ bytes: [UInt8], _ width: Int) -> [UInt8] {
        bytes + [UInt8](repeating: 0, count: width - bytes.count)
    }

    static func record(_ layout: ZFYInfo.Layout, serial: String = "ZFY0001") -> [UInt8] {
        let w = layout.widths
        return field(Array(serial.utf8), w[0]) + field(Array("123456".utf8), w[1]) + field(zhangSan, w[2])
            + field(Array("110000000000".utf8), w[3]) + field(gongAnJu, w[4])
    }

    @Test(arguments: ZFYInfo.Layout.allCases)
    func decodesBothLayouts(layout: ZFYInfo.Layout) throws {
        let info = try ZFYInfo(record: Self.record(layout))
        #expect(info.productSerial == "ZFY0001" && info.officerID == "123456" && info.officerName == "张三")
        #expect(info.unitNumber == "110000000000" && info.unitName == "公安局")
        #expect(Self.record(layout).count == (layout == .compact ? 89 : 94))
    }

    @Test func aCompactFieldMayFillItsWidthButATerminatedOneMayNot() throws {
        #expect(try ZFYInfo(record: Self.record(.compact, serial: "ABCDEFG")).productSerial == "ABCDEFG")
        #expect(try ZFYInfo(record: Self.record(.terminated, serial: "ABCDEFG")).productSerial == "ABCDEFG")
        var full = Self.record(.terminated)
        full.replaceSubrange(0..<8, with: Array("ABCDEFGH".utf8))
        #expect(throws: DeviceError.self) { try ZFYInfo(record: full) }
    }

    @Test func rejectsBadRecords() {
        var invalidGBK = Self.record(.compact)
        invalidGBK[13] = 0xFF
        invalidGBK[14] = 0xFF
        var bytesAfterPadding = Self.record(.compact)
        bytesAfterPadding[40] = 0x41
        var control = Self.record(.terminated)
        control[0] = 0x01
        for bad in [
            Array(Self.record(.compact).dropLast()), Self.record(.compact) + [0], invalidGBK, bytesAfterPadding,
            control, Self.record(.compact, serial: ""), Self.record(.terminated, serial: ""), [],
        ] {
            #expect(throws: DeviceError.self) { try ZFYInfo(record: bad) }
        }
    }

    @Test func survivesRandomRecordsOfBothLengths() {
        var generator = SplitMix64(seed: 947)
        for round in 0..<4000 {
            let length = round % 2 == 0 ? 89 : 94
            var bytes = Self.record(round % 4 < 2 ? .compact : .terminated)
            bytes = Array((bytes + [UInt8](repeating: 0, count: 5)).prefix(length))
            for _ in 0..<(1 + Int(generator.next() % 6)) {
                bytes[Int(generator.next() % UInt64(length))] = UInt8(truncatingIfNeeded: generator.next())
            }
            // A parsed record or a DeviceError; never a crash, never a control character.
            if let info = try? ZFYInfo(record: bytes) {
                #expect(!info.productSerial.isEmpty)
                #expect(!info.officerName.unicodeScalars.contains { $0.value < 0x20 })
            }
        }
    }
}

import Testing

@testable import Devices

@Suite struct GAT947CodecTests {
    /// 张三 in GBK.
    static let zhangSan: [UInt8] = [0xD5, 0xC5, 0xC8, 0xFD]
    /// 公安局 in GBK.
    static let gongAnJu: [UInt8] = [0xB9, 0xAB, 0xB0, 0xB2, 0xBE, 0xD6]

    static func field(_ bytes: [UInt8], _ width: Int) -> [UInt8] {
        bytes + [UInt8](repeating: 0, count: width - bytes.count)
    }

    static func record(serial: String = "ZFY0001") -> [UInt8] {
        field(Array(serial.utf8), 7) + field(Array("123456".utf8), 6) + field(zhangSan, 32)
            + field(Array("110000000000".utf8), 12) + field(gongAnJu, 32)
    }

    @Test func decodesAGBKRecord() throws {
        let info = try ZFYInfo(record: Self.record())
        #expect(info.productSerial == "ZFY0001")
        #expect(info.officerID == "123456")
        #expect(info.officerName == "张三")
        #expect(info.unitNumber == "110000000000")
        #expect(info.unitName == "公安局")
    }

    @Test func rejectsBadRecords() {
        var invalidGBK = Self.record()
        invalidGBK[13] = 0xFF
        invalidGBK[14] = 0xFF
        var bytesAfterPadding = Self.record()
        bytesAfterPadding[40] = 0x41
        var control = Self.record()
        control[0] = 0x01
        for bad in [
            Array(Self.record().dropLast()), Self.record() + [0], invalidGBK, bytesAfterPadding, control,
            Self.record(serial: ""),
        ] {
            #expect(throws: DeviceError.self) { try ZFYInfo(record: bad) }
        }
    }

    @Test func framesRoundTripWithChecksum() throws {
        let frame = GAT947Frame(command: 0x81, payload: Self.record())
        #expect(try GAT947Frame.decode(frame.encoded) == frame)
        var corrupted = frame.encoded
        corrupted[10] ^= 0x01
        #expect(throws: DeviceError.self) { try GAT947Frame.decode(corrupted) }
    }

    @Test func rejectsMalformedFrames() {
        let good = GAT947Frame(command: 0x82, payload: [1, 2, 3]).encoded
        #expect(throws: DeviceError.self) { try GAT947Frame.decode([0x5A, 0x47, 0, 0, 0, 0]) }
        #expect(throws: DeviceError.self) { try GAT947Frame.decode(good.dropLast()) }
        #expect(throws: DeviceError.self) { try GAT947Frame.decode(good + [0]) }
        #expect(throws: DeviceError.self) { try GAT947Frame.decode([0x5A, 0x46, 0x81, 0xFF, 0xFF]) }
        #expect(throws: DeviceError.self) { try GAT947Frame.decode([]) }
    }

    @Test func clockRoundTripsAndRejectsImpossibleDates() throws {
        let time = try DeviceDateTime(year: 2026, month: 2, day: 28, hour: 23, minute: 59, second: 58)
        #expect(try GAT947Clock.decode(GAT947Clock.encode(time)) == time)
        #expect(throws: DeviceError.self) { try GAT947Clock.decode([0x07, 0xEA, 2, 30, 0, 0, 0]) }
        #expect(throws: DeviceError.self) { try GAT947Clock.decode([0x07, 0xEA, 2, 1, 24, 0, 0]) }
        #expect(throws: DeviceError.self) { try GAT947Clock.decode([0x07, 0xEA, 2]) }
    }
}

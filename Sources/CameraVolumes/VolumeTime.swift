import Foundation

/// Turns the wall-clock times that FAT and exFAT store into instants.
///
/// FAT stores local time with no zone: the instant depends on the zone the camera's clock was set in,
/// which Custody does not know, so it assumes one (configurable; by default the system's) and records
/// both the raw value and the assumption. exFAT records a UTC offset per time stamp; when it is marked
/// valid it is used, otherwise the assumed zone is, as for FAT.
struct VolumeClock {
    let zone: TimeZone
    private let calendar: Calendar

    init(zone: TimeZone) {
        self.zone = zone
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        self.calendar = calendar
    }

    /// A FAT date and time (2-second resolution), plus hundredths from the creation-time tenth byte.
    func fat(date: UInt16, time: UInt16, hundredths: UInt8 = 0) -> VolumeTimestamp {
        let wall = WallTime(dosDate: date, dosTime: time, hundredths: hundredths)
        return VolumeTimestamp(
            nanosecondsSinceEpoch: instant(wall, offsetSeconds: nil),
            raw: "\(wall.text) (FAT date 0x\(hex(date)) time 0x\(hex(time)))",
            zone: "\(zone.identifier) (assumed; FAT stores local time)")
    }

    /// An exFAT timestamp, its 10-millisecond increment and its UTC-offset byte.
    func exfat(_ stamp: UInt32, tenMilliseconds: UInt8, utcOffset: UInt8) -> VolumeTimestamp {
        let wall = WallTime(
            dosDate: UInt16(stamp >> 16), dosTime: UInt16(stamp & 0xffff), hundredths: min(tenMilliseconds, 199))
        let raw =
            "\(wall.text) (exFAT 0x\(String(stamp, radix: 16)) +\(tenMilliseconds)0ms offset byte 0x\(hex(utcOffset)))"
        if utcOffset & 0x80 != 0 {
            // A signed 7-bit count of 15-minute intervals.
            let quarters = Int(Int8(bitPattern: (utcOffset & 0x7f) << 1) >> 1)
            let seconds = quarters * 15 * 60
            let sign = seconds < 0 ? "-" : "+"
            let zoneText = "\(sign)\(two(abs(seconds) / 3600)):\(two(abs(seconds) % 3600 / 60)) (recorded)"
            return VolumeTimestamp(
                nanosecondsSinceEpoch: instant(wall, offsetSeconds: seconds), raw: raw, zone: zoneText)
        }
        return VolumeTimestamp(
            nanosecondsSinceEpoch: instant(wall, offsetSeconds: nil), raw: raw,
            zone: "\(zone.identifier) (assumed; no UTC offset recorded)")
    }

    private func instant(_ wall: WallTime, offsetSeconds: Int?) -> Int64 {
        var components = DateComponents()
        components.year = wall.year
        components.month = wall.month
        components.day = wall.day
        components.hour = wall.hour
        components.minute = wall.minute
        components.second = wall.second
        var seconds: Int64
        if let offsetSeconds {
            var utc = Calendar(identifier: .gregorian)
            utc.timeZone = TimeZone(secondsFromGMT: 0)!
            let date = utc.date(from: components) ?? Date(timeIntervalSince1970: 315_532_800)
            seconds = Int64(date.timeIntervalSince1970) - Int64(offsetSeconds)
        } else {
            let date = calendar.date(from: components) ?? Date(timeIntervalSince1970: 315_532_800)
            seconds = Int64(date.timeIntervalSince1970.rounded(.down))
        }
        return seconds * 1_000_000_000 + Int64(wall.hundredths % 100) * 10_000_000
    }

    private func hex(_ value: some BinaryInteger) -> String {
        let text = String(value, radix: 16)
        return String(repeating: "0", count: max(0, 4 - text.count)) + text
    }
}

/// A DOS date and time, decoded and clamped to a real calendar date (hostile fields stay in `raw`).
struct WallTime {
    var year, month, day, hour, minute, second, hundredths: Int

    init(dosDate: UInt16, dosTime: UInt16, hundredths: UInt8) {
        year = 1980 + Int(dosDate >> 9)
        month = min(max(Int((dosDate >> 5) & 0x0f), 1), 12)
        day = min(max(Int(dosDate & 0x1f), 1), 31)
        hour = min(Int(dosTime >> 11), 23)
        minute = min(Int((dosTime >> 5) & 0x3f), 59)
        // 2-second units, plus a whole second from the hundredths byte (0...199).
        second = min(Int(dosTime & 0x1f) * 2 + Int(hundredths) / 100, 59)
        self.hundredths = Int(hundredths)
    }

    var text: String {
        "\(year)-\(two(month))-\(two(day))T\(two(hour)):\(two(minute)):\(two(second))"
    }
}

private func two(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }

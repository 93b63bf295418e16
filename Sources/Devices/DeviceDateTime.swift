/// A wall-clock reading as a recorder keeps it: date and time to the second, no zone.
public struct DeviceDateTime: Sendable, Hashable, CustomStringConvertible {
    public var year: Int
    public var month: Int
    public var day: Int
    public var hour: Int
    public var minute: Int
    public var second: Int

    /// Creates a reading.
    /// - Throws: `DeviceError.malformed` when a field is out of range (years 2000–2099, real dates).
    public init(year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int) throws {
        guard (2000...2099).contains(year), (1...12).contains(month),
            (1...Self.daysIn(month: month, year: year)).contains(day), (0...23).contains(hour),
            (0...59).contains(minute), (0...59).contains(second)
        else {
            throw DeviceError.malformed(
                "device clock reading \(year)-\(month)-\(day) \(hour):\(minute):\(second) is not a valid time")
        }
        (self.year, self.month, self.day, self.hour, self.minute, self.second) =
            (year, month, day, hour, minute, second)
    }

    /// The wall-clock reading of `secondsSinceEpoch` in a zone `utcOffsetSeconds` east of UTC.
    /// - Throws: `DeviceError.malformed` outside 2000–2099.
    public init(secondsSinceEpoch: Int64, utcOffsetSeconds: Int = 0) throws {
        let local = secondsSinceEpoch + Int64(utcOffsetSeconds)
        let days = Int(local.floorDivided(by: 86_400))
        let secondOfDay = Int(local - Int64(days) * 86_400)
        let (year, month, day) = Self.civil(fromDays: days)
        try self.init(
            year: year, month: month, day: day, hour: secondOfDay / 3600, minute: secondOfDay / 60 % 60,
            second: secondOfDay % 60)
    }

    /// The instant this reading names in a zone `utcOffsetSeconds` east of UTC.
    public func secondsSinceEpoch(utcOffsetSeconds: Int = 0) -> Int64 {
        let days = Self.days(year: year, month: month, day: day)
        return Int64(days) * 86_400 + Int64(hour * 3600 + minute * 60 + second) - Int64(utcOffsetSeconds)
    }

    /// `YYYYMMDD`, as the Ambarella `@Sdt` command carries it.
    public var compactDate: String { pad(year, 4) + pad(month, 2) + pad(day, 2) }
    /// `HHMMSS`, as the Ambarella `@Stm` command carries it.
    public var compactTime: String { pad(hour, 2) + pad(minute, 2) + pad(second, 2) }

    public var description: String {
        "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2)) \(pad(hour, 2)):\(pad(minute, 2)):\(pad(second, 2))"
    }

    /// Parses `YYYYMMDD` and `HHMMSS`.
    /// - Throws: `DeviceError.malformed` naming the text.
    public init(compactDate date: String, compactTime time: String) throws {
        func digits(_ text: String, _ count: Int, _ what: String) throws -> [Int] {
            let bytes = Array(text.utf8)
            guard bytes.count == count, bytes.allSatisfy({ (0x30...0x39).contains($0) }) else {
                throw DeviceError.malformed("device \(what) \"\(text)\" is not \(count) digits")
            }
            return bytes.map { Int($0 - 0x30) }
        }
        let d = try digits(date, 8, "date")
        let t = try digits(time, 6, "time")
        try self.init(
            year: d[0] * 1000 + d[1] * 100 + d[2] * 10 + d[3], month: d[4] * 10 + d[5], day: d[6] * 10 + d[7],
            hour: t[0] * 10 + t[1], minute: t[2] * 10 + t[3], second: t[4] * 10 + t[5])
    }

    private func pad(_ value: Int, _ width: Int) -> String {
        let text = String(value)
        return String(repeating: "0", count: max(0, width - text.count)) + text
    }

    static func isLeap(_ year: Int) -> Bool { year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) }

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return isLeap(year) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    // Howard Hinnant's days_from_civil / civil_from_days (proleptic Gregorian).
    static func days(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    static func civil(fromDays days: Int) -> (Int, Int, Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }
}

extension Int64 {
    fileprivate func floorDivided(by divisor: Int64) -> Int64 {
        let quotient = self / divisor
        return (self % divisor != 0 && (self < 0) != (divisor < 0)) ? quotient - 1 : quotient
    }
}

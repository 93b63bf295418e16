import Testing

@testable import Devices

@Suite struct ClockCheckTests {
    @Test func convertsBetweenWallClockAndInstants() throws {
        let time = try DeviceDateTime(year: 2026, month: 11, day: 22, hour: 16, minute: 5, second: 0)
        #expect(time.secondsSinceEpoch() == 1_795_363_500)
        #expect(try DeviceDateTime(secondsSinceEpoch: 1_795_363_500) == time)
        #expect(try DeviceDateTime(secondsSinceEpoch: 1_795_363_500 - 3600, utcOffsetSeconds: 3600) == time)
        #expect(time.compactDate == "20261122" && time.compactTime == "160500")
        #expect(try DeviceDateTime(compactDate: "20240229", compactTime: "000000").day == 29)
        #expect(throws: DeviceError.self) { try DeviceDateTime(compactDate: "20230229", compactTime: "000000") }
        #expect(throws: DeviceError.self) { try DeviceDateTime(compactDate: "2023022", compactTime: "000000") }
        #expect(throws: DeviceError.self) { try DeviceDateTime(compactDate: "20230101", compactTime: "12:00:") }
    }

    @Test func recordsOffsetAndFlagsDriftBeyondThreeSecondsPerDay() throws {
        let system: Int64 = 1_795_363_500
        let ahead = try DeviceDateTime(secondsSinceEpoch: system + 4)
        let withinADay = ClockCheck(deviceTime: ahead, utcOffsetSeconds: 0, systemSeconds: system, daysSinceLastSet: 1)
        #expect(withinADay.offsetSeconds == 4)
        #expect(!withinADay.exceedsTolerance)  // 3 s/day + 1 s of reading granularity
        let behind = try DeviceDateTime(secondsSinceEpoch: system - 30)
        let tenDays = ClockCheck(deviceTime: behind, utcOffsetSeconds: 0, systemSeconds: system, daysSinceLastSet: 10)
        #expect(tenDays.offsetSeconds == -30 && !tenDays.exceedsTolerance)
        let unknown = ClockCheck(deviceTime: behind, utcOffsetSeconds: 0, systemSeconds: system, daysSinceLastSet: nil)
        #expect(unknown.exceedsTolerance)
    }
}

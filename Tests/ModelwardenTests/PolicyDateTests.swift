import Foundation
import ModelwardenCore
import Testing

/// `PolicyDate(Date)` counts days instead of asking `Calendar` (which loads ICU at start-up): same answers.
@Suite struct PolicyDateTests {
    @Test func theUTCDayOfADateMatchesTheGregorianCalendar() throws {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = try #require(TimeZone(identifier: "UTC"))
        // Every 7 hours 13 minutes from 1899 to 2101: all times of day, leap days, century years, before 1970.
        var seconds = -2_240_611_200.0
        while seconds < 4_133_980_800 {
            let date = Date(timeIntervalSince1970: seconds)
            let parts = calendar.dateComponents([.year, .month, .day], from: date)
            let day = PolicyDate(date)
            #expect(day.year == parts.year && day.month == parts.month && day.day == parts.day, "\(date)")
            if day.year != parts.year || day.month != parts.month || day.day != parts.day { return }
            seconds += 25_980
        }
        #expect(PolicyDate(Date(timeIntervalSince1970: 951_782_400)).description == "2000-02-29")
        #expect(PolicyDate(Date(timeIntervalSince1970: -1)).description == "1969-12-31")
    }
}

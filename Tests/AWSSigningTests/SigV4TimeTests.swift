import AWSSigning
import Testing

@Suite struct SigV4TimeTests {
    // Expected seconds computed with Python's calendar.timegm.
    @Test(arguments: [
        (Int64(0), "19700101T000000Z"),
        (-1, "19691231T235959Z"),
        (1_440_938_160, "20150830T123600Z"),
        (1_767_268_800, "20260101T120000Z"),
        (1_709_164_800, "20240229T000000Z"),
        (951_868_799, "20000229T235959Z"),
        (-11_670_912_000, "16000301T000000Z"),
        (-62_135_596_800, "00010101T000000Z"),
        (253_402_300_799, "99991231T235959Z"),
    ])
    func convertsBothWays(seconds: Int64, amzDate: String) throws {
        let time = SigV4Time(secondsSince1970: seconds)
        #expect(time.amzDate == amzDate)
        #expect(time.dateStamp == String(amzDate.prefix(8)))
        let parsed = try #require(SigV4Time(amzDate: amzDate))
        #expect(parsed.secondsSince1970 == seconds)
        #expect(parsed == time)
    }

    @Test func suiteTimestampRoundTrips() throws {
        let time = try #require(SigV4Time(amzDate: "20150830T123600Z"))
        #expect(time.amzDate == "20150830T123600Z")
        #expect(time.dateStamp == "20150830")
        #expect(SigV4Time(secondsSince1970: time.secondsSince1970) == time)
    }

    @Test func leapDays() {
        #expect(SigV4Time(amzDate: "20240229T000000Z") != nil)
        #expect(SigV4Time(amzDate: "20000229T000000Z") != nil)  // divisible by 400
        #expect(SigV4Time(amzDate: "19000229T000000Z") == nil)  // divisible by 100 only
        #expect(SigV4Time(amzDate: "20230229T000000Z") == nil)
        // The day after 28 February is 29 February in a leap year and 1 March otherwise.
        #expect(SigV4Time(secondsSince1970: 1_709_078_400 + 86_400).dateStamp == "20240229")
        #expect(SigV4Time(secondsSince1970: 1_677_542_400 + 86_400).dateStamp == "20230301")
    }

    @Test func everyDayOverFourCenturiesRoundTrips() {
        // 1900-01-01 to 2300-01-01, at a time of day that exercises every field. Failures are
        // collected so 146,000 days cost one expectation, not one each.
        var seconds: Int64 = -2_208_988_800 + 12 * 3600 + 34 * 60 + 56
        var previous = ""
        var failures: [String] = []
        while seconds < 10_413_792_000 {
            let amzDate = SigV4Time(secondsSince1970: seconds).amzDate
            if SigV4Time(amzDate: amzDate)?.secondsSince1970 != seconds {
                failures.append("\(seconds) -> \(amzDate) does not parse back")
            }
            // Fixed-width strings sort like the moments they name.
            if !(previous < amzDate) {
                failures.append("\(previous) is not before \(amzDate)")
            }
            previous = amzDate
            seconds += 86_400
        }
        #expect(failures.isEmpty, "\(failures.prefix(5))")
        #expect(previous == "22991231T123456Z")
    }

    @Test(arguments: [
        "", "20150830T123600", "20150830T123600z", "20150830 123600Z", "2015-08-30T12:36:00Z", "20150830T123600ZZ",
        "2015083OT123600Z", "20151330T123600Z", "20150000T123600Z", "20150832T123600Z", "20150431T123600Z",
        "20150830T243600Z", "20150830T126000Z", "20150830T123660Z", "+0150830T123600Z", "２0150830T123600Z",
    ])
    func rejectsMalformedAmzDates(text: String) {
        #expect(SigV4Time(amzDate: text) == nil)
    }
}

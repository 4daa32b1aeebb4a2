import Foundation

// A calendar date (a date of birth) crosses the FFI as `YYYY-MM-DD` and is a `DateComponents`
// in Swift: year, month and day in the Gregorian calendar, no time and no time zone. That is how
// Apple's own APIs hand out a date of birth (HealthKit's `dateOfBirthComponents()`); turning it
// into a `Date` would pin it to a midnight in some zone, and west of Greenwich midnight UTC is
// still the day before. `Calendar.current.date(from:)` gives a `Date` when one is needed.
// core/uniffi.toml names these two functions as the custom type's conversions.

/// Malformed calendar-date text from the library (never expected: Rust writes `YYYY-MM-DD`).
struct CalendarDateError: Error, CustomStringConvertible {
    let text: String
    var description: String { "not a YYYY-MM-DD calendar date" }
}

/// `DateComponents` for `YYYY-MM-DD` (years beyond 9999, or before year 1, carry a sign).
func calendarDate(iso8601 text: String) throws -> DateComponents {
    let negative = text.hasPrefix("-")
    let unsigned = negative || text.hasPrefix("+") ? String(text.dropFirst()) : text
    let parts = unsigned.split(separator: "-", omittingEmptySubsequences: false)
    guard parts.count == 3, let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2])
    else { throw CalendarDateError(text: text) }
    return DateComponents(
        calendar: Calendar(identifier: .gregorian), year: negative ? -year : year, month: month, day: day)
}

/// `YYYY-MM-DD` for components holding a year, month and day; anything else is sent as text the
/// library refuses, so the call fails with an error rather than using a made-up date.
func iso8601(calendarDate date: DateComponents) -> String {
    guard let year = date.year, let month = date.month, let day = date.day else { return "incomplete date" }
    let sign = year < 0 ? "-" : (year > 9999 ? "+" : "")
    let y = String(format: "%04d", abs(year))
    return "\(sign)\(y)-\(String(format: "%02d", month))-\(String(format: "%02d", day))"
}

extension DateComponents {
    /// A calendar date (year, month, day) in the Gregorian calendar, e.g. a date of birth.
    public static func calendarDate(year: Int, month: Int, day: Int) -> DateComponents {
        DateComponents(calendar: Calendar(identifier: .gregorian), year: year, month: month, day: day)
    }
}

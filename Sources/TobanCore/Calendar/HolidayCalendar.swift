/// Days the contact desk is closed even though they fall on business weekdays.
public struct HolidayCalendar: Sendable, Equatable {
    public var name: String
    public var dates: Set<LocalDate>

    public init(name: String, dates: Set<LocalDate>) {
        self.name = name
        self.dates = dates
    }

    public func isHoliday(_ date: LocalDate) -> Bool { dates.contains(date) }

    public func adding(_ extra: [LocalDate]) -> HolidayCalendar {
        HolidayCalendar(name: name, dates: dates.union(extra))
    }

    public static let none = HolidayCalendar(name: "none", dates: [])

    /// Japanese public holidays (国民の祝日, 振替休日 and 国民の休日) 2025–2027, as published
    /// by the Cabinet Office. Years outside this range need an update of this table.
    public static let japan = HolidayCalendar(name: "jp", dates: Set(japaneseHolidays.keys))

    public static let japaneseHolidays: [LocalDate: String] = {
        let table: [(String, String)] = [
            ("2025-01-01", "元日"), ("2025-01-13", "成人の日"), ("2025-02-11", "建国記念の日"),
            ("2025-02-23", "天皇誕生日"), ("2025-02-24", "振替休日"), ("2025-03-20", "春分の日"),
            ("2025-04-29", "昭和の日"), ("2025-05-03", "憲法記念日"), ("2025-05-04", "みどりの日"),
            ("2025-05-05", "こどもの日"), ("2025-05-06", "振替休日"), ("2025-07-21", "海の日"),
            ("2025-08-11", "山の日"), ("2025-09-15", "敬老の日"), ("2025-09-23", "秋分の日"),
            ("2025-10-13", "スポーツの日"), ("2025-11-03", "文化の日"), ("2025-11-23", "勤労感謝の日"),
            ("2025-11-24", "振替休日"),
            ("2026-01-01", "元日"), ("2026-01-12", "成人の日"), ("2026-02-11", "建国記念の日"),
            ("2026-02-23", "天皇誕生日"), ("2026-03-20", "春分の日"), ("2026-04-29", "昭和の日"),
            ("2026-05-03", "憲法記念日"), ("2026-05-04", "みどりの日"), ("2026-05-05", "こどもの日"),
            ("2026-05-06", "振替休日"), ("2026-07-20", "海の日"), ("2026-08-11", "山の日"),
            ("2026-09-21", "敬老の日"), ("2026-09-22", "国民の休日"), ("2026-09-23", "秋分の日"),
            ("2026-10-12", "スポーツの日"), ("2026-11-03", "文化の日"), ("2026-11-23", "勤労感謝の日"),
            ("2027-01-01", "元日"), ("2027-01-11", "成人の日"), ("2027-02-11", "建国記念の日"),
            ("2027-02-23", "天皇誕生日"), ("2027-03-21", "春分の日"), ("2027-03-22", "振替休日"),
            ("2027-04-29", "昭和の日"), ("2027-05-03", "憲法記念日"), ("2027-05-04", "みどりの日"),
            ("2027-05-05", "こどもの日"), ("2027-07-19", "海の日"), ("2027-08-11", "山の日"),
            ("2027-09-20", "敬老の日"), ("2027-09-23", "秋分の日"), ("2027-10-11", "スポーツの日"),
            ("2027-11-03", "文化の日"), ("2027-11-23", "勤労感謝の日"),
        ]
        var out: [LocalDate: String] = [:]
        for (date, name) in table { out[LocalDate(text: date)!] = name }
        return out
    }()
}

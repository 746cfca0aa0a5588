import Foundation
import TobanCore
import TobanStore

/// Small text formatters shared by the views.
public enum Formatting {
    /// `12s`, `4m`, `2h`, `3d` since `date` (future dates read as `0s`).
    public static func age(_ date: Date, now: Date) -> String {
        let s = max(0, Int(now.timeIntervalSince(date)))
        if s < 60 { return "\(s)s" }
        if s < 3600 { return "\(s / 60)m" }
        if s < 86400 { return "\(s / 3600)h" }
        return "\(s / 86400)d"
    }

    /// `P1 ★★★`, or `P1 ***` where stars cannot be drawn: the stars carry the urgency too.
    public static func urgency(_ u: Urgency, unicode: Bool) -> String {
        guard !u.stars.isEmpty else { return u.description }
        return unicode ? "\(u) \(u.stars)" : "\(u) " + String(repeating: "*", count: u.stars.count)
    }

    public static func status(_ d: Detection) -> String {
        let s: String
        switch d.status {
        case .new: s = "new"
        case .acknowledged: s = "ack"
        case .inTriage: s = "triage"
        case .escalated: s = "escalated"
        case .closed: s = "closed"
        }
        if let a = d.assignee, !a.isEmpty { return "\(s) \(a)" }
        return s
    }

    public static func statusRole(_ s: DetectionStatus) -> StyleRole {
        switch s {
        case .new: return .statusNew
        case .acknowledged, .inTriage: return .statusAck
        case .escalated: return .statusEscalated
        case .closed: return .statusClosed
        }
    }

    /// Hostname when the log named the endpoint's host, else its address.
    public static func endpoint(_ d: Detection) -> String {
        guard let ep = d.endpoint else { return "-" }
        if let host = d.evidence.sourceHostname, !host.isEmpty, d.sourceIP == ep { return host }
        return ep.description
    }

    public static let jst = TimeZone(identifier: "Asia/Tokyo")!
    public static let utc = TimeZone(identifier: "UTC")!

    /// `HH:mm:ss` in `zone`.
    public static func clock(_ date: Date, zone: TimeZone) -> String {
        var cal = Calendar(identifier: .gregorian)
        cal.timeZone = zone
        let c = cal.dateComponents([.hour, .minute, .second], from: date)
        return String(format: "%02d:%02d:%02d", c.hour ?? 0, c.minute ?? 0, c.second ?? 0)
    }

    /// `2026-11-22 11:15:04` in `zone`.
    public static func timestamp(_ date: Date, zone: TimeZone = jst) -> String {
        var cal = Calendar(identifier: .gregorian)
        cal.timeZone = zone
        let c = cal.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        return String(format: "%04d-%02d-%02d %02d:%02d:%02d", c.year ?? 0, c.month ?? 0, c.day ?? 0, c.hour ?? 0, c.minute ?? 0, c.second ?? 0)
    }

    /// `4s`, `3m`, `2h` for a lag.
    public static func duration(_ t: TimeInterval) -> String {
        let s = Int(t.rounded())
        if s < 120 { return "\(s)s" }
        if s < 7200 { return "\(s / 60)m" }
        return "\(s / 3600)h"
    }

    /// Time left until `deadline`: `4m`, `1h`; overdue reads `-3m`.
    public static func countdown(_ deadline: Date, now: Date) -> String {
        let left = deadline.timeIntervalSince(now)
        if left < 0 { return "-" + duration(-left) }
        return duration(left)
    }

    /// Days and hours left, for windows counted in days (`29d 23h`).
    public static func daysLeft(_ t: TimeInterval) -> String {
        let h = Int(t / 3600)
        return h >= 24 ? "\(h / 24)d \(h % 24)h" : "\(h)h \(Int(t / 60) % 60)m"
    }

    /// An address that does not fit is elided in the middle, visibly (`2001:db8:…:1`), so
    /// both its network and its host part stay readable; anything else is left as is.
    public static func address(_ text: String, width: Int) -> String {
        guard text.count > width, text.contains(":"), width >= 5 else { return text }
        let keep = width - 1
        return String(text.prefix((keep + 1) / 2)) + "…" + String(text.suffix(keep / 2))
    }

    /// Splits already-sanitised text into rows of at most `width` cells, at spaces where it
    /// can: a word is broken only when it is longer than a whole row (never splitting a
    /// character; wide characters count two).
    public static func wrap(_ text: SafeText, width: Int) -> [SafeText] {
        guard width > 0 else { return [] }
        var rows: [String] = []
        var line = ""
        var used = 0
        func flush() {
            rows.append(line)
            line = ""
            used = 0
        }
        // Words keep their following space; a space at a row's end is dropped.
        var words: [String] = []
        var word = ""
        for ch in text.string {
            word.append(ch)
            if ch == " " { words.append(word); word = "" }
        }
        if !word.isEmpty { words.append(word) }
        for w in words {
            let bare = w.hasSuffix(" ") ? String(w.dropLast()) : w
            let bareWidth = bare.reduce(0) { $0 + DisplayWidth.of($1) }
            let fullWidth = w.reduce(0) { $0 + DisplayWidth.of($1) }
            if used > 0 && used + bareWidth > width { flush() }
            if bareWidth > width {
                // Longer than a row: broken at the row's end.
                for ch in w {
                    let cw = DisplayWidth.of(ch)
                    if used + cw > width {
                        if ch == " " { continue }
                        flush()
                    }
                    line.append(ch)
                    used += cw
                }
                continue
            }
            line += w
            used += fullWidth
            if used >= width { flush() }
        }
        if !line.isEmpty || rows.isEmpty { rows.append(line) }
        return rows.map { row in SafeText(row.hasSuffix(" ") ? String(row.dropLast()) : row) }
    }
}

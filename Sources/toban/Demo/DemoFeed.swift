import Foundation

/// Replays the sample logs as if the sensors were writing them now: every timestamp is
/// shifted so the story ends a few minutes from now, most lines are written at once
/// (the backlog an analyst finds at the start of a shift) and the rest arrive live.
final class DemoFeed: @unchecked Sendable {
    struct Line {
        var at: Date
        var text: String
        var file: URL
    }

    private let pending: [Line]
    private let stopped = NSCondition()
    private var isStopped = false

    /// `liveFraction` of the lines (the latest ones) are held back and written in real time,
    /// `acceleration` times faster than they happened.
    init(samples: URL, into dir: URL, now: Date, liveFraction: Double = 0.15, acceleration: Double = 20) throws {
        let eve = try String(contentsOf: samples.appendingPathComponent("eve.json"), encoding: .utf8)
        let zeek = try String(contentsOf: samples.appendingPathComponent("zeek/notice.log"), encoding: .utf8)
        let cef = try String(contentsOf: samples.appendingPathComponent("cef.log"), encoding: .utf8)
        let eveFile = dir.appendingPathComponent("eve.json")
        let zeekFile = dir.appendingPathComponent("zeek/notice.log")
        let cefFile = dir.appendingPathComponent("cef.log")
        try FileManager.default.createDirectory(at: zeekFile.deletingLastPathComponent(), withIntermediateDirectories: true)

        // The sample story runs 2026-11-20 21:00–22:00 JST; it is moved to end 5 minutes from now.
        let storyStart = Date(timeIntervalSince1970: 1_795_176_000) // 2026-11-20T12:00:00Z
        let shift = now.addingTimeInterval(5 * 60 - 3600).timeIntervalSince(storyStart)
        var lines: [Line] = []
        for text in eve.split(separator: "\n") {
            let (shifted, at) = DemoFeed.shiftEVE(String(text), by: shift)
            lines.append(Line(at: at ?? now, text: shifted, file: eveFile))
        }
        var zeekHeader: [String] = []
        for text in zeek.split(separator: "\n").map(String.init) {
            if text.hasPrefix("#") {
                if !text.hasPrefix("#close") { zeekHeader.append(text) }
                continue
            }
            var fields = text.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            let ts = (Double(fields[0]) ?? storyStart.timeIntervalSince1970) + shift
            fields[0] = String(format: "%.6f", ts)
            lines.append(Line(at: Date(timeIntervalSince1970: ts), text: fields.joined(separator: "\t"), file: zeekFile))
        }
        for text in cef.split(separator: "\n").map(String.init) {
            let (shifted, at) = DemoFeed.shiftSyslog(text, by: shift)
            lines.append(Line(at: at ?? now, text: shifted, file: cefFile))
        }
        lines.sort { $0.at < $1.at }
        let cut = Int(Double(lines.count) * (1 - liveFraction))
        // Backlog now; the Zeek header first so the TSV parser knows its fields.
        try (zeekHeader.joined(separator: "\n") + "\n").write(to: zeekFile, atomically: true, encoding: .utf8)
        for file in [eveFile, cefFile] { try Data().write(to: file) }
        try DemoFeed.append(lines[..<cut])
        // The rest, compressed in time, starting from now.
        let firstLive = lines[cut...].first?.at ?? now
        self.pending = lines[cut...].map { line in
            var l = line
            l.at = now.addingTimeInterval(line.at.timeIntervalSince(firstLive) / acceleration)
            return l
        }
        self.backlogCount = cut
    }

    let backlogCount: Int
    var liveCount: Int { pending.count }

    /// Writes the live lines at their times on a background thread until stopped.
    func start() {
        let thread = Thread { [self] in
            for line in pending {
                stopped.lock()
                while !isStopped && Date() < line.at { _ = stopped.wait(until: line.at) }
                let stop = isStopped
                stopped.unlock()
                if stop { return }
                do { try DemoFeed.append([line][...]) } catch {
                    BackgroundFailures.report("demo feed stopped: cannot append to \(line.file): \(error)")
                    return
                }
            }
        }
        thread.start()
    }

    func stop() {
        stopped.lock()
        isStopped = true
        stopped.broadcast()
        stopped.unlock()
    }

    static func append(_ lines: ArraySlice<Line>) throws {
        let grouped = Dictionary(grouping: lines, by: \.file)
        for (file, items) in grouped {
            let handle = try FileHandle(forWritingTo: file)
            try handle.seekToEnd()
            try handle.write(contentsOf: Data(items.map { $0.text + "\n" }.joined().utf8))
            try handle.close()
        }
    }

    static let jst = TimeZone(secondsFromGMT: 9 * 3600)!

    /// Rewrites the `"timestamp"` of an EVE line (the sample files write +0900 times).
    static func shiftEVE(_ line: String, by shift: TimeInterval) -> (String, Date?) {
        guard let key = line.range(of: "\"timestamp\": \"") ?? line.range(of: "\"timestamp\":\""),
              let end = line[key.upperBound...].firstIndex(of: "\"") else { return (line, nil) }
        let text = String(line[key.upperBound..<end])
        guard let date = parseISO(text) else { return (line, nil) }
        let shifted = date.addingTimeInterval(shift)
        return (line.replacingCharacters(in: key.upperBound..<end, with: formatISO(shifted)), shifted)
    }

    /// Rewrites an RFC 3164 `MMM dd HH:mm:ss` header time, if the line has one.
    static func shiftSyslog(_ line: String, by shift: TimeInterval) -> (String, Date?) {
        guard line.hasPrefix("<"), let close = line.firstIndex(of: ">") else { return (line, nil) }
        let start = line.index(after: close)
        guard line.distance(from: start, to: line.endIndex) > 15 else { return (line, nil) }
        let end = line.index(start, offsetBy: 15)
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = jst
        f.dateFormat = "yyyy MMM dd HH:mm:ss"
        guard let date = f.date(from: "2026 " + line[start..<end]) else { return (line, nil) }
        let shifted = date.addingTimeInterval(shift)
        f.dateFormat = "MMM dd HH:mm:ss"
        return (line.replacingCharacters(in: start..<end, with: f.string(from: shifted)), shifted)
    }

    static func parseISO(_ text: String) -> Date? {
        // 2026-11-20T21:00:00.123456+0900
        guard text.count >= 31 else { return nil }
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.dateFormat = "yyyy-MM-dd'T'HH:mm:ssZ"
        let base = String(text.prefix(19)) + String(text.suffix(5))
        guard let date = f.date(from: base), let micros = Double("0" + text.dropFirst(19).prefix(7)) else { return nil }
        return date.addingTimeInterval(micros)
    }

    static func formatISO(_ date: Date) -> String {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = jst
        f.dateFormat = "yyyy-MM-dd'T'HH:mm:ss"
        let micros = Int((date.timeIntervalSince1970 - date.timeIntervalSince1970.rounded(.down)) * 1_000_000)
        return f.string(from: date) + String(format: ".%06d+0900", micros)
    }
}

import ArgumentParser
import Foundation
import TobanConsole
import TobanCore

/// `toban oncall` — who is on call on each layer, until when, and the next hand-offs.
/// Reads only the configuration.
struct OnCallCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "oncall",
        abstract: "Who is on call on each layer now (or at --at), until when, and the next hand-offs.",
        discussion: """
            Layers, rotations and overrides come from [oncall] in the configuration. Times are \
            shown in this machine's time zone; --json gives them in UTC (ISO 8601).
            """)

    @Option(name: .long, help: ArgumentHelp("Configuration file (else $TOBAN_CONFIG, ./toban.toml, $XDG_CONFIG_HOME/toban/toban.toml, /etc/toban/toban.toml).", valueName: "file"))
    var config: String?

    @Option(name: .long, help: ArgumentHelp("Show the roster at this time (ISO 8601 with offset, default now).", valueName: "time"))
    var at: String?

    @Flag(name: .long, help: "One JSON object: who is on call and the next hand-offs.")
    var json = false

    static let handOffCount = 5

    func validate() throws {
        if let at, NotifyWiring.parseTime(at) == nil {
            throw ValidationError("--at: '\(at)' is not an ISO 8601 time (e.g. 2026-12-24T20:00:00+09:00)")
        }
    }

    func run() throws {
        let environment = ProcessInfo.processInfo.environment
        guard let path = ConfigLocator.locate(explicit: config, environment: environment) else {
            throw ValidationError("toban oncall needs the configuration ([oncall] and [[analysts]]): --config FILE")
        }
        let settings = try ConfigLoader.load(path: path).require()
        let instant = at.flatMap(NotifyWiring.parseTime) ?? SystemClock().now
        let view = OnCallView(roster: settings.onCall.roster, analysts: settings.analysts, at: instant, handOffs: Self.handOffCount)
        if json {
            print(try view.json())
        } else if settings.onCall.roster.layers.isEmpty {
            print("No on-call layers in \(path): add [[oncall.layers]] under [oncall].")
        } else {
            print(view.text(zone: TimeZone.current), terminator: "")
        }
    }
}

/// The roster at one instant, as `toban oncall` prints it.
struct OnCallView {
    var shifts: [OnCallShift]
    var handOffs: [OnCallHandOff]
    var at: Date
    var names: [String: String]

    init(roster: OnCallRoster, analysts: [Analyst], at: Date, handOffs count: Int) {
        shifts = roster.onCall(at: at)
        handOffs = roster.handOffs(after: at, limit: count)
        self.at = at
        names = Dictionary(analysts.map { ($0.login, Sanitizer.sanitize($0.name)) }, uniquingKeysWith: { first, _ in first })
    }

    func name(_ login: String) -> String { names[login] ?? login }

    func json() throws -> String {
        func time(_ date: Date?) -> Any { date.map(ISO8601Instant.text) ?? NSNull() }
        let object: [String: Any] = [
            "at": ISO8601Instant.text(at),
            "on_call": shifts.map { s -> [String: Any] in
                ["layer": s.layer, "login": s.login, "name": name(s.login), "from": time(s.from), "until": time(s.until),
                 "override": s.isOverride]
            },
            "hand_offs": handOffs.map { h -> [String: Any] in
                ["at": ISO8601Instant.text(h.at), "layer": h.layer, "from": h.from, "from_name": name(h.from),
                 "to": h.to, "to_name": name(h.to)]
            },
        ]
        let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])
        return String(decoding: data, as: UTF8.self)
    }

    /// Aligned plain-text columns, times in `zone`.
    func text(zone: TimeZone) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = zone
        formatter.dateFormat = "yyyy-MM-dd HH:mm xxx"
        func time(_ date: Date?) -> String { date.map(formatter.string(from:)) ?? "-" }
        func person(_ login: String) -> String { names[login].map { "\($0) (\(login))" } ?? login }

        var out = "On call at \(time(at))\n\n"
        out += Self.table(header: ["LAYER", "ON CALL", "SINCE", "UNTIL", ""], rows: shifts.map {
            [$0.layer, person($0.login), time($0.from), time($0.until), $0.isOverride ? "override" : ""]
        })
        out += "\nNext hand-offs\n"
        if handOffs.isEmpty { return out + "  none: nobody takes over on any layer\n" }
        out += Self.table(header: ["AT", "LAYER", "FROM", "TO"], rows: handOffs.map {
            [time($0.at), $0.layer, person($0.from), person($0.to)]
        })
        return out
    }

    /// Columns padded to their widest cell in terminal cells (names are often Japanese).
    static func table(header: [String], rows: [[String]]) -> String {
        let all = [header] + rows
        let widths = header.indices.map { column in all.map { DisplayWidth.of($0[column]) }.max() ?? 0 }
        return all.map { row in
            let cells = row.indices.map { $0 == row.count - 1 ? row[$0] : DisplayWidth.pad(row[$0], to: widths[$0]) }
            return cells.joined(separator: "  ").trimmingCharacters(in: .whitespaces) + "\n"
        }.joined()
    }
}

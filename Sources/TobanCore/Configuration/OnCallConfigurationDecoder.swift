import Foundation

/// `[oncall]`: the roster (`[[oncall.layers]]`, `[[oncall.overrides]]`) and the escalation
/// settings. The older keys still work: `rotation` is an "analyst" layer of 12-hour shifts
/// handing off at 09:00 and `shift_lead` a one-person "shift_lead" layer, both on the clock
/// of the first customer (the SOC's own market) or UTC when there is none, counted from
/// `legacyStart` so the turns never move.
extension ConfigurationDecoder {
    static let legacyStart = LocalDate(year: 2000, month: 1, day: 1)
    static let onCallKeys: Set<String> = ["shift_lead", "rotation", "acknowledge_minutes", "deadline_lead_minutes", "repeats",
                                          "channel", "on_site_window_days", "levels", "layers", "overrides"]
    static let onCallLayerKeys: Set<String> = ["name", "participants", "shift_hours", "shift_days", "handoff", "time_zone", "start"]
    static let longestShiftDays = 366

    static func decodeOnCall(_ value: ConfigValue?, _ r: ConfigReader, analysts: [Analyst], customers: [Customer],
                             webhooks: [WebhookChannel]) -> OnCallSettings {
        var s = OnCallSettings()
        guard let t = r.table(value, at: "oncall") else {
            s.escalation.levels = []
            return s
        }
        r.rejectUnknownKeys(t, known: onCallKeys, at: "oncall")
        let context = OnCallDecoding(r: r, analysts: analysts, defaultZone: customers.first?.timeZone ?? TimeZone(identifier: "UTC")!)
        decodeLegacyOnCall(t, context)
        if let items = r.array(t["layers"], at: "oncall.layers") {
            for (i, item) in items.enumerated() { decodeOnCallLayer(item, key: "oncall.layers[\(i)]", context) }
        }
        var overrides: [OnCallOverride] = []
        if let items = r.array(t["overrides"], at: "oncall.overrides") {
            for (i, item) in items.enumerated() {
                if let o = decodeOnCallOverride(item, key: "oncall.overrides[\(i)]", context) { overrides.append(o) }
            }
        }
        s.roster = OnCallRoster(layers: context.layers, overrides: overrides)
        s.escalation = decodeEscalation(t, context, webhooks: webhooks)
        checkPageableByMail(s, context)
        return s
    }

    /// `rotation` and `shift_lead`, as they were before layers existed.
    static func decodeLegacyOnCall(_ t: [String: ConfigValue], _ c: OnCallDecoding) {
        let r = c.r
        if let rotation = r.strings(t["rotation"], at: "oncall.rotation") {
            var known: [String] = []
            for (i, login) in rotation.enumerated() {
                if c.isAnalyst(login) { known.append(login) } else { r.problem("oncall.rotation[\(i)]", "no analyst with login '\(login)'") }
            }
            c.declare("analyst", at: "oncall.rotation")
            if !known.isEmpty {
                c.layers.append(OnCallLayer(name: "analyst", rotation: OnCallRotation(
                    participants: known, shiftLength: .hours(12), handOff: TimeOfDay(hour: 9, minute: 0),
                    timeZone: c.defaultZone, start: legacyStart)))
            }
        }
        if let lead = r.string(t["shift_lead"], at: "oncall.shift_lead") {
            c.declare("shift_lead", at: "oncall.shift_lead")
            if c.isAnalyst(lead) {
                c.layers.append(OnCallLayer(name: "shift_lead", rotation: .fixed(lead, timeZone: c.defaultZone)))
            } else {
                r.problem("oncall.shift_lead", "no analyst with login '\(lead)'")
            }
        }
    }

    /// One `[[oncall.layers]]` entry. A layer with any problem is left out of the roster,
    /// but its name still counts as defined, so `levels` and overrides naming it are not
    /// reported a second time.
    static func decodeOnCallLayer(_ item: ConfigValue, key: String, _ c: OnCallDecoding) {
        let r = c.r
        guard let t = r.table(item, at: key) else { return }
        let problemsBefore = r.problems.count
        r.rejectUnknownKeys(t, known: onCallLayerKeys, at: key)
        guard let name = r.string(t["name"], at: "\(key).name", required: true) else { return }
        if name.isEmpty || name.contains(where: { !($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }) {
            r.problem("\(key).name", "'\(name)' must be non-empty letters, digits, '-' or '_'")
        }
        if let other = c.declaredAt[name] {
            r.problem("\(key).name", "layer '\(name)' is already defined by \(other)")
            return
        }
        c.declare(name, at: key)

        var participants: [String] = []
        if let logins = r.strings(t["participants"], at: "\(key).participants") {
            for (i, login) in logins.enumerated() {
                if c.isAnalyst(login) { participants.append(login) } else { r.problem("\(key).participants[\(i)]", "no analyst with login '\(login)'") }
            }
            if logins.isEmpty { r.problem("\(key).participants", "lists nobody: give at least one analyst login") }
        } else if t["participants"] == nil {
            r.problem("\(key).participants", "is required")
        }
        let rotates = Set(participants).count > 1
        let length = shiftLength(t, key: key, rotates: rotates, r)

        var handOff = TimeOfDay(hour: 9, minute: 0)
        if let text = r.string(t["handoff"], at: "\(key).handoff") {
            if let time = timeOfDay(text) { handOff = time } else { r.problem("\(key).handoff", "'\(text)' is not a time of day (HH:MM, 00:00 … 23:59)") }
        }
        var zone = c.defaultZone
        if let text = r.string(t["time_zone"], at: "\(key).time_zone") {
            if let z = TimeZone(identifier: text), text.contains("/") || text == "UTC" { zone = z } else {
                r.problem("\(key).time_zone", "unknown time zone '\(text)' (use an IANA name such as Asia/Tokyo)")
            }
        }
        var start = legacyStart
        if let text = r.string(t["start"], at: "\(key).start") {
            if let date = LocalDate(text: text) { start = date } else { r.problem("\(key).start", "'\(text)' is not a date (YYYY-MM-DD)") }
        } else if rotates && t["start"] == nil {
            r.problem("\(key).start", "is required for a rotation of several people (the date of the first shift)")
        }
        guard r.problems.count == problemsBefore, let length, !participants.isEmpty else { return }
        c.layers.append(OnCallLayer(name: name, rotation: OnCallRotation(participants: participants, shiftLength: length,
                                                                           handOff: handOff, timeZone: zone, start: start)))
        c.pagedLogins.append(contentsOf: participants.enumerated().map { ("\(key).participants[\($0.offset)]", $0.element, name) })
    }

    /// `shift_hours` or `shift_days`: one of them for a rotation that changes hands; a
    /// single person needs neither.
    static func shiftLength(_ t: [String: ConfigValue], key: String, rotates: Bool, _ r: ConfigReader) -> OnCallRotation.ShiftLength? {
        let hours = r.integer(t["shift_hours"], at: "\(key).shift_hours")
        let days = r.integer(t["shift_days"], at: "\(key).shift_days")
        if t["shift_hours"] != nil && t["shift_days"] != nil {
            r.problem(key, "give shift_hours or shift_days, not both")
            return nil
        }
        if let hours {
            guard hours >= 1 else { r.problem("\(key).shift_hours", "a shift must last at least 1 hour (\(hours) given)"); return nil }
            guard hours <= longestShiftDays * 24 else { r.problem("\(key).shift_hours", "\(hours) is longer than a year"); return nil }
            return .hours(hours)
        }
        if let days {
            guard days >= 1 else { r.problem("\(key).shift_days", "a shift must last at least 1 day (\(days) given)"); return nil }
            guard days <= longestShiftDays else { r.problem("\(key).shift_days", "\(days) is longer than a year"); return nil }
            return .days(days)
        }
        if t["shift_hours"] != nil || t["shift_days"] != nil { return nil }
        if rotates { r.problem(key, "a rotation of several people needs shift_hours or shift_days"); return nil }
        return .days(1)
    }

    /// "HH:MM", or "HH:MM:00" as a bare TOML time is written out.
    static func timeOfDay(_ text: String) -> TimeOfDay? {
        var text = text
        if text.count == 8, text.hasSuffix(":00") { text = String(text.dropLast(3)) }
        guard let time = TimeOfDay(text: text), time.hour < 24 else { return nil }
        return time
    }

    static func decodeOnCallOverride(_ item: ConfigValue, key: String, _ c: OnCallDecoding) -> OnCallOverride? {
        let r = c.r
        guard let t = r.table(item, at: key) else { return nil }
        let problemsBefore = r.problems.count
        r.rejectUnknownKeys(t, known: ["layer", "login", "from", "to"], at: key)
        let layer = r.string(t["layer"], at: "\(key).layer", required: true)
        if let layer, c.declaredAt[layer] == nil {
            r.problem("\(key).layer", "no layer named '\(layer)' (defined: \(c.definedNames))")
        }
        let login = r.string(t["login"], at: "\(key).login", required: true)
        if let login, !c.isAnalyst(login) { r.problem("\(key).login", "no analyst with login '\(login)'") }
        let from = instant(t["from"], at: "\(key).from", r)
        let to = instant(t["to"], at: "\(key).to", r)
        if let from, let to, to <= from {
            r.problem("\(key).to", "must be after from (\(ISO8601Instant.text(from)))")
        }
        guard r.problems.count == problemsBefore, let layer, let login, let from, let to else { return nil }
        c.pagedLogins.append(("\(key).login", login, layer))
        return OnCallOverride(layer: layer, login: login, from: from, to: to)
    }

    static func instant(_ value: ConfigValue?, at key: String, _ r: ConfigReader) -> Date? {
        guard let text = r.string(value, at: key, required: true) else { return nil }
        guard let date = ISO8601Instant.parse(text) else {
            r.problem(key, "'\(text)' is not an ISO 8601 time with an offset (e.g. 2026-12-24T18:00:00+09:00)")
            return nil
        }
        return date
    }

    static func decodeEscalation(_ t: [String: ConfigValue], _ c: OnCallDecoding, webhooks: [WebhookChannel]) -> OnCallEscalation {
        let r = c.r
        var e = OnCallEscalation()
        if let v = r.integer(t["acknowledge_minutes"], at: "oncall.acknowledge_minutes", range: 1...1440) { e.acknowledgeMinutes = v }
        if let v = r.integer(t["deadline_lead_minutes"], at: "oncall.deadline_lead_minutes", range: 0...1440) { e.deadlineLeadMinutes = v }
        if let v = r.integer(t["repeats"], at: "oncall.repeats", range: 1...10) { e.repeats = v }
        if let v = r.integer(t["on_site_window_days"], at: "oncall.on_site_window_days", range: 1...365) { e.onSiteWindowDays = v }
        if let levels = r.strings(t["levels"], at: "oncall.levels") {
            var seen = Set<String>()
            e.levels = []
            for (i, name) in levels.enumerated() {
                if c.declaredAt[name] == nil {
                    r.problem("oncall.levels[\(i)]", "no layer named '\(name)' (defined: \(c.definedNames))")
                } else if !seen.insert(name).inserted {
                    r.problem("oncall.levels[\(i)]", "'\(name)' is listed twice")
                } else {
                    e.levels.append(name)
                }
            }
            if levels.isEmpty { r.problem("oncall.levels", "lists no layer: an escalation would page nobody") }
        } else {
            e.levels = OnCallEscalation.defaultLevels.filter { c.declaredAt[$0] != nil }
        }
        if let name = r.string(t["channel"], at: "oncall.channel") {
            if name == "mail" {
                e.channel = .mail
            } else if webhooks.contains(where: { $0.name == name }) {
                e.channel = .webhook(name)
            } else {
                let names = webhooks.map(\.name)
                r.problem("oncall.channel", "no webhook named '\(name)' in [notify] webhooks (use mail"
                          + (names.isEmpty ? ")" : " or one of: \(names.joined(separator: ", ")))"))
            }
        }
        return e
    }

    /// Paging by mail needs an address for everyone a level can page. (The older
    /// `rotation` and `shift_lead` keys are not held to this, so existing files still load.)
    static func checkPageableByMail(_ s: OnCallSettings, _ c: OnCallDecoding) {
        guard s.escalation.channel == .mail else { return }
        let paged = Set(s.escalation.levels)
        for (key, login, layer) in c.pagedLogins where paged.contains(layer) && c.analyst(login)?.email == nil {
            c.r.problem(key, "analyst '\(login)' has no email, and oncall.channel is mail: a page could not reach them")
        }
    }
}

/// What the `[oncall]` decoder accumulates while it walks the section.
final class OnCallDecoding {
    let r: ConfigReader
    let defaultZone: TimeZone
    private let analysts: [String: Analyst]
    var layers: [OnCallLayer] = []
    /// Layer name → the key that defined it (valid or not).
    private(set) var declaredAt: [String: String] = [:]
    private var declarationOrder: [String] = []
    /// (key, login, layer) of everyone a page on that layer could go to.
    var pagedLogins: [(String, String, String)] = []

    init(r: ConfigReader, analysts: [Analyst], defaultZone: TimeZone) {
        self.r = r
        self.defaultZone = defaultZone
        self.analysts = Dictionary(analysts.map { ($0.login, $0) }, uniquingKeysWith: { first, _ in first })
    }

    func isAnalyst(_ login: String) -> Bool { analysts[login] != nil }
    func analyst(_ login: String) -> Analyst? { analysts[login] }

    func declare(_ name: String, at key: String) {
        if declaredAt[name] == nil { declarationOrder.append(name) }
        declaredAt[name] = declaredAt[name] ?? key
    }

    var definedNames: String { declarationOrder.isEmpty ? "none" : declarationOrder.joined(separator: ", ") }
}

import Foundation
import Testing
@testable import TobanCore
import TobanTestSupport

/// `[oncall]`: layers, overrides and escalation settings decode into a roster, the older
/// `rotation` / `shift_lead` keys keep working, and every mistake is named by its key.
@Suite struct OnCallConfigurationTests {
    static let analysts: ConfigValue = [
        ["login": "suzuki", "name": "鈴木 健", "email": "suzuki@soc.example"],
        ["login": "tanaka", "name": "田中 美咲", "role": "lead", "email": "tanaka@soc.example"],
        ["login": "sato", "name": "佐藤 翔太", "email": "sato@soc.example"],
        ["login": "yamada", "name": "山田 太郎", "role": "lead", "email": "yamada@soc.example"],
        ["login": "kato", "name": "加藤 優"],  // no email
    ]

    static let webhooks: ConfigValue = ["webhooks": [["name": "soc-pager", "url": "https://hooks.slack.com/services/T/B/x", "kind": "slack"]]]

    static let analystLayer: ConfigValue = [
        "name": "analyst", "participants": ["suzuki", "tanaka"], "shift_hours": 12, "handoff": "09:00",
        "time_zone": "Asia/Tokyo", "start": "2026-12-01",
    ]

    static func decode(_ oncall: ConfigValue, notify: ConfigValue? = nil, customers: ConfigValue? = nil) -> (TobanConfiguration, [ConfigProblem]) {
        var top: [String: ConfigValue] = ["analysts": analysts, "oncall": oncall]
        if let notify { top["notify"] = notify }
        if let customers { top["customers"] = customers }
        return ConfigurationDecoder.decode(.table(top), file: "toban.toml")
    }

    @Test func aFullRosterDecodes() throws {
        let (config, problems) = Self.decode([
            "acknowledge_minutes": 10, "deadline_lead_minutes": 7, "repeats": 3, "channel": "soc-pager", "on_site_window_days": 14,
            "levels": ["analyst", "shift_lead", "manager"],
            "layers": [
                Self.analystLayer,
                ["name": "shift_lead", "participants": ["tanaka", "yamada"], "shift_days": 7, "handoff": "09:30",
                 "time_zone": "America/New_York", "start": "2026-11-30"],
                ["name": "manager", "participants": ["yamada"]],
            ],
            "overrides": [["layer": "analyst", "login": "sato", "from": "2026-12-24T18:00:00+09:00", "to": "2026-12-25T09:00:00+09:00"]],
        ], notify: Self.webhooks)
        #expect(problems.isEmpty, "\(problems)")
        let roster = config.onCall.roster
        #expect(roster.layerNames == ["analyst", "shift_lead", "manager"])
        let lead = try #require(roster.layer(named: "shift_lead")).rotation
        #expect(lead.participants == ["tanaka", "yamada"])
        #expect(lead.shiftLength == .days(7))
        #expect(lead.handOff == TimeOfDay(hour: 9, minute: 30))
        #expect(lead.timeZone.identifier == "America/New_York")
        #expect(lead.start == LocalDate(year: 2026, month: 11, day: 30))
        #expect(roster.overrides == [OnCallOverride(layer: "analyst", login: "sato", from: instant("2026-12-24T09:00:00Z"),
                                                    to: instant("2026-12-25T00:00:00Z"))])
        #expect(roster.onCall(layer: "analyst", at: instant("2026-12-24T10:00:00Z"))?.login == "sato")
        #expect(config.onCall.escalation == OnCallEscalation(levels: ["analyst", "shift_lead", "manager"], acknowledgeMinutes: 10,
                                                             deadlineLeadMinutes: 7, repeats: 3, channel: .webhook("soc-pager"),
                                                             onSiteWindowDays: 14))
    }

    @Test func defaultsFillWhatIsNotWritten() {
        let (config, problems) = Self.decode(["layers": [Self.analystLayer]])
        #expect(problems.isEmpty, "\(problems)")
        // The default ladder keeps only the layers that exist.
        #expect(config.onCall.escalation == OnCallEscalation(levels: ["analyst"]))
        #expect(config.onCall.escalation.acknowledgeMinutes == 15)
        #expect(config.onCall.escalation.deadlineLeadMinutes == 5)
        #expect(config.onCall.escalation.repeats == 2)
        #expect(config.onCall.escalation.channel == .mail)
        #expect(config.onCall.escalation.onSiteWindowDays == 30)
    }

    @Test func theOlderKeysBecomeLayersOnTheFirstCustomersClock() throws {
        let customers: ConfigValue = [["id": "nagoya", "name": "Nagoya Foods", "timezone": "Europe/Berlin"]]
        // kato has no email: the older keys are not held to the mail check, as before.
        let (config, problems) = Self.decode(["shift_lead": "tanaka", "rotation": ["suzuki", "kato"], "acknowledge_minutes": 20],
                                             customers: customers)
        #expect(problems.isEmpty, "\(problems)")
        let roster = config.onCall.roster
        #expect(roster.layerNames == ["analyst", "shift_lead"])
        let analyst = try #require(roster.layer(named: "analyst")).rotation
        #expect(analyst.participants == ["suzuki", "kato"])
        #expect(analyst.shiftLength == .hours(12))
        #expect(analyst.handOff == TimeOfDay(hour: 9, minute: 0))
        #expect(analyst.timeZone.identifier == "Europe/Berlin")
        #expect(roster.onCall(layer: "shift_lead", at: instant("2026-12-24T10:00:00Z"))?.login == "tanaka")
        #expect(config.onCall.escalation.levels == ["analyst", "shift_lead"])
        #expect(config.onCall.escalation.acknowledgeMinutes == 20)

        let (utc, _) = Self.decode(["rotation": ["suzuki", "tanaka"]])
        #expect(try #require(utc.onCall.roster.layer(named: "analyst")).rotation.timeZone == TimeZone(identifier: "UTC"))
    }

    struct BadCase: Sendable, CustomTestStringConvertible {
        var name: String
        var oncall: ConfigValue
        var notify: ConfigValue? = nil
        var expected: String
        var testDescription: String { name }
    }

    static func layer(_ changes: [String: ConfigValue?]) -> ConfigValue {
        var t = analystLayer.table!
        for (k, v) in changes { t[k] = v }
        return .table(t)
    }

    static func override(_ changes: [String: ConfigValue]) -> ConfigValue {
        var t: [String: ConfigValue] = ["layer": "analyst", "login": "sato", "from": "2026-12-24T18:00:00+09:00", "to": "2026-12-25T09:00:00+09:00"]
        for (k, v) in changes { t[k] = v }
        return .table(t)
    }

    static let badCases: [BadCase] = [
        BadCase(name: "unknown participant", oncall: ["layers": [layer(["participants": ["suzuki", "ghost"]])]],
                expected: "oncall.layers[0].participants[1]: no analyst with login 'ghost'"),
        BadCase(name: "nobody in the rotation", oncall: ["layers": [layer(["participants": []])]],
                expected: "oncall.layers[0].participants: lists nobody"),
        BadCase(name: "bad hand-off time", oncall: ["layers": [layer(["handoff": "25:00"])]],
                expected: "oncall.layers[0].handoff: '25:00' is not a time of day"),
        BadCase(name: "hand-off at 24:00", oncall: ["layers": [layer(["handoff": "24:00"])]],
                expected: "oncall.layers[0].handoff: '24:00' is not a time of day"),
        BadCase(name: "unknown time zone", oncall: ["layers": [layer(["time_zone": "Asia/Tokio"])]],
                expected: "oncall.layers[0].time_zone: unknown time zone 'Asia/Tokio'"),
        BadCase(name: "zero-length shift", oncall: ["layers": [layer(["shift_hours": 0])]],
                expected: "oncall.layers[0].shift_hours: a shift must last at least 1 hour (0 given)"),
        BadCase(name: "zero-day shift", oncall: ["layers": [layer(["shift_hours": nil, "shift_days": 0])]],
                expected: "oncall.layers[0].shift_days: a shift must last at least 1 day (0 given)"),
        BadCase(name: "hours and days", oncall: ["layers": [layer(["shift_days": 1])]],
                expected: "oncall.layers[0]: give shift_hours or shift_days, not both"),
        BadCase(name: "no shift length", oncall: ["layers": [layer(["shift_hours": nil])]],
                expected: "oncall.layers[0]: a rotation of several people needs shift_hours or shift_days"),
        BadCase(name: "no start date", oncall: ["layers": [layer(["start": nil])]],
                expected: "oncall.layers[0].start: is required for a rotation of several people"),
        BadCase(name: "bad start date", oncall: ["layers": [layer(["start": "2026-02-30"])]],
                expected: "oncall.layers[0].start: '2026-02-30' is not a date (YYYY-MM-DD)"),
        BadCase(name: "bad layer name", oncall: ["layers": [layer(["name": "night shift"])]],
                expected: "oncall.layers[0].name: 'night shift' must be non-empty letters, digits, '-' or '_'"),
        BadCase(name: "unknown layer key", oncall: ["layers": [layer(["handover": "09:00"])]],
                expected: "oncall.layers[0].handover: unknown key"),
        BadCase(name: "layer defined twice", oncall: ["layers": [analystLayer, analystLayer]],
                expected: "oncall.layers[1].name: layer 'analyst' is already defined by oncall.layers[0]"),
        BadCase(name: "layer clashing with rotation", oncall: ["rotation": ["suzuki"], "layers": [analystLayer]],
                expected: "oncall.layers[0].name: layer 'analyst' is already defined by oncall.rotation"),
        BadCase(name: "override ending before it starts", oncall: ["layers": [analystLayer], "overrides": [override(["to": "2026-12-24T18:00:00+09:00"])]],
                expected: "oncall.overrides[0].to: must be after from (2026-12-24T09:00:00Z)"),
        BadCase(name: "override without an offset", oncall: ["layers": [analystLayer], "overrides": [override(["from": "2026-12-24T18:00:00"])]],
                expected: "oncall.overrides[0].from: '2026-12-24T18:00:00' is not an ISO 8601 time with an offset"),
        BadCase(name: "override of an unknown layer", oncall: ["layers": [analystLayer], "overrides": [override(["layer": "night"])]],
                expected: "oncall.overrides[0].layer: no layer named 'night' (defined: analyst)"),
        BadCase(name: "override by an unknown analyst", oncall: ["layers": [analystLayer], "overrides": [override(["login": "ghost"])]],
                expected: "oncall.overrides[0].login: no analyst with login 'ghost'"),
        BadCase(name: "override without its end", oncall: ["layers": [analystLayer], "overrides": [.table(override([:]).table!.filter { $0.key != "to" })]],
                expected: "oncall.overrides[0].to: is required"),
        BadCase(name: "unknown level", oncall: ["layers": [analystLayer], "levels": ["analyst", "manager"]],
                expected: "oncall.levels[1]: no layer named 'manager' (defined: analyst)"),
        BadCase(name: "level twice", oncall: ["layers": [analystLayer], "levels": ["analyst", "analyst"]],
                expected: "oncall.levels[1]: 'analyst' is listed twice"),
        BadCase(name: "no level", oncall: ["layers": [analystLayer], "levels": []],
                expected: "oncall.levels: lists no layer"),
        BadCase(name: "unknown webhook channel", oncall: ["layers": [analystLayer], "channel": "pager"], notify: webhooks,
                expected: "oncall.channel: no webhook named 'pager' in [notify] webhooks (use mail or one of: soc-pager)"),
        BadCase(name: "paged by mail without an address", oncall: ["layers": [layer(["participants": ["suzuki", "kato"]])]],
                expected: "oncall.layers[0].participants[1]: analyst 'kato' has no email, and oncall.channel is mail"),
        BadCase(name: "override paged by mail without an address", oncall: ["layers": [analystLayer], "overrides": [override(["login": "kato"])]],
                expected: "oncall.overrides[0].login: analyst 'kato' has no email"),
        BadCase(name: "no repeats", oncall: ["repeats": 0], expected: "oncall.repeats: 0 is outside 1…10"),
        BadCase(name: "negative deadline lead", oncall: ["deadline_lead_minutes": -5], expected: "oncall.deadline_lead_minutes: -5 is outside 0…1440"),
        BadCase(name: "no on-site window", oncall: ["on_site_window_days": 0], expected: "oncall.on_site_window_days: 0 is outside 1…365"),
        BadCase(name: "unknown on-call key", oncall: ["ack_minutes": 5], expected: "oncall.ack_minutes: unknown key"),
    ]

    @Test(arguments: badCases) func eachMistakeIsNamedByItsKey(_ bad: BadCase) {
        let (_, problems) = Self.decode(bad.oncall, notify: bad.notify)
        #expect(problems.contains { "\($0.key): \($0.reason)".hasPrefix(bad.expected) }, "\(problems)")
    }

    @Test func aWebhookChannelNeedsNoAddresses() {
        // kato has no email, but pages go to the SOC's webhook.
        let (config, problems) = Self.decode(["layers": [Self.layer(["participants": ["suzuki", "kato"]])], "channel": "soc-pager"],
                                             notify: Self.webhooks)
        #expect(problems.isEmpty, "\(problems)")
        #expect(config.onCall.escalation.channel == .webhook("soc-pager"))
    }
}

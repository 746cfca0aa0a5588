import Foundation
import Testing
import TobanTestSupport

/// `toban oncall` through the built binary: who is on each layer at a given time, until
/// when, and the next hand-offs, as JSON and as aligned text.
@Suite struct OnCallCommandTests {
    static let config = """
        [[analysts]]
        login = "suzuki"
        name = "鈴木 健"
        email = "suzuki@soc.example"

        [[analysts]]
        login = "tanaka"
        name = "田中 美咲"
        role = "lead"
        email = "tanaka@soc.example"

        [[analysts]]
        login = "sato"
        name = "佐藤 翔太"
        email = "sato@soc.example"

        [oncall]
        repeats = 3

        [[oncall.layers]]
        name = "analyst"
        participants = ["suzuki", "tanaka"]
        shift_hours = 12
        handoff = "09:00"
        time_zone = "Asia/Tokyo"
        start = "2026-12-01"

        [[oncall.layers]]
        name = "shift_lead"
        participants = ["tanaka"]

        [[oncall.overrides]]
        layer = "analyst"
        login = "sato"
        from = "2026-12-24T18:00:00+09:00"
        to = "2026-12-25T09:00:00+09:00"
        """

    func run(_ args: [String], config: String = OnCallCommandTests.config) throws -> TobanBinary.Result {
        let scratch = TemporaryDirectory()
        let file = scratch.file("toban.toml")
        try config.write(toFile: file, atomically: true, encoding: .utf8)
        return try TobanBinary.run(["oncall", "--config", file] + args, in: scratch.url, environment: ["TZ": "Asia/Tokyo"])
    }

    @Test func jsonNamesWhoIsOnEachLayerUntilWhenAndTheNextHandOffs() throws {
        let r = try run(["--at", "2026-12-24T20:00:00+09:00", "--json"])
        #expect(r.status == 0, "\(r.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        #expect(object["at"] as? String == "2026-12-24T11:00:00Z")
        let onCall = try #require(object["on_call"] as? [[String: Any]])
        #expect(onCall.count == 2)
        #expect(onCall[0]["layer"] as? String == "analyst")
        #expect(onCall[0]["login"] as? String == "sato")
        #expect(onCall[0]["name"] as? String == "佐藤 翔太")
        #expect(onCall[0]["from"] as? String == "2026-12-24T09:00:00Z")
        #expect(onCall[0]["until"] as? String == "2026-12-25T00:00:00Z")
        #expect(onCall[0]["override"] as? Bool == true)
        #expect(onCall[1]["layer"] as? String == "shift_lead")
        #expect(onCall[1]["login"] as? String == "tanaka")
        #expect(onCall[1]["until"] is NSNull)
        #expect(onCall[1]["override"] as? Bool == false)
        let handOffs = try #require(object["hand_offs"] as? [[String: Any]])
        #expect(handOffs.compactMap { $0["at"] as? String } == [
            "2026-12-25T00:00:00Z", "2026-12-25T12:00:00Z", "2026-12-26T00:00:00Z", "2026-12-26T12:00:00Z", "2026-12-27T00:00:00Z",
        ])
        #expect(handOffs.compactMap { $0["from"] as? String } == ["sato", "suzuki", "tanaka", "suzuki", "tanaka"])
        #expect(handOffs.compactMap { $0["to"] as? String } == ["suzuki", "tanaka", "suzuki", "tanaka", "suzuki"])
        #expect(handOffs.first?["to_name"] as? String == "鈴木 健")
    }

    @Test func textIsAlignedColumnsInTheLocalZone() throws {
        let r = try run(["--at", "2026-12-24T20:00:00+09:00"])
        #expect(r.status == 0, "\(r.stderr)")
        let lines = r.lines
        #expect(lines.first == "On call at 2026-12-24 20:00 +09:00")
        let header = try #require(lines.first { $0.hasPrefix("LAYER") })
        let sato = try #require(lines.first { $0.hasPrefix("analyst") })
        let lead = try #require(lines.first { $0.hasPrefix("shift_lead") })
        #expect(sato.contains("佐藤 翔太 (sato)") && sato.contains("2026-12-24 18:00 +09:00") && sato.contains("2026-12-25 09:00 +09:00"))
        #expect(sato.hasSuffix("override"))
        #expect(lead.contains("田中 美咲 (tanaka)"))
        // Columns line up in terminal cells: SINCE starts at the same cell in every row.
        func cell(of text: String, in line: String) -> Int? {
            guard let range = line.range(of: text) else { return nil }
            return line[..<range.lowerBound].reduce(0) { $0 + ($1.unicodeScalars.first!.value >= 0x1100 ? 2 : 1) }
        }
        #expect(cell(of: "SINCE", in: header) == cell(of: "2026-12-24 18:00", in: sato))
        #expect(cell(of: "SINCE", in: header) == cell(of: "-", in: lead))
        #expect(lines.contains { $0.hasPrefix("2026-12-25 09:00 +09:00") && $0.contains("佐藤 翔太 (sato)") && $0.hasSuffix("鈴木 健 (suzuki)") })
    }

    @Test func aBadTimeOrConfigurationIsRefusedByName() throws {
        let badTime = try run(["--at", "tomorrow"])
        #expect(badTime.status != 0)
        #expect(badTime.stderr.contains("--at: 'tomorrow' is not an ISO 8601 time"))
        let badConfig = try run(["--json"], config: Self.config.replacingOccurrences(of: "shift_hours = 12", with: "shift_hours = 0"))
        #expect(badConfig.status != 0)
        #expect(badConfig.stderr.contains("oncall.layers[0].shift_hours: a shift must last at least 1 hour"))
        #expect(badConfig.stdout.isEmpty)
    }

    @Test func theExampleConfigurationHasARoster() throws {
        let example = TobanBinary.packageRoot.appendingPathComponent("sample-logs/toban.example.toml").path
        let r = try TobanBinary.run(["oncall", "--config", example, "--at", "2026-12-24T20:00:00+09:00", "--json"])
        #expect(r.status == 0, "\(r.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        let onCall = try #require(object["on_call"] as? [[String: Any]])
        #expect(onCall.compactMap { $0["layer"] as? String } == ["analyst", "shift_lead", "manager"])
        #expect(onCall.first?["override"] as? Bool == true)
    }
}

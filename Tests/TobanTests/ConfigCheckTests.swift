import Foundation
import Testing
import TobanCore
import TobanTestSupport

/// `toban config check` against real TOML files: every kind of mistake is reported with
/// file, key and a plain reason, all of them in one run, and the exit status is non-zero.
@Suite struct ConfigCheckTests {
    func check(_ toml: String) throws -> TobanBinary.Result {
        let scratch = TemporaryDirectory()
        let dir = scratch.url
        let file = dir.appendingPathComponent("toban.toml")
        try toml.write(to: file, atomically: true, encoding: .utf8)
        return try TobanBinary.run(["config", "check", "--config", file.path])
    }

    @Test func exampleConfigIsValid() throws {
        let example = TobanBinary.packageRoot.appendingPathComponent("sample-logs/toban.example.toml").path
        let r = try TobanBinary.run(["config", "check", "--config", example])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("ok — 5 customers"))
    }

    static let badConfigs: [(String, String, String)] = [
        ("bad CIDR", """
         [[customers]]
         id = "a"
         name = "A"
         networks = ["10.0.0.0/33"]
         """, "customers[0].networks[0]: '10.0.0.0/33' has a prefix length outside"),
        ("host bits in CIDR", """
         [[customers]]
         id = "a"
         name = "A"
         networks = ["10.0.0.1/8"]
         """, "customers[0].networks[0]: '10.0.0.1/8' has bits set after the prefix"),
        ("unknown time zone", """
         [[customers]]
         id = "a"
         name = "A"
         timezone = "Asia/Tokio"
         """, "customers[0].timezone: unknown time zone 'Asia/Tokio'"),
        ("unknown source time zone", """
         [[sources]]
         path = "/var/log/remote/fw.log"
         timezone = "Japan/Osaka"
         """, "sources[0].timezone: unknown time zone 'Japan/Osaka'"),
        ("unknown urgency", """
         [[customers]]
         id = "a"
         name = "A"
         contacts = [ { name = "x", email = "x@a.example", urgencies = ["P0"] } ]
         """, "customers[0].contacts[0].urgencies[0]: unknown urgency 'P0'"),
        ("duplicate customer id", """
         [[customers]]
         id = "a"
         name = "A"
         [[customers]]
         id = "a"
         name = "A again"
         """, "customers[1].id: duplicate customer id 'a' (also customers[0])"),
        ("sensor claimed twice", """
         [[customers]]
         id = "a"
         name = "A"
         sensors = ["s1"]
         [[customers]]
         id = "b"
         name = "B"
         sensors = ["s1"]
         """, "customers[1].sensors[0]: sensor 's1' is already claimed by customer 'a'"),
        ("bad business hours", """
         [[customers]]
         id = "a"
         name = "A"
         business_hours = { days = ["mon", "funday"], open = "18:00", close = "09:00" }
         """, "customers[0].business_hours.days[1]: unknown weekday 'funday'"),
        ("P1 not immediate", """
         [[customers]]
         id = "a"
         name = "A"
         notify = { P1 = "digest:00" }
         """, "customers[0].notify.P1: P1 (★★★) must be notified immediately"),
        ("quarantine bound of zero", """
         [ingest]
         quarantine_max_mb = 0
         """, "ingest.quarantine_max_mb: 0 is outside 1…1048576"),
        ("bad notify rule", """
         [[customers]]
         id = "a"
         name = "A"
         notify = { P2 = "whenever" }
         """, "customers[0].notify.P2: 'whenever' is not a rule"),
        ("unknown source format", """
         [[sources]]
         path = "/var/log/x"
         format = "pcap"
         """, "sources[0].format: unknown format 'pcap'"),
        ("source for unknown customer", """
         [[sources]]
         path = "/var/log/x"
         customer = "nobody"
         """, "sources[0].customer: no customer with id 'nobody'"),
        ("mail header injection", """
         [notify]
         from = "soc@x.example\\r\\nBcc: evil@x.example"
         """, "notify.from: contains a control character"),
        ("unknown key", """
         [ingest]
         agregation_window_minutes = 5
         """, "ingest.agregation_window_minutes: unknown key"),
        ("wrong type", """
         [ingest]
         max_line_bytes = "big"
         """, "ingest.max_line_bytes: expected an integer, found a string"),
        ("on-call unknown analyst", """
         [oncall]
         shift_lead = "ghost"
         """, "oncall.shift_lead: no analyst with login 'ghost'"),
        ("bad maintenance", """
         [[customers]]
         id = "a"
         name = "A"
         maintenance = [ { every = "month", start = "02:00", minutes = 60 } ]
         """, "customers[0].maintenance[0]: a monthly window needs day = N"),
        ("TOML syntax", "[[customers]\nid = 1", "TOML syntax"),
        ("within bound after hours", """
         [[customers]]
         id = "a"
         name = "A"
         notify = { P1 = "immediate", P2 = "within:10080h" }
         """, "customers[0].notify.P2: 'within:10080h' is not a rule"),
        ("group window out of range", """
         [notify]
         group_seconds = { P1 = 60, default = 99999 }
         """, "notify.group_seconds.default: 99999 is outside 0…3600"),
        ("group window unknown urgency", """
         [notify]
         group_seconds = { P9 = 60 }
         """, "notify.group_seconds.P9: unknown urgency 'P9'"),
        ("unsigned standard webhook", """
         [notify]
         webhooks = [ { name = "siem", url = "https://siem.example/hook" } ]
         """, "notify.webhooks[0].secret: a standard webhook is signed"),
        ("webhook URL", """
         [[customers]]
         id = "a"
         name = "A"
         webhooks = [ { name = "chat", url = "ftp://x.example/", kind = "slack" } ]
         """, "customers[0].webhooks[0].url: 'ftp://x.example/' is not an http(s) URL"),
        ("pagerduty without key", """
         [notify]
         webhooks = [ { name = "pd", url = "https://events.pagerduty.com/v2/enqueue", kind = "pagerduty" } ]
         """, "notify.webhooks[0].routing_key: PagerDuty needs the integration's routing key"),
        ("cap out of range", """
         [[customers]]
         id = "a"
         name = "A"
         notify_options = { max_per_hour = 0, cc = ["boss@a.example", "not an address"] }
         """, "customers[0].notify_options.max_per_hour: 0 is outside 1…3600"),
        ("cc address", """
         [[customers]]
         id = "a"
         name = "A"
         notify_options = { cc = ["x@a.example\\r\\nBcc: e@x.example"] }
         """, "customers[0].notify_options.cc[0]: contains a control character"),
        ("impossible date", """
         [[customers]]
         id = "a"
         name = "A"
         extra_holidays = ["2026-02-30"]
         """, "customers[0].extra_holidays[0]: '2026-02-30' is not a date"),
        ("overlapping networks", """
         [[customers]]
         id = "a"
         name = "A"
         networks = ["10.0.0.0/16"]

         [[customers]]
         id = "b"
         name = "B"
         networks = ["10.0.5.0/24"]
         """, "customers[1].networks[0]: 10.0.5.0/24 overlaps 10.0.0.0/16 of customer 'a'"),
        ("unknown key action", """
         [keys.queue]
         frobnicate = "x"
         """, "keys.queue.frobnicate: unknown action"),
        ("unknown theme", """
         [console]
         theme = "no-such-theme"
         """, "console.theme: theme not found"),
        ("relative sendmail", """
         [notify]
         sendmail = "msmtp"
         """, "notify.sendmail: 'msmtp' must be an absolute path"),
        ("bad key name", """
         [keys.queue]
         acknowledge = "<Ctrl-Banana>"
         """, "keys.queue.acknowledge: cannot read key"),
        ("impossible contract end", """
         [[customers]]
         id = "a"
         name = "A"
         contract = { end = "2027-02-29" }
         """, "customers[0].contract.end: '2027-02-29' is not a date"),
        ("impossible override time", """
         [[analysts]]
         login = "sato"
         email = "sato@soc.example"

         [oncall]
         rotation = ["sato"]

         [[oncall.overrides]]
         layer = "analyst"
         login = "sato"
         from = "2026-02-30T18:00:00+09:00"
         to = "2026-03-02T09:00:00+09:00"
         """, "oncall.overrides[0].from: '2026-02-30T18:00:00+09:00' is not an ISO 8601 time"),
        ("NUL in a contact address", """
         [[customers]]
         id = "a"
         name = "A"
         contacts = [ { name = "x", email = "x@a.example\\u0000" } ]
         """, "line 4, column 48: contains a control character (U+0000)"),
        ("raw NUL byte", "[notify]\nfrom = \"soc@x.example\u{0}\"\n", "line 2, column 22: contains a control character (U+0000)"),
        ("escape in an analyst address", """
         [[analysts]]
         login = "sato"
         email = "sato@soc.example\\u001b[2J"
         """, "analysts[0].email: contains a control character (U+001B)"),
        ("C1 CSI in the sender", """
         [notify]
         from = "soc@x.example\\u009b31m"
         """, "notify.from: contains a control character (U+009B)"),
        ("line break in a customer name", """
         [[customers]]
         id = "a"
         name = "A\\r\\nBcc: evil@x.example"
         """, "customers[0].name: contains a control character (U+000D)"),
        ("bidi override in a contact name", """
         [[customers]]
         id = "a"
         name = "A"
         contacts = [ { name = "x\\u202Egpj.exe", email = "x@a.example" } ]
         """, "customers[0].contacts[0].name: contains a control character (U+202E)"),
        ("escape in the SOC contact", """
         [notify]
         contact = "SOC \\u001b]0;owned\\u0007"
         """, "notify.contact: contains a control character (U+001B)"),
    ]

    @Test(arguments: badConfigs.indices)
    func badConfigIsReportedWithKeyAndReason(_ index: Int) throws {
        let (name, toml, expected) = Self.badConfigs[index]
        let r = try check(toml)
        #expect(r.status != 0, "\(name): exit status")
        #expect(r.stderr.contains("toban.toml: " + expected) || (expected == "TOML syntax" && r.stderr.contains(expected)),
                "\(name): stderr was \(r.stderr)")
    }

    /// Whatever the file holds, the report shows it inert: a key, a value or a reason that
    /// quotes it never carries a raw escape, NUL or line break to the terminal.
    @Test func problemsNeverEchoRawControlBytes() throws {
        let r = try check("""
            [ingest]
            "evil\\u001b]0;owned\\u0007" = 1

            [keys.queue]
            acknowledge = "\\u001b[2J"

            [[customers]]
            id = "a"
            name = "A"
            contacts = [ { name = "x", email = "no-at-sign\\u2066" } ]
            """)
        #expect(r.status == 1)
        #expect(r.stderr.contains("ingest.evil␛]0;owned␇: unknown key"), "\(r.stderr)")
        #expect(r.stderr.contains("keys.queue.acknowledge: cannot read key \"␛[2J\""), "\(r.stderr)")
        #expect(r.stderr.contains("customers[0].contacts[0].email: contains a control character (U+2066)"), "\(r.stderr)")
        let raw = r.stderr.unicodeScalars.filter { $0 != "\n" && !Sanitizer.isSafe($0) }
        #expect(raw.isEmpty, "raw control characters in: \(r.stderr.debugDescription)")
    }

    @Test func everyProblemIsListedInOneRun() throws {
        let r = try check("""
            [[customers]]
            id = "a"
            name = "A"
            timezone = "Mars/Olympus"
            networks = ["300.0.0.0/8", "10.0.0.0/8"]
            language = "fr"
            """)
        #expect(r.status == 1)
        #expect(r.stderr.contains("customers[0].timezone"))
        #expect(r.stderr.contains("customers[0].networks[0]"))
        #expect(r.stderr.contains("customers[0].language"))
        #expect(r.stderr.contains("3 problems"))
    }

    @Test func missingExplicitFileIsAnError() throws {
        let r = try TobanBinary.run(["config", "check", "--config", "/nonexistent/toban.toml"])
        #expect(r.status != 0)
        #expect(r.stderr.contains("cannot be read"))
    }

    @Test func environmentVariableIsUsedWhenNoFlag() throws {
        let scratch = TemporaryDirectory()
        let dir = scratch.url
        let file = dir.appendingPathComponent("env.toml")
        try "[ingest]\ncontext_retention_hours = 0\n".write(to: file, atomically: true, encoding: .utf8)
        let r = try TobanBinary.run(["config", "check"], in: dir, environment: ["TOBAN_CONFIG": file.path])
        #expect(r.status == 1)
        #expect(r.stderr.contains("env.toml: ingest.context_retention_hours: 0 is outside 1…8760"))
    }

    @Test func versionAndHelp() throws {
        #expect(try TobanBinary.run(["--version"]).stdout.hasPrefix("0."))
        let help = try TobanBinary.run(["--help"])
        #expect(help.stdout.contains("config"))
    }
}

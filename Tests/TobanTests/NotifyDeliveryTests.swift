import Crypto
import Foundation
import GRDB
import Testing
import TobanCore
import TobanStore
import TobanTestSupport

/// Customer notifications end to end: the real `toban notify` with msmtp as its sendmail
/// program in front of a real SMTP server (aiosmtpd) on loopback, and webhooks against a
/// local HTTP listener. Confirmations are made through the store, as the console makes
/// them; each `toban notify --once --at T` is one dispatcher pass of a simulated day.
@Suite("Notifications delivered", .serialized)
struct NotifyDeliveryTests {
    static let msmtp = "/usr/bin/msmtp"
    static let servers = TobanBinary.packageRoot.appendingPathComponent("Tests/TobanTests/Servers").path

    static let pythonHasAiosmtpd: Bool = {
        (try? Spawn.run(["/usr/bin/env", "python3", "-c", "import aiosmtpd"]).status) == 0
    }()
    static var smtpAvailable: Bool { FileManager.default.isExecutableFile(atPath: msmtp) && pythonHasAiosmtpd }
    static var pythonAvailable: Bool { (try? Spawn.run(["/usr/bin/env", "python3", "-c", "pass"]).status) == 0 }

    /// One of the test servers, on a free loopback port, stopped when released (and by
    /// itself if this process dies).
    final class Server {
        let pid: pid_t
        let directory: String
        let port: Int

        init(script: String, directory: String, arguments: [String] = []) throws {
            self.directory = directory
            pid = try Spawn.start(["/usr/bin/env", "python3", NotifyDeliveryTests.servers + "/" + script, "--dir", directory,
                                   "--parent", "\(getpid())", "--idle-exit", "120"] + arguments,
                                  errPath: directory + ".stderr")
            var port = 0
            _ = eventually(timeout: 20) {
                port = Int((try? String(contentsOfFile: directory + "/port", encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines) ?? "") ?? 0
                return port > 0
            }
            self.port = port
        }

        deinit {
            kill(pid, SIGTERM)
            Spawn.wait(pid)
        }

        /// Files named `prefix-N.json`, in order.
        func records(_ prefix: String) throws -> [[String: Any]] {
            let names = try FileManager.default.contentsOfDirectory(atPath: directory)
                .filter { $0.hasPrefix(prefix + "-") && $0.hasSuffix(".json") }
                .sorted { Int($0.dropFirst(prefix.count + 1).dropLast(5))! < Int($1.dropFirst(prefix.count + 1).dropLast(5))! }
            return try names.map { name in
                try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: directory + "/" + name))) as? [String: Any])
            }
        }
    }

    /// A received mail: envelope, headers (subject decoded) and body (base64 decoded).
    struct Mail {
        var recipients: [String]
        var headers: [(String, String)]
        var subject: String
        var body: String
        func header(_ name: String) -> String? { headers.first { $0.0.lowercased() == name.lowercased() }?.1 }
    }

    static func mails(_ server: Server) throws -> [Mail] {
        try server.records("msg").map { record in
            let seq = try #require(record["seq"] as? Int)
            let text = try String(contentsOfFile: server.directory + "/msg-\(seq).eml", encoding: .utf8).replacingOccurrences(of: "\r\n", with: "\n")
            let parts = text.components(separatedBy: "\n\n")
            var headers: [(String, String)] = []
            for line in parts[0].components(separatedBy: "\n") {
                if line.hasPrefix(" "), !headers.isEmpty { headers[headers.count - 1].1 += "\n" + line; continue }
                let kv = line.split(separator: ":", maxSplits: 1).map(String.init)
                // A line that is no header is kept as one without a value: the checks below then fail, not crash.
                headers.append((kv.first ?? line, kv.count > 1 ? String(kv[1].dropFirst()) : ""))
            }
            let rawSubject = headers.first { $0.0 == "Subject" }?.1 ?? ""
            let subject = rawSubject.components(separatedBy: "\n ").map { word -> String in
                guard word.hasPrefix("=?UTF-8?B?"), word.hasSuffix("?="), let data = Data(base64Encoded: String(word.dropFirst(10).dropLast(2))) else { return word }
                return String(decoding: data, as: UTF8.self)
            }.joined()
            let body = String(decoding: Data(base64Encoded: parts.dropFirst().joined(separator: "\n\n").replacingOccurrences(of: "\n", with: "")) ?? Data(),
                              as: UTF8.self)
            return Mail(recipients: record["rcpt_tos"] as? [String] ?? [], headers: headers, subject: subject, body: body)
        }
    }

    /// A configuration with customer acme (Tokyo, contacts for P1–P4, the standard policy).
    static func configuration(in dir: TemporaryDirectory, sendmail: String, extra: String = "") throws -> String {
        let path = dir.file("toban.toml")
        try """
            [store]
            path = "\(dir.storePath)"

            [notify]
            sendmail = "\(sendmail)"
            from = "soc@soc.example"
            contact = "SOC 03-0000-0000"
            \(extra)

            [[customers]]
            id = "acme"
            name = "株式会社アクメ"
            timezone = "Asia/Tokyo"
            networks = ["10.0.0.0/8"]
            sensors = ["s1"]
            contacts = [ { name = "山田", email = "security@acme.example", urgencies = ["P1", "P2", "P3", "P4"] } ]
            notify = { P1 = "immediate", P2 = "within:30m", P3 = "digest:00,30", P4 = "next-business-day", P5 = "none" }
            """.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }


    static func jst(_ text: String) -> Date { ISO8601DateFormatter().date(from: text + "+09:00")! }

    /// A detection arriving at `at`, escalated (confirmed) at `confirmedAt`.
    static func confirm(_ store: TobanStore, _ urgency: Urgency, at: Date, confirmedAt: Date, signature: String, endpoint: String, n: Int64,
                        customer: Customer = acme) throws {
        let d = makeDetection(customer: customer.id, sensor: customer.sensors.first ?? "s1", signature: "\(3_000_000 + n)", name: signature,
                              severity: severity(for: urgency), src: endpoint, dst: "203.0.113.\(n % 200)", endpoint: endpoint, at: at, offset: n)
        try store.commit(IngestBatch(detections: [d]), customers: [customer], now: at)
        try store.escalate([try store.latestDetectionID()], comment: "確認済み", actor: "tanaka", at: confirmedAt)
    }

    static func notify(config: String, at: Date) throws -> TobanBinary.Result {
        let iso = ISO8601DateFormatter()
        let r = try TobanBinary.run(["notify", "--once", "--at", iso.string(from: at), "--config", config])
        try #require(r.status == 0, "toban notify: \(r.stderr)")
        return r
    }

    @Test("a simulated day through msmtp and a real SMTP server", .enabled(if: smtpAvailable, "needs msmtp and python3 with aiosmtpd"))
    func simulatedDayOverSMTP() throws {
        let dir = TemporaryDirectory(prefix: "toban-smtp")
        let server = try Server(script: "smtp_sink.py", directory: dir.file("sink"))
        try #require(server.port > 0, "the SMTP server did not start")
        let wrapper = dir.file("sendmail")
        try "#!/bin/sh\nexec \(Self.msmtp) --host=127.0.0.1 --port=\(server.port) \"$@\"\n".write(toFile: wrapper, atomically: true, encoding: .utf8)
        chmod(wrapper, 0o755)
        let config = try Self.configuration(in: dir, sendmail: wrapper)
        let store = try TobanStore(path: dir.storePath)
        let jst = Self.jst
        // Friday 2027-01-08. A P1 whose signature carries CR/LF + Bcc: and terminal escapes.
        let hostile = "ET TROJAN Beacon\r\nBcc: attacker@evil.example\r\n\u{1B}]0;owned\u{07}\u{1B}[2J"
        try Self.confirm(store, .p1, at: jst("2027-01-08T10:00:00"), confirmedAt: jst("2027-01-08T10:02:00"), signature: hostile, endpoint: "10.0.0.10", n: 1)
        try Self.confirm(store, .p3, at: jst("2027-01-08T10:05:00"), confirmedAt: jst("2027-01-08T10:07:00"), signature: "ET SCAN probe", endpoint: "10.0.0.30", n: 2)
        try Self.confirm(store, .p4, at: jst("2027-01-08T15:00:00"), confirmedAt: jst("2027-01-08T15:05:00"), signature: "ET POLICY low", endpoint: "10.0.0.40", n: 3)
        try store.close()

        _ = try Self.notify(config: config, at: jst("2027-01-08T10:02:05"))
        var mails = try Self.mails(server)
        try #require(mails.count == 1)
        #expect(mails[0].subject.hasPrefix("★★★【緊急】"))
        #expect(mails[0].recipients == ["security@acme.example"])
        #expect(mails[0].header("Bcc") == nil && !mails[0].headers.contains { $0.0.lowercased().hasPrefix("x-") })
        #expect(!mails[0].subject.unicodeScalars.contains { $0.value < 0x20 })
        #expect(mails[0].body.contains("␛[2J") && !mails[0].body.unicodeScalars.contains { $0.value == 0x1B })
        #expect(mails[0].header("Auto-Submitted") == "auto-generated")
        #expect(mails[0].header("Date") == "Fri, 8 Jan 2027 10:02:05 +0900")
        let firstID = try #require(mails[0].header("Message-ID"))

        // The P3 waits for the 10:30 digest; nothing goes at 11:00 (nothing to say).
        for t in ["2027-01-08T10:10:00", "2027-01-08T10:29:00"] { _ = try Self.notify(config: config, at: jst(t)) }
        #expect(try Self.mails(server).count == 1)
        _ = try Self.notify(config: config, at: jst("2027-01-08T10:30:00"))
        _ = try Self.notify(config: config, at: jst("2027-01-08T11:00:00"))
        mails = try Self.mails(server)
        try #require(mails.count == 2)
        #expect(mails[1].subject.contains("定時報告"))

        // The P4: not Saturday, not Monday 成人の日, Tuesday 09:00.
        for t in ["2027-01-09T09:00:00", "2027-01-11T09:00:00"] { _ = try Self.notify(config: config, at: jst(t)) }
        #expect(try Self.mails(server).count == 2)
        _ = try Self.notify(config: config, at: jst("2027-01-12T09:00:00"))
        mails = try Self.mails(server)
        try #require(mails.count == 3)
        #expect(mails[2].subject.contains("日次報告"))
        #expect(mails[2].header("Date") == "Tue, 12 Jan 2027 09:00:00 +0900")
        // Nothing twice, no recipient but the contact, one Message-ID each.
        #expect(Set(mails.compactMap { $0.header("Message-ID") }).count == 3)
        #expect(mails.allSatisfy { $0.recipients == ["security@acme.example"] })
        #expect(mails[0].header("Message-ID") == firstID)
        let outbox = try TobanBinary.run(["outbox", "--json", "--config", config])
        #expect(outbox.status == 0)
        #expect(outbox.lines.count == 3, "\(outbox.stdout)")
    }

    @Test("webhooks: signed, retried with one id, 4xx dead", .enabled(if: pythonAvailable, "needs python3"))
    func webhooks() throws {
        let dir = TemporaryDirectory(prefix: "toban-hook")
        let flaky = try Server(script: "webhook_sink.py", directory: dir.file("flaky"), arguments: ["--script", "500,200"])
        let refusing = try Server(script: "webhook_sink.py", directory: dir.file("refusing"), arguments: ["--script", "400"])
        try #require(flaky.port > 0 && refusing.port > 0)
        let secret = "whsec_" + Data("a secret of the SOC".utf8).base64EncodedString()
        let config = try Self.configuration(in: dir, sendmail: "/bin/true", extra: """
            webhooks = [
              { name = "siem", url = "http://127.0.0.1:\(flaky.port)/hook", kind = "standard", secret = "\(secret)", urgencies = ["P1"] },
              { name = "chat", url = "http://127.0.0.1:\(refusing.port)/slack", kind = "slack", urgencies = ["P1"] },
            ]
            """)
        let store = try TobanStore(path: dir.storePath)
        let at = Self.jst("2027-01-08T10:00:00")
        try Self.confirm(store, .p1, at: at, confirmedAt: at + 60, signature: "ET TROJAN Beacon", endpoint: "10.0.0.10", n: 1)
        _ = try Self.notify(config: config, at: at + 61)
        _ = try Self.notify(config: config, at: at + 61 + 31) // after the 30 s backoff
        let requests = try flaky.records("req")
        try #require(requests.count == 2)
        #expect(requests.map { $0["status"] as? Int } == [500, 200])
        let ids = requests.compactMap { ($0["headers"] as? [String: String])?["webhook-id"] }
        #expect(ids.count == 2 && ids[0] == ids[1])
        for request in requests {
            let headers = try #require(request["headers"] as? [String: String])
            let encoded = try #require(request["body_base64"] as? String)
            let body = try #require(Data(base64Encoded: encoded))
            let id = try #require(headers["webhook-id"])
            let timestamp = try #require(headers["webhook-timestamp"])
            var signed = Data("\(id).\(timestamp).".utf8)
            signed.append(body)
            let key = SymmetricKey(data: Data("a secret of the SOC".utf8))
            let expected = "v1," + Data(HMAC<SHA256>.authenticationCode(for: signed, using: key)).base64EncodedString()
            #expect(headers["webhook-signature"] == expected)
            let json = try #require(try JSONSerialization.jsonObject(with: body) as? [String: Any])
            #expect((json["type"] as? String)?.hasPrefix("toban.notification") == true)
        }
        #expect(try refusing.records("req").count == 1)
        let listed = try TobanBinary.run(["outbox", "--json", "--config", config]).lines
        let states = listed.compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
            .reduce(into: [String: String]()) { $0[$1["target"] as? String ?? ""] = $1["state"] as? String }
        #expect(states["webhook:soc/siem"] == "sent")
        #expect(states["webhook:soc/chat"] == "dead")
        // The mail (through /bin/true) went too.
        #expect(states["mail"] == "sent")
    }
}

extension NotifyDeliveryTests {
    /// The daemon is SIGKILLed 20 times at random moments while it sends through a slowed
    /// mail program. Every notification is delivered; a repeat carries the same Message-ID;
    /// repeats never outnumber the kills that fell inside an attempt.
    @Test("kill -9 while sending loses nothing and repeats at most once per kill", .enabled(if: smtpAvailable, "needs msmtp and python3 with aiosmtpd"))
    func killNineWhileSending() throws {
        let dir = TemporaryDirectory(prefix: "toban-notify-kill")
        let server = try Server(script: "smtp_sink.py", directory: dir.file("sink"))
        try #require(server.port > 0)
        let wrapper = dir.file("sendmail")
        try "#!/bin/sh\nsleep 0.05\nexec \(Self.msmtp) --host=127.0.0.1 --port=\(server.port) \"$@\"\n".write(toFile: wrapper, atomically: true, encoding: .utf8)
        chmod(wrapper, 0o755)
        // 24 customers, one P1 each: 24 messages (one customer's would be grouped).
        let customers = (0..<24).map { i in
            Customer(id: "c\(i)", displayName: "Customer \(i)", networks: [try! CIDR(parsing: "10.\(i).0.0/16")], sensors: ["s\(i)"],
                     contacts: [Contact(name: "desk", email: "desk@c\(i).example")])
        }
        let customerTOML = customers.enumerated().map { i, c in
            """
            [[customers]]
            id = "\(c.id)"
            name = "\(c.displayName)"
            networks = ["10.\(i).0.0/16"]
            sensors = ["s\(i)"]
            contacts = [ { name = "desk", email = "desk@c\(i).example" } ]
            """
        }.joined(separator: "\n\n")
        let config = dir.file("toban.toml")
        try """
            [store]
            path = "\(dir.storePath)"

            [notify]
            sendmail = "\(wrapper)"
            from = "soc@soc.example"
            lease_seconds = 1

            \(customerTOML)
            """.write(toFile: config, atomically: true, encoding: .utf8)
        let store = try TobanStore(path: dir.storePath)
        let now = Date()
        for (i, c) in customers.enumerated() {
            try Self.confirm(store, .p1, at: now.addingTimeInterval(-30), confirmedAt: now.addingTimeInterval(-20), signature: "ET TROJAN Beacon",
                             endpoint: "10.\(i).0.5", n: Int64(i + 1), customer: c)
        }
        // The daemons' own temporary directory: a kill must not leave a message behind in it.
        let scratch = dir.file("tmp")
        try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
        let environment = ["TMPDIR": scratch]
        var generator = SystemRandomNumberGenerator()
        var kills = 0
        // A kill that fell inside an attempt leaves a notification `sending` under the dead
        // daemon's lease (read before the next daemon may take it over).
        var killsInsideAnAttempt = 0
        let reader = try DatabaseQueue(path: dir.storePath)
        for _ in 0..<20 {
            let pid = try TobanBinary.start(["notify", "--config", config], environment: environment)
            usleep(UInt32.random(in: 50_000...400_000, using: &generator)) // the kill falls at a random moment: the point of the test
            kill(pid, SIGKILL)
            if Spawn.wait(pid) == 128 + SIGKILL { kills += 1 }
            let inFlight = try reader.read { db in
                try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM notifications WHERE state = 'sending' AND lease_owner LIKE ?",
                                 arguments: ["%:\(pid)"]) ?? 0
            }
            if inFlight > 0 { killsInsideAnAttempt += 1 }
        }
        try reader.close()
        // Whatever is left: taken over once the killed attempts' leases run out.
        let done = try eventually(timeout: 60, every: 0.2) {
            _ = try TobanBinary.run(["notify", "--once", "--at", ISO8601DateFormatter().string(from: Date().addingTimeInterval(5)), "--config", config], environment: environment)
            return try store.notifications(NotificationFilter(), limit: 1000).allSatisfy { $0.state == .sent }
        }
        #expect(done, "not everything was delivered")
        let notifications = try store.notifications(NotificationFilter(), limit: 1000)
        #expect(notifications.count == 24)
        let mails = try Self.mails(server)
        // No kill ever made the mail program send a cut message.
        #expect(mails.allSatisfy { $0.header("Message-ID") != nil && $0.header("Content-Transfer-Encoding") == "base64" && $0.body.contains("SOC") },
                "a truncated message arrived")
        let ids = mails.compactMap { $0.header("Message-ID") }
        #expect(Set(ids) == Set(notifications.map(\.messageID)), "every notification arrived, under its own Message-ID")
        let repeats = ids.count - Set(ids).count
        #expect(repeats <= killsInsideAnAttempt, "\(repeats) repeats for \(killsInsideAnAttempt) kills inside an attempt")
        let leftBehind = try FileManager.default.contentsOfDirectory(atPath: scratch)
        #expect(leftBehind.isEmpty, "killed daemons left \(leftBehind.count) files in their temporary directory: \(leftBehind.prefix(3))")
        print("kill -9 while sending: \(kills) kills (\(killsInsideAnAttempt) inside an attempt), \(mails.count) mails for "
              + "\(notifications.count) notifications (\(repeats) repeats)")
    }
}

extension NotifyDeliveryTests {
    /// A mail program that keeps each message it is given (a real program following the
    /// sendmail contract: recipients as arguments, the message on standard input, exit 0).
    static func recordingSendmail(in dir: TemporaryDirectory) throws -> String {
        let path = dir.file("sendmail")
        try """
            #!/bin/sh
            n=$(ls '\(dir.file("out"))' 2>/dev/null | wc -l)
            mkdir -p '\(dir.file("out"))'
            cat > '\(dir.file("out"))'/mail-$n.eml
            echo "$@" > '\(dir.file("out"))'/args-$n.txt
            """.write(toFile: path, atomically: true, encoding: .utf8)
        chmod(path, 0o755)
        return path
    }

    /// The daemon notices a confirmation made while it sleeps, delivers it, and stops
    /// cleanly on SIGTERM.
    @Test func theDaemonDeliversWhatIsConfirmedWhileItRunsAndStopsOnSIGTERM() throws {
        let dir = TemporaryDirectory(prefix: "toban-daemon")
        let config = try Self.configuration(in: dir, sendmail: try Self.recordingSendmail(in: dir))
        let store = try TobanStore(path: dir.storePath)
        try store.saveCustomers([acme], at: Date())
        let stderr = dir.file("notify.stderr")
        let pid = try TobanBinary.start(["notify", "--config", config], stderrPath: stderr)
        #expect(eventually { (try? String(contentsOfFile: stderr, encoding: .utf8))?.contains("delivering") == true })
        let now = Date()
        try Self.confirm(store, .p1, at: now.addingTimeInterval(-5), confirmedAt: now, signature: "ET TROJAN Beacon", endpoint: "10.0.0.10", n: 1)
        let delivered = try eventually(timeout: 10) { try store.notifications().first?.state == .sent }
        #expect(delivered, "the daemon did not deliver a confirmation made while it ran")
        let args = try String(contentsOfFile: dir.file("out/args-0.txt"), encoding: .utf8)
        #expect(args == "-i -f soc@soc.example -- security@acme.example\n")
        kill(pid, SIGTERM)
        #expect(Spawn.wait(pid) == 0)
        #expect(try String(contentsOfFile: stderr, encoding: .utf8).contains("toban notify: stopped"))
    }

    /// The SLA report counts, times, and names every deadline missed with its reason.
    @Test func theSLAReportNamesEveryMissedDeadline() throws {
        let dir = TemporaryDirectory(prefix: "toban-sla")
        let config = try Self.configuration(in: dir, sendmail: try Self.recordingSendmail(in: dir))
        let store = try TobanStore(path: dir.storePath)
        let jst = Self.jst
        // Confirmed at once and sent at once; confirmed late (sent 20 min after arrival: late);
        // never confirmed; and a P3 whose digest an analyst holds past its slot.
        try Self.confirm(store, .p1, at: jst("2027-01-08T10:00:00"), confirmedAt: jst("2027-01-08T10:01:00"), signature: "A", endpoint: "10.0.0.1", n: 1)
        _ = try Self.notify(config: config, at: jst("2027-01-08T10:01:00"))
        try Self.confirm(store, .p1, at: jst("2027-01-08T11:00:00"), confirmedAt: jst("2027-01-08T11:20:00"), signature: "B", endpoint: "10.0.0.2", n: 2)
        _ = try Self.notify(config: config, at: jst("2027-01-08T11:20:00"))
        let unconfirmed = makeDetection(customer: "acme", sensor: "s1", signature: "3000009", name: "C", severity: .critical,
                                        src: "10.0.0.3", endpoint: "10.0.0.3", at: jst("2027-01-08T12:00:00"), offset: 9)
        try store.commit(IngestBatch(detections: [unconfirmed]), customers: [acme], now: jst("2027-01-08T12:00:00"))
        try Self.confirm(store, .p3, at: jst("2027-01-08T12:05:00"), confirmedAt: jst("2027-01-08T12:10:00"), signature: "D", endpoint: "10.0.0.4", n: 4)
        _ = try Self.notify(config: config, at: jst("2027-01-08T12:10:00"))
        let digest = try #require(try store.notifications(NotificationFilter(states: [.approved])).first)
        try store.holdNotification(digest.id, reason: "customer maintenance", actor: "tanaka", at: jst("2027-01-08T12:11:00"))
        let r = try TobanBinary.run(["report", "sla", "--from", "2027-01-08T00:00:00+09:00", "--to", "2027-01-09T00:00:00+09:00",
                                     "--at", "2027-01-09T00:00:00+09:00", "--json", "--config", config])
        try #require(r.status == 0, "\(r.stderr)")
        let rows = try r.lines.map { try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]) }
        let p1 = try #require(rows.first { $0["urgency"] as? String == "P1" })
        #expect(p1["count"] as? Int == 2)
        #expect(p1["to_confirmation_worst_s"] as? Int == 1200)
        #expect(p1["to_delivery_worst_s"] as? Int == 0)
        let p1Reasons = ((p1["missed"] as? [[String: Any]]) ?? []).compactMap { $0["reason"] as? String }.sorted()
        #expect(p1Reasons == ["late", "unconfirmed"])
        let p3 = try #require(rows.first { $0["urgency"] as? String == "P3" })
        #expect(((p3["missed"] as? [[String: Any]]) ?? []).compactMap { $0["reason"] as? String } == ["held"])
        let table = try TobanBinary.run(["report", "sla", "--from", "2027-01-08T00:00:00+09:00", "--to", "2027-01-09T00:00:00+09:00",
                                         "--at", "2027-01-09T00:00:00+09:00", "--config", config])
        #expect(table.stdout.contains("acme") && table.stdout.contains("1 late, 1 unconfirmed"))
    }
}

extension NotifyDeliveryTests {
    /// PagerDuty: one event per incident, triggered when the customer is told and resolved
    /// (same dedup_key) when the incident closes.
    @Test("PagerDuty trigger and resolve", .enabled(if: pythonAvailable, "needs python3"))
    func pagerDutyTriggerAndResolve() throws {
        let dir = TemporaryDirectory(prefix: "toban-pd")
        let pd = try Server(script: "webhook_sink.py", directory: dir.file("pd"), arguments: ["--script", "202"])
        try #require(pd.port > 0)
        let config = try Self.configuration(in: dir, sendmail: try Self.recordingSendmail(in: dir), extra: """
            webhooks = [ { name = "pd", url = "http://127.0.0.1:\(pd.port)/v2/enqueue", kind = "pagerduty", routing_key = "R0UTING", urgencies = ["P1"] } ]
            """)
        let store = try TobanStore(path: dir.storePath)
        let at = Self.jst("2027-01-08T10:00:00")
        try Self.confirm(store, .p1, at: at, confirmedAt: at + 10, signature: "ET TROJAN Beacon", endpoint: "10.0.0.10", n: 1)
        _ = try Self.notify(config: config, at: at + 11)
        let incident = try #require(try store.incidents().first)
        try store.transitionIncident(id: incident.id, to: .investigating, actor: "tanaka", at: at + 100)
        try store.transitionIncident(id: incident.id, to: .closed, outcome: .truePositive, actor: "tanaka", at: at + 200)
        _ = try Self.notify(config: config, at: at + 201)
        let events = try pd.records("req").map { record -> [String: Any] in
            let encoded = try #require(record["body_base64"] as? String)
            let body = try #require(Data(base64Encoded: encoded))
            return try #require(try JSONSerialization.jsonObject(with: body) as? [String: Any])
        }
        try #require(events.count == 2)
        #expect(events.map { $0["event_action"] as? String } == ["trigger", "resolve"])
        #expect(events[0]["dedup_key"] as? String == events[1]["dedup_key"] as? String)
        #expect(events[0]["routing_key"] as? String == "R0UTING")
        #expect((events[0]["payload"] as? [String: Any])?["severity"] as? String == "critical")
        // The mail went once; the close told the customer's mailbox nothing more.
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.file("out")).filter { $0.hasPrefix("mail-") }.count == 1)
    }
}

import Foundation
import Testing
import TobanCore
import TobanStore
import TobanTestSupport

/// Escalation end to end, as an analyst on a night shift does it: over ssh, in tmux, with
/// the real `toban notify` delivering through msmtp to a loopback SMTP server, and the
/// dispatcher's passes made at simulated minutes (`--at`).
extension ConsoleTmuxTests {
    static var escalationAvailable: Bool { sshAvailable && NotifyDeliveryTests.smtpAvailable }

    @Test("over ssh: a P1 confirmed, drafted, sent now with ★★★; an unacknowledged page reaches the shift lead; two incidents merge",
          .enabled(if: Self.escalationAvailable, "needs tmux, openssh-server, root, msmtp and python3 with aiosmtpd"))
    func escalationOverSSH() throws {
        let scratch = TemporaryDirectory(prefix: "toban-escalation")
        let dir = scratch.url
        let server = try NotifyDeliveryTests.Server(script: "smtp_sink.py", directory: scratch.file("sink"))
        try #require(server.port > 0, "the SMTP server did not start")
        let wrapper = scratch.file("sendmail")
        try "#!/bin/sh\nexec \(NotifyDeliveryTests.msmtp) --host=127.0.0.1 --port=\(server.port) \"$@\"\n"
            .write(toFile: wrapper, atomically: true, encoding: .utf8)
        chmod(wrapper, 0o755)
        let config = try NotifyDeliveryTests.configuration(in: scratch, sendmail: wrapper, extra: """

            [[analysts]]
            login = "suzuki"
            name = "鈴木"
            email = "suzuki@soc.example"

            [[analysts]]
            login = "tanaka"
            name = "田中"
            role = "lead"
            email = "tanaka@soc.example"

            [oncall]
            levels = ["analyst", "shift_lead"]
            acknowledge_minutes = 15
            deadline_lead_minutes = 5

            [[oncall.layers]]
            name = "analyst"
            participants = ["suzuki"]

            [[oncall.layers]]
            name = "shift_lead"
            participants = ["tanaka"]
            """)

        // Two P1s arrive now; two P2s were escalated into two incidents earlier.
        let t0 = Date(timeIntervalSince1970: Date().timeIntervalSince1970.rounded(.down))
        let store = try TobanStore(path: scratch.storePath)
        try store.saveCustomers([acme], at: t0)
        let p1s = [makeDetection(signature: "2030001", name: "ET MALWARE Cobalt Strike Beacon", severity: .critical, src: "10.0.0.5",
                                 endpoint: "10.0.0.5", at: t0, offset: 1),
                   makeDetection(signature: "2030002", name: "ET EXPLOIT Log4j RCE attempt", severity: .critical, src: "10.0.0.6",
                                 endpoint: "10.0.0.6", at: t0, offset: 2)]
        let p2s = [makeDetection(signature: "2020001", name: "ET POLICY PE download", severity: .high, src: "10.0.0.7", endpoint: "10.0.0.7",
                                 at: t0.addingTimeInterval(-3600), offset: 3),
                   makeDetection(signature: "2020002", name: "ET POLICY PE download 2", severity: .high, src: "10.0.0.8", endpoint: "10.0.0.8",
                                 at: t0.addingTimeInterval(-3500), offset: 4)]
        try store.commit(IngestBatch(detections: p2s), customers: [acme], now: t0.addingTimeInterval(-3500))
        for d in try store.detections(DetectionFilter(urgencies: .p2 ... .p2), limit: 10) {
            try store.escalate([d.id], comment: "exe download", actor: "sato", at: t0.addingTimeInterval(-3400))
        }
        try store.commit(IngestBatch(detections: p1s), customers: [acme], now: t0)
        try #require(try store.awaitingConfirmation().count == 2)
        try store.close()

        let (daemon, port) = try Self.startSSHD(in: dir)
        defer { kill(daemon, SIGTERM); Spawn.wait(daemon) }
        let tmux = ConsoleTmuxTests.Tmux(path: try #require(ConsoleTmuxTests.tmuxPath))
        defer { tmux.kill() }
        let remote = "cd '\(TobanBinary.packageRoot.path)' && LANG=C.UTF-8 LC_ALL=C.UTF-8 '\(TobanBinary.url.path)' --config '\(config)'"
        try tmux.run(["new-session", "-d", "-s", "console", "-x", "140", "-y", "32", Self.sshCommand(dir: dir, port: port, remote: remote)])
        _ = try tmux.wait("the queue over ssh", timeout: 20) { $0.contains("★★★") && $0.contains("Cobalt Strike") && $0.contains("2 to confirm") }

        // Confirm the top P1 to the customer: a message is drafted in the outbox.
        try tmux.keys("C")
        _ = try tmux.wait("the note prompt") { $0.contains("Note to the customer") }
        try tmux.keys("-l", "please isolate the host")
        try tmux.keys("Enter")
        _ = try tmux.wait("the confirmation") { $0.contains("confirmed to the customer") }
        try tmux.keys("O")
        _ = try tmux.wait("the draft in the outbox") { $0.contains("security@acme.example") && $0.contains("approved") }
        try tmux.keys("S")
        _ = try tmux.wait("send now") { $0.contains("next pass") }
        // `--at` is read to the second: a second on, so what the console just made due is due.
        let pass = try NotifyDeliveryTests.notify(config: config, at: Date().addingTimeInterval(1))
        var mails = try NotifyDeliveryTests.mails(server)
        let screen = (try? tmux.capture()) ?? ""
        try #require(mails.count == 1, "the confirmed P1 was not delivered: \(pass.stdout) \(pass.stderr)\n\(screen)")
        #expect(mails[0].subject.hasPrefix("★★★"))
        #expect(mails[0].recipients == ["security@acme.example"])
        #expect(mails[0].body.contains("please isolate the host"))

        // The other P1 stays unconfirmed: its deadline is t0 + 15 min, so the analyst on
        // duty is paged at t0 + 10 min and, unacknowledged, the shift lead at t0 + 25 min.
        func pagesTo(_ address: String) throws -> Int {
            try NotifyDeliveryTests.mails(server).filter { $0.recipients == [address] && $0.subject.hasPrefix("[Toban page]") }.count
        }
        _ = try NotifyDeliveryTests.notify(config: config, at: t0.addingTimeInterval(9 * 60 + 59))
        #expect(try pagesTo("suzuki@soc.example") == 0)
        _ = try NotifyDeliveryTests.notify(config: config, at: t0.addingTimeInterval(10 * 60))
        #expect(try pagesTo("suzuki@soc.example") == 1)
        _ = try tmux.wait("the page banner") { $0.contains("PAGE suzuki (analyst)") }
        _ = try NotifyDeliveryTests.notify(config: config, at: t0.addingTimeInterval(24 * 60 + 59))
        #expect(try pagesTo("tanaka@soc.example") == 0)
        _ = try NotifyDeliveryTests.notify(config: config, at: t0.addingTimeInterval(25 * 60))
        #expect(try pagesTo("tanaka@soc.example") == 1, "the shift lead was not paged at t0 + 25 min")
        _ = try tmux.wait("the shift lead's page") { $0.contains("PAGE tanaka (shift_lead)") }
        try tmux.keys("!")
        _ = try tmux.wait("the acknowledgement") { $0.contains("page acknowledged") }
        mails = try NotifyDeliveryTests.mails(server)
        #expect(mails.count == 3)

        // Two incidents of the customer merge: one closes as a duplicate.
        try tmux.keys("I")
        _ = try tmux.wait("the incident list") { $0.contains("Incidents by urgency") && $0.components(separatedBy: "INC-").count >= 3 }
        try tmux.keys("j", "M")
        _ = try tmux.wait("the merge picker") { $0.contains("Merge into") }
        try tmux.keys("Enter")
        _ = try tmux.wait("the merge") { $0.contains("merged into") }
        let reader = try TobanStore(path: scratch.storePath)
        defer { _ = try? reader.close() } // cleanup
        let merged = try reader.incidentWorklist({ var f = IncidentWorklistFilter(); f.includeClosed = true; return f }())
            .map(\.incident).filter { $0.outcome == .duplicate }
        #expect(merged.count == 1 && merged.first?.mergedInto != nil)
        #expect(try reader.openPages().isEmpty)
        try tmux.keys("Q")
    }
}

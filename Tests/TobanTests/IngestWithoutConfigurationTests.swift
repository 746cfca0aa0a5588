import Foundation
import Testing
import TobanTestSupport

/// `toban ingest FILE…` without a configuration: nothing invents customers from sensor or
/// file names, and `--customer` is honoured for every event of the run or refused.
@Suite struct IngestWithoutConfigurationTests {
    static let eve = #"{"timestamp":"2026-11-20T21:00:00.000000+0900","event_type":"alert","host":"sensor-acme-0","src_ip":"10.0.0.5","src_port":1,"dest_ip":"203.0.113.9","dest_port":80,"proto":"TCP","alert":{"signature_id":1,"signature":"ET TEST one","category":"x","severity":1}}"#
    /// Zeek's notice log names no sensor: the file name is all there is.
    static let notice = #"{"ts":1763640000.5,"uid":"C2","id.orig_h":"10.0.0.6","id.orig_p":1,"id.resp_h":"203.0.113.10","id.resp_p":80,"note":"Scan::Port_Scan","msg":"scan"}"#

    static func logs(in scratch: TemporaryDirectory) throws -> [String] {
        let eve = scratch.file("eve.json"), notice = scratch.file("notice.log")
        try (Self.eve + "\n").write(toFile: eve, atomically: true, encoding: .utf8)
        try (Self.notice + "\n").write(toFile: notice, atomically: true, encoding: .utf8)
        return [eve, notice]
    }

    static func customers(store: String, in scratch: TemporaryDirectory) throws -> [String] {
        let r = try TobanBinary.run(["query", "detections", "--store", store, "--json"], in: scratch.url)
        #expect(r.status == 0, "\(r.stderr)")
        return try r.lines.map { line in
            let row = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            return try #require(row["customer"] as? String)
        }
    }

    @Test func unknownSensorsAndFileNamesAreUnassigned() throws {
        let scratch = TemporaryDirectory()
        let r = try TobanBinary.run(["ingest", "--once", "--store", scratch.storePath] + Self.logs(in: scratch), in: scratch.url)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("2 unassigned"), "\(r.stdout)")
        #expect(try Self.customers(store: scratch.storePath, in: scratch) == ["unassigned", "unassigned"])
    }

    @Test func customerOptionOwnsEveryEventOfTheRun() throws {
        let scratch = TemporaryDirectory()
        let r = try TobanBinary.run(["ingest", "--once", "--customer", "acme", "--store", scratch.storePath] + Self.logs(in: scratch),
                                    in: scratch.url)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("0 unassigned"), "\(r.stdout)")
        #expect(try Self.customers(store: scratch.storePath, in: scratch) == ["acme", "acme"])
    }

    @Test func customerOptionThatCannotBeHonouredIsRefused() throws {
        let scratch = TemporaryDirectory()
        let files = try Self.logs(in: scratch)
        let bad = try TobanBinary.run(["ingest", "--once", "--customer", "acme corp\u{1b}[2J", "--store", scratch.storePath] + files,
                                      in: scratch.url)
        #expect(bad.status != 0)
        #expect(bad.stderr.contains("--customer: 'acme corp␛[2J' must be non-empty letters, digits, '-' or '_'"), "\(bad.stderr)")
        #expect(!bad.stderr.contains("\u{1b}"))

        // With a configuration the id must be one of its customers; without files there is
        // nothing for it to apply to. Neither is ignored.
        let config = scratch.file("toban.toml")
        try "[[customers]]\nid = \"beta\"\nname = \"Beta\"\n".write(toFile: config, atomically: true, encoding: .utf8)
        let unknown = try TobanBinary.run(["ingest", "--once", "--config", config, "--customer", "acme", "--store", scratch.storePath] + files,
                                          in: scratch.url)
        #expect(unknown.status != 0)
        #expect(unknown.stderr.contains("no customer with id 'acme' in the configuration"), "\(unknown.stderr)")
        let noFiles = try TobanBinary.run(["ingest", "--once", "--config", config, "--customer", "beta", "--store", scratch.storePath],
                                          in: scratch.url)
        #expect(noFiles.status != 0)
        #expect(noFiles.stderr.contains("--customer applies to the FILE arguments"), "\(noFiles.stderr)")
        #expect(!FileManager.default.fileExists(atPath: scratch.storePath), "a refused run must not touch the store")
    }
}

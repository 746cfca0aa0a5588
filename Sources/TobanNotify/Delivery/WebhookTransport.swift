import Crypto
import Foundation
import TobanCore

/// Webhooks: a generic JSON body signed as Standard Webhooks specify, Slack's incoming
/// webhook shape, or PagerDuty Events v2. 2xx is delivered; 429 (honouring Retry-After),
/// 5xx and network errors are retried; any other status is permanent.
///
/// Posted by curl(1), as mail goes through the sendmail program: HTTP and TLS (libcurl with
/// OpenSSL, GnuTLS, Kerberos, LDAP…) are then loaded by the process that posts, and by no
/// other Toban process. Through URLSession they were linked into the one binary, and every
/// `toban ingest` carried about 6 MB of them in its resident memory without ever posting.
/// The request goes to curl as a configuration on its standard input (`-K -`), never on
/// the command line, where any local user could read it: a Slack URL is its secret.
public struct WebhookTransport: NotificationTransport {
    /// Channels by target (`webhook:<owner>/<name>`).
    public let channels: [String: WebhookChannel]
    public let customers: [String: Customer]
    public let timeout: TimeInterval
    /// The curl program (found on PATH unless a path is given).
    public let program: String

    public init(channels: [String: WebhookChannel], customers: [Customer], timeout: TimeInterval = 15, program: String = "curl") {
        self.channels = channels
        self.customers = Dictionary(customers.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        self.timeout = timeout
        self.program = program
    }

    /// One POST as curl is told to make it.
    struct Request {
        var url: String
        var headers: [(name: String, value: String)]
        var body: Data
    }

    public func deliver(_ n: CustomerNotification, items: [NotificationItem], at now: Date) -> DeliveryResult {
        guard let channel = channels[n.target] else {
            return .permanent("no webhook \(n.target) in the configuration")
        }
        // The configuration's own check; its reason quotes the URL, which is left out here.
        guard WebhookURL.problem(channel.url) == nil else {
            return .permanent("\(channel.name): not a usable http(s) URL")
        }
        let request: Request
        do { request = try Self.request(n, items: items, channel: channel, at: now) } catch {
            return .permanent("not sent: \(error)")
        }
        // curl's own limit ends the request; ours (a little later) ends a curl that hangs.
        let run = ProgramRun.run([program, "-q", "-K", "-"], input: Self.configuration(request, timeout: timeout),
                                 timeout: timeout + 5, keepOutput: 300)
        switch run {
        case .failedToStart(let reason):
            return .temporary("\(channel.name): cannot run \(program): \(reason)", retryAfter: nil)
        case .timedOut:
            return .temporary("\(channel.name): no answer within \(Int(timeout)) s", retryAfter: nil)
        case .exited(let status, let stderr, let stdout):
            let (curlSaid, answer) = Self.split(stderr)
            guard status == 0, let answer else {
                return .temporary("\(channel.name): \(program) exit \(status)" + ProgramRun.remark(curlSaid), retryAfter: nil)
            }
            let text = "HTTP \(answer.status)" + ProgramRun.remark(String(decoding: stdout.prefix(300), as: UTF8.self))
            switch answer.status {
            case 200..<300: return .delivered(text)
            case 429, 500..<600: return .temporary(text, retryAfter: answer.retryAfter)
            default: return .permanent(text)
            }
        }
    }

    /// The request for `channel`'s kind, signed where it is a Standard Webhook.
    static func request(_ n: CustomerNotification, items: [NotificationItem], channel: WebhookChannel, at now: Date) throws -> Request {
        var headers: [(name: String, value: String)] = [("Content-Type", "application/json"), ("User-Agent", "toban")]
        let body: Data
        switch channel.kind {
        case .standard:
            body = try JSONSerialization.data(withJSONObject: standardPayload(n, items: items, at: now), options: [.sortedKeys])
            let id = webhookID(n)
            let timestamp = String(Int64(now.timeIntervalSince1970.rounded(.down)))
            headers += [("webhook-id", id), ("webhook-timestamp", timestamp),
                        ("webhook-signature", StandardWebhookSignature.sign(id: id, timestamp: timestamp, body: body, secret: channel.secret ?? ""))]
        case .slack:
            body = try JSONSerialization.data(withJSONObject: ["text": n.subject + "\n" + n.body], options: [.sortedKeys])
        case .pagerduty:
            body = try JSONSerialization.data(withJSONObject: pagerDutyPayload(n, items: items, routingKey: channel.routingKey ?? "", at: now),
                                              options: [.sortedKeys])
        }
        return Request(url: channel.url, headers: headers, body: body)
    }

    /// Marks the line curl writes after the exchange, on its standard error.
    static let answerMark = "toban-http-answer:"

    /// curl's configuration for `request` (curl(1), "-K"): one option per line, values
    /// quoted with `\\` and `\"` escaped and line breaks written as `\n`/`\r`, so no value
    /// can end its line and start an option. The body goes as `data-raw`, which reads no
    /// file whatever it starts with. No redirect is followed: a webhook that moved is a
    /// configuration to fix, shown as its 3xx. `Expect:` is sent empty, so a large body goes
    /// at once rather than after a 100 Continue.
    static func configuration(_ request: Request, timeout: TimeInterval) -> [UInt8] {
        func quoted(_ value: String) -> String {
            var out = "\""
            for scalar in value.unicodeScalars {
                switch scalar {
                case "\\": out += "\\\\"
                case "\"": out += "\\\""
                case "\n": out += "\\n"
                case "\r": out += "\\r"
                case "\t": out += "\\t"
                case "\u{0B}": out += "\\v"
                default: out.unicodeScalars.append(scalar)
                }
            }
            return out + "\""
        }
        var lines = ["url = \(quoted(request.url))", "request = \"POST\"", "silent", "show-error",
                     "max-time = \(max(1, Int(timeout.rounded(.up))))", "proto = \"=http,https\"", "header = \"Expect:\""]
        lines += request.headers.map { "header = \(quoted("\($0.name): \($0.value)"))" }
        lines.append("data-raw = \(quoted(String(decoding: request.body, as: UTF8.self)))")
        lines.append("write-out = \(quoted("%{stderr}\n\(answerMark) %{http_code} %header{retry-after}\n"))")
        return Array((lines.joined(separator: "\n") + "\n").utf8)
    }

    /// curl's standard error split at the answer line: what curl said before it, and the
    /// status (and Retry-After, in seconds) the line reports; no answer when curl wrote no
    /// line (no exchange took place).
    static func split(_ stderr: String) -> (said: Substring, answer: (status: Int, retryAfter: TimeInterval?)?) {
        guard let mark = stderr.range(of: answerMark, options: .backwards) else { return (stderr[...], nil) }
        let fields = stderr[mark.upperBound...].split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "\r" })
        guard let status = fields.first.flatMap({ Int($0) }), status >= 100 else { return (stderr[..<mark.lowerBound], nil) }
        return (stderr[..<mark.lowerBound], (status, fields.dropFirst().first.flatMap { TimeInterval($0) }))
    }

    /// Stable across retries: the notification's Message-ID without its brackets.
    static func webhookID(_ n: CustomerNotification) -> String {
        n.messageID.trimmingCharacters(in: CharacterSet(charactersIn: "<>"))
    }

    static func standardPayload(_ n: CustomerNotification, items: [NotificationItem], at now: Date) -> [String: Any] {
        let iso = ISO8601DateFormatter()
        return [
            "type": "toban.notification.\(n.kind.rawValue)",
            "timestamp": iso.string(from: now),
            "data": [
                "id": n.id,
                "customer": n.customerID,
                "urgency": n.urgency.label,
                "subject": n.subject,
                "body": n.body,
                "incident": n.incidentID.map { Incident.displayID(id: $0, createdAt: items.first?.confirmedAt ?? n.createdAt) } as Any,
                "items": items.map { item -> [String: Any] in
                    [
                        "urgency": item.urgency.label, "signature": Sanitizer.sanitize(item.signature),
                        "endpoint": Sanitizer.sanitize(item.endpoint ?? ""), "count": item.count,
                        "first_seen": iso.string(from: item.firstSeen),
                        "last_seen": iso.string(from: item.lastSeen),
                        "evidence": item.evidence.map(Sanitizer.sanitize),
                    ]
                },
            ] as [String: Any],
        ]
    }

    /// PagerDuty Events v2: one event per incident (`dedup_key`), triggered when the
    /// customer is first told and resolved when the incident closes.
    static func pagerDutyPayload(_ n: CustomerNotification, items: [NotificationItem], routingKey: String, at now: Date) -> [String: Any] {
        let lead = items.min { $0.urgency < $1.urgency }
        let dedupKey: String
        if let incident = n.incidentID ?? lead?.incidentID {
            dedupKey = "toban-\(n.customerID)-\(incident)"
        } else {
            dedupKey = "toban-\(n.customerID)-\(lead?.endpoint ?? String(n.id))"
        }
        if n.kind == .resolve {
            return ["routing_key": routingKey, "event_action": "resolve", "dedup_key": dedupKey]
        }
        let severity: String
        switch n.urgency {
        case .p1: severity = "critical"
        case .p2: severity = "error"
        case .p3: severity = "warning"
        case .p4, .p5: severity = "info"
        }
        return [
            "routing_key": routingKey, "event_action": "trigger", "dedup_key": String(dedupKey.prefix(255)),
            "payload": [
                "summary": String(n.subject.prefix(1024)), "source": "toban", "severity": severity,
                "timestamp": ISO8601DateFormatter().string(from: now),
                "custom_details": ["customer": n.customerID, "items": items.count, "body": n.body],
            ] as [String: Any],
        ]
    }
}

/// Standard Webhooks signatures: `v1,` + base64 HMAC-SHA256 of `id.timestamp.body`, keyed
/// with the secret (its `whsec_` base64 form, or the raw text).
public enum StandardWebhookSignature {
    public static func sign(id: String, timestamp: String, body: Data, secret: String) -> String {
        let key = SymmetricKey(data: keyBytes(secret))
        var message = Data("\(id).\(timestamp).".utf8)
        message.append(body)
        let mac = HMAC<SHA256>.authenticationCode(for: message, using: key)
        return "v1," + Data(mac).base64EncodedString()
    }

    static func keyBytes(_ secret: String) -> Data {
        if secret.hasPrefix("whsec_"), let decoded = Data(base64Encoded: String(secret.dropFirst(6))) { return decoded }
        return Data(secret.utf8)
    }
}

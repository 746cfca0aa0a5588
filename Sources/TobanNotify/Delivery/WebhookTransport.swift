import Crypto
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import TobanCore

/// Webhooks: a generic JSON body signed as Standard Webhooks specify, Slack's incoming
/// webhook shape, or PagerDuty Events v2. 2xx is delivered; 429 (honouring Retry-After),
/// 5xx and network errors are retried; any other 4xx is permanent.
public struct WebhookTransport: NotificationTransport {
    /// Channels by target (`webhook:<owner>/<name>`).
    public let channels: [String: WebhookChannel]
    public let customers: [String: Customer]
    public let timeout: TimeInterval

    public init(channels: [String: WebhookChannel], customers: [Customer], timeout: TimeInterval = 15) {
        self.channels = channels
        self.customers = Dictionary(customers.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        self.timeout = timeout
    }

    public func deliver(_ n: CustomerNotification, items: [NotificationItem], at now: Date) -> DeliveryResult {
        guard let channel = channels[n.target], let url = URL(string: channel.url) else {
            return .permanent("no webhook \(n.target) in the configuration")
        }
        let request: URLRequest
        do { request = try Self.request(n, items: items, channel: channel, url: url, at: now, timeout: timeout) } catch {
            return .permanent("not sent: \(error)")
        }
        let exchange = Exchange()
        let task = URLSession.shared.dataTask(with: request) { data, response, error in
            exchange.finish(data: data, response: response as? HTTPURLResponse, error: error)
        }
        task.resume()
        let (data, response, error) = exchange.wait()
        if let error { return .temporary("\(channel.name): \(error.localizedDescription)", retryAfter: nil) }
        guard let response else { return .temporary("\(channel.name): no response", retryAfter: nil) }
        let said = Sanitizer.sanitize(String(decoding: (data ?? Data()).prefix(300), as: UTF8.self))
        let answer = "HTTP \(response.statusCode)" + (said.isEmpty ? "" : ": \(said)")
        switch response.statusCode {
        case 200..<300: return .delivered(answer)
        case 429, 500..<600:
            let retryAfter = response.value(forHTTPHeaderField: "Retry-After").flatMap { TimeInterval($0.trimmingCharacters(in: .whitespaces)) }
            return .temporary(answer, retryAfter: retryAfter)
        default: return .permanent(answer)
        }
    }

    /// The request for `channel`'s kind, signed where it is a Standard Webhook.
    static func request(_ n: CustomerNotification, items: [NotificationItem], channel: WebhookChannel, url: URL, at now: Date,
                        timeout: TimeInterval) throws -> URLRequest {
        var request = URLRequest(url: url, timeoutInterval: timeout)
        request.httpMethod = "POST"
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        request.setValue("toban", forHTTPHeaderField: "User-Agent")
        let body: Data
        switch channel.kind {
        case .standard:
            body = try JSONSerialization.data(withJSONObject: standardPayload(n, items: items, at: now), options: [.sortedKeys])
            let id = webhookID(n)
            let timestamp = String(Int64(now.timeIntervalSince1970.rounded(.down)))
            request.setValue(id, forHTTPHeaderField: "webhook-id")
            request.setValue(timestamp, forHTTPHeaderField: "webhook-timestamp")
            request.setValue(StandardWebhookSignature.sign(id: id, timestamp: timestamp, body: body, secret: channel.secret ?? ""),
                             forHTTPHeaderField: "webhook-signature")
        case .slack:
            body = try JSONSerialization.data(withJSONObject: ["text": n.subject + "\n" + n.body], options: [.sortedKeys])
        case .pagerduty:
            body = try JSONSerialization.data(withJSONObject: pagerDutyPayload(n, items: items, routingKey: channel.routingKey ?? "", at: now),
                                              options: [.sortedKeys])
        }
        request.httpBody = body
        return request
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

    /// One request's answer, handed from URLSession's queue to the waiting thread.
    final class Exchange: @unchecked Sendable {
        // @unchecked: the fields are written once, before `done` is signalled.
        private let done = DispatchSemaphore(value: 0)
        private var data: Data?
        private var response: HTTPURLResponse?
        private var error: Error?

        func finish(data: Data?, response: HTTPURLResponse?, error: Error?) {
            self.data = data
            self.response = response
            self.error = error
            done.signal()
        }

        /// URLRequest's timeout bounds the wait.
        func wait() -> (Data?, HTTPURLResponse?, Error?) {
            done.wait()
            return (data, response, error)
        }
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

/// A webhook a customer or the SOC receives notifications on.
public struct WebhookChannel: Sendable, Equatable {
    public enum Kind: String, Sendable, CaseIterable {
        /// JSON with Standard Webhooks headers (webhook-id, webhook-timestamp, webhook-signature).
        case standard
        /// A Slack incoming webhook: `{"text": …}`.
        case slack
        /// PagerDuty Events API v2: trigger when an incident opens, resolve when it closes.
        case pagerduty
    }

    /// Unique per owner; names the channel in the outbox.
    public var name: String
    public var url: String
    public var kind: Kind
    /// Standard Webhooks: the signing secret (`whsec_` + base64, or raw text).
    public var secret: String?
    /// PagerDuty: the integration's routing key.
    public var routingKey: String?
    /// Urgencies sent on it.
    public var urgencies: Set<Urgency>

    public init(name: String, url: String, kind: Kind = .standard, secret: String? = nil, routingKey: String? = nil,
                urgencies: Set<Urgency> = [.p1, .p2, .p3, .p4]) {
        self.name = name
        self.url = url
        self.kind = kind
        self.secret = secret
        self.routingKey = routingKey
        self.urgencies = urgencies
    }
}

import Foundation

/// `[notify]` and a customer's `notify_options` and `webhooks`: delivery, storm control,
/// deadlines and channels. Every knob has a default; every value is checked.
extension ConfigurationDecoder {
    static func decodeNotify(_ value: ConfigValue?, _ r: ConfigReader) -> NotifySettings {
        var s = NotifySettings()
        guard let t = r.table(value, at: "notify") else { return s }
        r.rejectUnknownKeys(t, known: ["sendmail", "from", "contact", "templates", "group_seconds", "max_per_hour",
                                       "immediate_deadline_minutes", "max_retry_seconds", "max_attempts", "lease_seconds", "webhooks"],
                           at: "notify")
        if let v = r.string(t["sendmail"], at: "notify.sendmail") {
            if v.isEmpty || v.contains(where: { $0.isNewline }) { r.problem("notify.sendmail", "must be a program path") } else { s.sendmailPath = v }
        }
        if let v = r.string(t["from"], at: "notify.from") {
            if let reason = EmailAddress.problem(v) { r.problem("notify.from", reason) } else { s.fromAddress = v }
        }
        if let v = r.string(t["contact"], at: "notify.contact") { s.socContact = v }
        if let v = r.string(t["templates"], at: "notify.templates") { s.templatesDirectory = v }
        s.tuning = s.tuning.overridden(by: decodeTuning(t, key: "notify", r))
        if let v = r.integer(t["max_retry_seconds"], at: "notify.max_retry_seconds", range: 1...86_400) { s.maxRetrySeconds = v }
        if let v = r.integer(t["max_attempts"], at: "notify.max_attempts", range: 1...1000) { s.maxAttempts = v }
        if let v = r.integer(t["lease_seconds"], at: "notify.lease_seconds", range: 1...3600) { s.leaseSeconds = v }
        if let items = r.array(t["webhooks"], at: "notify.webhooks") { s.webhooks = decodeWebhooks(items, key: "notify.webhooks", r) }
        return s
    }

    /// A customer's `notify_options` (tuning and `cc`) and `webhooks`.
    static func decodeCustomerNotifyOptions(_ t: [String: ConfigValue], key: String, into policy: inout NotificationPolicy, _ r: ConfigReader) {
        if let options = r.table(t["notify_options"], at: "\(key).notify_options") {
            let k = "\(key).notify_options"
            r.rejectUnknownKeys(options, known: ["group_seconds", "max_per_hour", "immediate_deadline_minutes", "cc"], at: k)
            policy.tuning = decodeTuning(options, key: k, r)
            if let cc = r.strings(options["cc"], at: "\(k).cc") {
                for (i, address) in cc.enumerated() {
                    if let reason = EmailAddress.problem(address) { r.problem("\(k).cc[\(i)]", reason) } else { policy.cc.append(address) }
                }
            }
        }
        if let items = r.array(t["webhooks"], at: "\(key).webhooks") {
            policy.webhooks = decodeWebhooks(items, key: "\(key).webhooks", r)
        }
    }

    /// `group_seconds` (a number for every urgency, or a table `{ P1 = 60, default = 120 }`),
    /// `max_per_hour`, `immediate_deadline_minutes`.
    static func decodeTuning(_ t: [String: ConfigValue], key k: String, _ r: ConfigReader) -> NotificationTuningOverride {
        var o = NotificationTuningOverride()
        let seconds = 0...3600
        if let value = t["group_seconds"] {
            if value.integer != nil {
                o.defaultGroupSeconds = r.integer(value, at: "\(k).group_seconds", range: seconds)
            } else if let table = r.table(value, at: "\(k).group_seconds") {
                for (name, v) in table.sorted(by: { $0.key < $1.key }) {
                    let key = "\(k).group_seconds.\(name)"
                    if name == "default" {
                        o.defaultGroupSeconds = r.integer(v, at: key, range: seconds)
                    } else if let u = Urgency(label: name) {
                        if let n = r.integer(v, at: key, range: seconds) { o.groupSeconds[u] = n }
                    } else {
                        r.problem(key, "unknown urgency '\(name)' (use P1 … P5 or default)")
                    }
                }
            }
        }
        o.maxMessagesPerHour = r.integer(t["max_per_hour"], at: "\(k).max_per_hour", range: 1...3600)
        o.immediateDeadlineMinutes = r.integer(t["immediate_deadline_minutes"], at: "\(k).immediate_deadline_minutes", range: 1...1440)
        return o
    }

    static func decodeWebhooks(_ items: [ConfigValue], key: String, _ r: ConfigReader) -> [WebhookChannel] {
        var out: [WebhookChannel] = []
        var names: Set<String> = []
        for (i, item) in items.enumerated() {
            let k = "\(key)[\(i)]"
            guard let t = r.table(item, at: k) else { continue }
            r.rejectUnknownKeys(t, known: ["name", "url", "kind", "secret", "routing_key", "urgencies"], at: k)
            guard let name = r.string(t["name"], at: "\(k).name", required: true),
                  let url = r.string(t["url"], at: "\(k).url", required: true) else { continue }
            if !names.insert(name).inserted { r.problem("\(k).name", "'\(name)' names two webhooks") }
            if let reason = WebhookURL.problem(url) { r.problem("\(k).url", reason); continue }
            var channel = WebhookChannel(name: name, url: url)
            if let kind = r.string(t["kind"], at: "\(k).kind") {
                if let kind = WebhookChannel.Kind(rawValue: kind) { channel.kind = kind } else {
                    r.problem("\(k).kind", "'\(kind)' is not a kind (use \(WebhookChannel.Kind.allCases.map(\.rawValue).joined(separator: ", ")))")
                }
            }
            channel.secret = r.string(t["secret"], at: "\(k).secret")
            channel.routingKey = r.string(t["routing_key"], at: "\(k).routing_key")
            if let u = urgencies(t["urgencies"], at: "\(k).urgencies", r) { channel.urgencies = u }
            if channel.kind == .standard && (channel.secret ?? "").isEmpty { r.problem("\(k).secret", "a standard webhook is signed: give its secret") }
            if channel.kind == .pagerduty && (channel.routingKey ?? "").isEmpty { r.problem("\(k).routing_key", "PagerDuty needs the integration's routing key") }
            out.append(channel)
        }
        return out
    }
}

public enum WebhookURL {
    /// Why `text` cannot be a webhook's URL, or nil.
    public static func problem(_ text: String) -> String? {
        if text.unicodeScalars.contains(where: { $0.value < 0x21 || $0.value == 0x7F }) { return "contains a space or control character" }
        guard let url = URL(string: text), let scheme = url.scheme?.lowercased(), scheme == "http" || scheme == "https",
              let host = url.host, !host.isEmpty else {
            return "'\(text)' is not an http(s) URL"
        }
        return nil
    }
}

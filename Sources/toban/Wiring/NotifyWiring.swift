import Foundation
import TobanCore
import TobanNotify
import TobanStore

/// The dispatcher as the configuration describes it: templates from the configured
/// directory, then `$XDG_CONFIG_HOME/toban/templates/`, then the built-in ones; mail
/// through the configured sendmail program; webhooks from the customers and `[notify]`.
enum NotifyWiring {
    static func templateDirectories(_ settings: NotifySettings, environment: [String: String]) -> [String] {
        var out: [String] = []
        if let dir = settings.templatesDirectory { out.append(dir) }
        let xdg = environment["XDG_CONFIG_HOME"].flatMap { $0.isEmpty ? nil : $0 }
            ?? environment["HOME"].map { $0 + "/.config" }
        if let xdg { out.append(xdg + "/toban/templates") }
        return out
    }

    /// The templates in use, and the renderer that fills them.
    static func renderer(_ settings: NotifySettings, environment: [String: String] = ProcessInfo.processInfo.environment) throws -> MessageRenderer {
        let templates = try MessageTemplates(directories: templateDirectories(settings, environment: environment))
        return MessageRenderer(templates: templates, socContact: settings.socContact)
    }

    static func dispatcher(store: TobanStore, configuration: TobanConfiguration, clock: any TobanClock,
                           environment: [String: String] = ProcessInfo.processInfo.environment) throws -> Dispatcher {
        let settings = configuration.notify
        let planner = OutboxPlanner(customers: configuration.customers, settings: settings)
        let renderer = try renderer(settings, environment: environment)
        let mail = SendmailTransport(program: settings.sendmailPath, from: settings.fromAddress, customers: configuration.customers)
        let webhooks = WebhookTransport(channels: planner.webhookChannels, customers: configuration.customers)
        var host = [CChar](repeating: 0, count: 256)
        gethostname(&host, host.count)
        let owner = "\(String(cString: host)):\(getpid())"
        let dispatcher = Dispatcher(store: store, planner: planner, renderer: renderer, mail: mail, webhooks: webhooks, clock: clock,
                                    owner: owner, lease: TimeInterval(settings.leaseSeconds))
        dispatcher.pager = pager(store: store, configuration: configuration, planner: planner)
        return dispatcher
    }

    /// Each customer's confirmation deadlines, by the policies and tuning in force.
    static func deadlines(_ configuration: TobanConfiguration) -> ConfirmationDeadlines {
        let planner = OutboxPlanner(customers: configuration.customers, settings: configuration.notify)
        return deadlines(planner)
    }

    static func deadlines(_ planner: OutboxPlanner) -> ConfirmationDeadlines {
        ConfirmationDeadlines(customers: Array(planner.customers.values)) { planner.tuning(for: $0) }
    }

    /// The on-call ladder, when the roster has layers to page.
    static func pager(store: TobanStore, configuration: TobanConfiguration, planner: OutboxPlanner) -> OnCallPager? {
        let roster = configuration.onCall.roster
        let escalation = configuration.onCall.escalation
        let levels = escalation.levels.filter { roster.layer(named: $0) != nil }
        guard !levels.isEmpty else { return nil }
        let emails = Dictionary(configuration.analysts.compactMap { a in a.email.map { (a.login, $0) } }, uniquingKeysWith: { a, _ in a })
        let target: String
        switch escalation.channel {
        case .mail: target = "mail"
        case .webhook(let name): target = "webhook:soc/\(name)"
        }
        return OnCallPager(store: store,
                           ladder: PagingLadder(levels: levels, acknowledgeMinutes: escalation.acknowledgeMinutes, repeats: escalation.repeats),
                           deadlineLead: Double(escalation.deadlineLeadMinutes * 60), deadlines: deadlines(planner),
                           channelTarget: target,
                           customerNames: Dictionary(configuration.customers.map { ($0.id, $0.displayName) }, uniquingKeysWith: { a, _ in a }),
                           messageIDDomain: configuration.notify.fromAddress.split(separator: "@").last.map(String.init) ?? "toban.invalid") { layer, at in
            guard let shift = roster.onCall(layer: layer, at: at) else { return nil }
            return OnCallPager.Reach(login: shift.login, address: emails[shift.login])
        }
    }

    /// "analyst suzuki", one per layer, for the console's header.
    static func onCallLabels(_ configuration: TobanConfiguration) -> (@Sendable (Date) -> [String])? {
        let roster = configuration.onCall.roster
        guard !roster.layers.isEmpty else { return nil }
        return { at in roster.onCall(at: at).map { "\($0.layer) \($0.login)" } }
    }

    /// `2027-01-12T09:00:00+09:00`, `2027-01-12T00:00:00Z`, or with fractional seconds.
    static func parseTime(_ text: String) -> Date? {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime]
        if let d = f.date(from: text) { return d }
        f.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return f.date(from: text)
    }
}

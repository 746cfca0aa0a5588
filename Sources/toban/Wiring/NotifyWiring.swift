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
        return Dispatcher(store: store, planner: planner, renderer: renderer, mail: mail, webhooks: webhooks, clock: clock, owner: owner,
                          lease: TimeInterval(settings.leaseSeconds))
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

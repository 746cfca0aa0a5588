import ArgumentParser
import Foundation
import TobanCore
import TobanNotify
import TobanStore

/// `toban report sla` — how the service kept its notification promise over a period.
struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Reports (sla): deadlines kept and missed per customer and urgency.",
        discussion: """
            Per customer and urgency: how many detections were notified (or not, by policy), the \
            median and worst time from arrival to confirmation and from confirmation to delivery, \
            and every deadline missed with its reason: unconfirmed, held, failed, dead, or late.

            For example:
              toban report sla --from 2027-01-01T00:00:00Z --to 2027-02-01T00:00:00Z
            """)

    enum Kind: String, ExpressibleByArgument { case sla }

    @Argument(help: ArgumentHelp("The report: sla.", valueName: "report"))
    var kind: Kind

    @OptionGroup var options: StoreOptions

    @Option(name: .long, help: ArgumentHelp("Start of the period (ISO 8601).", valueName: "time"))
    var from: String

    @Option(name: .long, help: ArgumentHelp("End of the period (ISO 8601, exclusive).", valueName: "time"))
    var to: String

    @Option(name: .long, help: ArgumentHelp("Only this customer.", valueName: "id"))
    var customer: String?

    @Flag(name: .long, help: "JSON Lines, one object per customer and urgency.")
    var json = false

    @Option(name: .long, help: ArgumentHelp("Judge deadlines as of this time (ISO 8601, default now): a deadline still ahead is not missed.", valueName: "time"))
    var at: String?

    func validate() throws {
        guard let f = NotifyWiring.parseTime(from) else { throw ValidationError("--from: '\(from)' is not an ISO 8601 time") }
        guard let t = NotifyWiring.parseTime(to) else { throw ValidationError("--to: '\(to)' is not an ISO 8601 time") }
        if t <= f { throw ValidationError("--to must be after --from") }
        if let at, NotifyWiring.parseTime(at) == nil { throw ValidationError("--at: '\(at)' is not an ISO 8601 time") }
    }

    func run() throws {
        guard let config = try options.loadConfiguration()?.require() else {
            throw ValidationError("toban report sla needs the configuration (each customer's policy): --config FILE")
        }
        let store = try TobanStore(readingAt: options.storePath(configuration: config))
        let planner = OutboxPlanner(customers: config.customers, settings: config.notify)
        let report = try SLAReport.make(store: store, planner: planner, from: NotifyWiring.parseTime(from)!,
                                        to: NotifyWiring.parseTime(to)!, customer: customer,
                                        now: at.flatMap(NotifyWiring.parseTime) ?? SystemClock().now)
        let iso = ISO8601DateFormatter()
        func seconds(_ t: TimeInterval?) -> Any { t.map { Int($0.rounded()) } as Any }
        if json {
            for r in report.rows {
                let o: [String: Any] = [
                    "customer": r.customerID, "urgency": r.urgency.label, "rule": r.rule, "count": r.count, "not_sent": r.notSent,
                    "to_confirmation_median_s": seconds(r.toConfirmation.median), "to_confirmation_worst_s": seconds(r.toConfirmation.worst),
                    "to_delivery_median_s": seconds(r.toDelivery.median), "to_delivery_worst_s": seconds(r.toDelivery.worst),
                    "missed": r.missed.map { m -> [String: Any] in
                        var x: [String: Any] = ["reason": m.reason.rawValue, "id": m.id, "deadline": iso.string(from: m.deadline)]
                        if let d = m.deliveredAt { x["delivered_at"] = iso.string(from: d) }
                        return x
                    },
                ]
                let data = try JSONSerialization.data(withJSONObject: o, options: [.sortedKeys, .withoutEscapingSlashes])
                print(String(decoding: data, as: UTF8.self))
            }
            return
        }
        func text(_ t: TimeInterval?) -> String {
            guard let t else { return "-" }
            return t < 120 ? "\(Int(t.rounded())) s" : t < 7200 ? "\(Int((t / 60).rounded())) min" : String(format: "%.1f h", t / 3600)
        }
        print("SLA \(iso.string(from: report.from)) – \(iso.string(from: report.to))")
        print("CUSTOMER     URG RULE               COUNT  CONFIRM med/worst   DELIVER med/worst   MISSED")
        for r in report.rows {
            let missed = r.missed.isEmpty ? "0" : "\(r.missed.count) (" + Dictionary(grouping: r.missed, by: \.reason)
                .map { "\($0.value.count) \($0.key.rawValue)" }.sorted().joined(separator: ", ") + ")"
            print([r.customerID.padding(toLength: 12, withPad: " ", startingAt: 0), r.urgency.label,
                   r.rule.padding(toLength: 18, withPad: " ", startingAt: 0), String(r.count).padding(toLength: 6, withPad: " ", startingAt: 0),
                   (text(r.toConfirmation.median) + " / " + text(r.toConfirmation.worst)).padding(toLength: 19, withPad: " ", startingAt: 0),
                   (text(r.toDelivery.median) + " / " + text(r.toDelivery.worst)).padding(toLength: 19, withPad: " ", startingAt: 0),
                   missed].joined(separator: " "))
        }
    }
}

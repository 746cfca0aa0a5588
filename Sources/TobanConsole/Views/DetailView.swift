import Foundation
import TobanCore
import TobanStore

/// One detection: every normalised field, why this urgency, the raw line (sanitised and
/// wrapped), related detections and the audit history.
public enum DetailView {
    static func render(_ s: DetailScreen, state: ConsoleState, env: ConsoleEnvironment, now: Date, area: Rect, into grid: inout CellGrid) {
        guard let data = s.data else {
            grid.put(SafeText(env.labels("loading…")), row: area.row + 1, col: 2, role: .muted)
            return
        }
        ConsoleView.renderLines(lines(data, state: state, env: env, now: now, width: area.width), scroll: s.scroll, area: area, into: &grid)
    }

    public static func lines(_ data: DetailData, state: ConsoleState, env: ConsoleEnvironment, now: Date, width: Int) -> [(SafeText, StyleRole)] {
        let d = data.detection
        var out: [(SafeText, StyleRole)] = []
        func field(_ name: String, _ value: String?, role: StyleRole = .text) {
            guard let value, !value.isEmpty else { return }
            let label = SafeText(env.labels(name)).fitted(to: 14)
            let rows = Formatting.wrap(SafeText(value), width: max(10, width - 15))
            for (i, r) in rows.enumerated() {
                out.append(((i == 0 ? label : SafeText(String(repeating: " ", count: 14))) + " " + r, role))
            }
        }
        func section(_ title: String) {
            out.append(("", .text))
            out.append((SafeText(title), .header))
        }
        out.append((SafeText("\(Formatting.urgency(d.urgency, unicode: env.unicode)) \(d.urgency.japaneseName)  #\(d.id)  ") + SafeText(d.signature.name),
                    .urgency(d.urgency.rawValue)))
        field("customer", "\(QueueView.customerName(d.customerID, state)) (\(d.customerID))")
        field("status", Formatting.status(d) + (d.disposition.map { " — \($0.label)" } ?? ""), role: Formatting.statusRole(d.status))
        field("signature", "\(d.signature.id)  \(d.signature.name)")
        field("category", d.signature.category)
        field("severity", "\(d.severity) (vendor \(d.vendorSeverity))")
        field("endpoint", d.endpoint.map { "\($0)" + (Formatting.endpoint(d) != "\($0)" ? " (\(Formatting.endpoint(d)))" : "") })
        field("source", d.sourceIP.map { "\($0)" + (d.sourcePort.map { ":\($0)" } ?? "") })
        field("destination", d.destinationIP.map { "\($0)" + (d.destinationPort.map { ":\($0)" } ?? "") })
        field("transport", d.transport)
        field("sensor", "\(d.sensor) (\(d.sourceFormat.rawValue))")
        field("count", "\(d.count)")
        field("first seen", "\(Formatting.timestamp(d.firstSeen)) JST (\(Formatting.age(d.firstSeen, now: now)) ago)")
        field("last seen", "\(Formatting.timestamp(d.lastSeen)) JST (\(Formatting.age(d.lastSeen, now: now)) ago)")
        field("event time", Formatting.timestamp(d.eventTime, zone: Formatting.utc) + " UTC")
        field("source line", "\(d.sourcePosition.source) @\(d.sourcePosition.offset)")
        for (name, value) in d.evidence.fields { field(name, value) }

        section(env.labels.fill("Why {}", "\(d.urgency)"))
        for r in Formatting.wrap(SafeText(d.urgencyReason.isEmpty ? "(no reason recorded)" : d.urgencyReason), width: max(10, width - 2)) {
            out.append((SafeText("  ") + r, .text))
        }

        section(env.labels("Raw line"))
        for r in Formatting.wrap(SafeText(d.raw), width: max(10, width - 2)) { out.append((SafeText("  ") + r, .muted)) }

        section(env.labels.fill("Same endpoint ({})", "\(data.related.sameEndpoint.count)"))
        for r in data.related.sameEndpoint { out.append((relatedLine(r, state: state, env: env, now: now), .urgency(r.urgency.rawValue))) }
        section(env.labels.fill("Same signature, other customers ({})", "\(data.related.sameSignatureOtherCustomers.count)"))
        for r in data.related.sameSignatureOtherCustomers {
            out.append((relatedLine(r, state: state, env: env, now: now), .urgency(r.urgency.rawValue)))
        }

        section(env.labels("History"))
        if data.audit.isEmpty { out.append((SafeText("  " + env.labels("(no changes yet)")), .muted)) }
        for sentence in HistorySentence.lines(data.audit, labels: env.labels) { out.append((SafeText("  ") + SafeText(sentence), .text)) }
        return out
    }

    static func relatedLine(_ d: Detection, state: ConsoleState, env: ConsoleEnvironment, now: Date) -> SafeText {
        SafeText("  #\(d.id) ") + SafeText(Formatting.urgency(d.urgency, unicode: env.unicode)).fitted(to: 6) + " "
            + SafeText(Formatting.age(d.lastSeen, now: now)).fitted(to: 4, alignment: .right) + " "
            + SafeText(QueueView.customerName(d.customerID, state)).truncated(to: 14) + " " + SafeText(d.signature.name)
            + SafeText("  [\(Formatting.status(d))]")
    }
}

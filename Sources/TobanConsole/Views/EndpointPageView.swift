import Foundation
import TobanCore
import TobanStore

/// One endpoint: its verdict and risk, peers and evidence, and a timeline of detections
/// and hourly context (DNS, HTTP, TLS, files, flows) around its activity.
public enum EndpointPageView {
    static func render(_ s: EndpointPageScreen, state: ConsoleState, env: ConsoleEnvironment, now: Date, area: Rect, into grid: inout CellGrid) {
        guard let data = s.data else {
            grid.put(SafeText(env.labels("loading…")), row: area.row + 1, col: 2, role: .muted)
            return
        }
        let (all, cursorLine) = lines(data, cursor: s.cursor, state: state, env: env, now: now, width: area.width)
        var scroll = s.scroll
        if let c = cursorLine {
            if c < scroll { scroll = c } else if c >= scroll + area.height { scroll = c - area.height + 1 }
        }
        ConsoleView.renderLines(all, scroll: scroll, area: area, into: &grid)
    }

    public static func lines(_ data: EndpointPageData, cursor: Int = 0, state: ConsoleState, env: ConsoleEnvironment, now: Date,
                             width: Int) -> (lines: [(SafeText, StyleRole)], cursorLine: Int?) {
        var cursorLine: Int?
        var timelineIndex = 0
        let e = data.endpoint
        var out: [(SafeText, StyleRole)] = []
        func section(_ title: String) {
            out.append(("", .text))
            out.append((SafeText(title), .header))
        }
        // The hostname when the logs named one, then the address (once).
        let name = e.hostname.map { "\($0)  \(e.address)" } ?? e.address.description
        out.append((SafeText("\(name)  \(QueueView.customerName(e.customerID, state))"), .title))
        out.append((SafeText(env.labels.fill("status  {}", env.labels.status(e.status))) + SafeText(e.statusNote.map { " — \($0)" } ?? ""),
                    EndpointsView.statusRole(e.status)))
        out.append((SafeText(env.labels.fill("risk    {}   detections {}   signatures {}   first {} ago   last {} ago", String(format: "%.0f", e.riskScore),
                                              "\(e.detectionCount)", "\(e.distinctSignatures)", Formatting.age(e.firstSeen, now: now),
                                              Formatting.age(e.lastSeen, now: now))), .text))
        if let mac = e.mac { out.append((SafeText(env.labels.fill("mac     {}", mac)), .muted)) }
        for line in e.riskExplanation { out.append((SafeText("  · ") + SafeText(EndpointRiskScorer.readable(line, now: now)), .text)) }

        var detections: [Detection] = []
        var peers: [String: Int] = [:]
        for item in data.timeline {
            switch item {
            case .detection(let d):
                detections.append(d)
                for p in [d.sourceIP, d.destinationIP].compactMap({ $0 }) where p != e.address { peers["\(p)", default: 0] += d.count }
            case .context(let c):
                for s in c.samples { if let p = s.peer, p != e.address { peers["\(p)", default: 0] += 1 } }
            }
        }
        section(env.labels.fill("Peers ({})", "\(peers.count)"))
        let topPeers = peers.sorted { ($0.value, $1.key) > ($1.value, $0.key) }.prefix(10)
        if !topPeers.isEmpty {
            out.append((SafeText("  " + topPeers.map { "\($0.key)×\($0.value)" }.joined(separator: "  ")), .text))
        }
        section(env.labels("Evidence"))
        var seen = Set<String>()
        for d in detections {
            for (name, value) in d.evidence.fields where seen.insert("\(name)=\(value)").inserted {
                out.append((SafeText("  \(name) ") + SafeText(value), .text))
            }
        }
        if seen.isEmpty { out.append((SafeText("  " + env.labels("(none recorded)")), .muted)) }

        section(env.labels("Timeline (JST) — Enter opens the detection under the cursor"))
        for item in data.timeline {
            switch item {
            case .detection(let d):
                let selected = timelineIndex == cursor
                if selected { cursorLine = out.count }
                timelineIndex += 1
                out.append((SafeText(selected ? "› " : "  ") + SafeText("\(Formatting.timestamp(d.firstSeen)) ")
                            + SafeText(Formatting.urgency(d.urgency, unicode: env.unicode)).fitted(to: 6)
                            + " " + SafeText(d.signature.name) + SafeText("  ×\(d.count) [\(Formatting.status(d))] #\(d.id)"),
                            selected ? .selection : .urgency(d.urgency.rawValue)))
            case .context(let c):
                let counts = ContextKind.allCases.compactMap { k in c.counts[k].map { "\(k.rawValue) \($0)" } }.joined(separator: "  ")
                out.append((SafeText("  \(Formatting.timestamp(c.bucketStart)) context  \(counts)"), .muted))
                for s in c.samples.prefix(8) {
                    // Summaries that already name their kind ("dns A …") are not prefixed twice.
                    let kind = s.summary.lowercased().hasPrefix(s.kind.rawValue + " ") ? "" : s.kind.rawValue + " "
                    out.append((SafeText("      \(kind)") + SafeText(s.summary) + SafeText(s.peer.map { " → \($0)" } ?? ""), .muted))
                }
            }
        }
        section(env.labels("History"))
        if data.audit.isEmpty { out.append(("  (no verdicts yet)", .muted)) }
        for sentence in HistorySentence.lines(data.audit, labels: env.labels) { out.append((SafeText("  ") + SafeText(sentence), .text)) }
        return (out, cursorLine)
    }
}

import Foundation
import TobanCore
import TobanStore

/// Ingest health, the story behind the footer's counters.
public enum HealthView {
    /// Silent sensors that are a monitoring gap now: not in their customer's planned maintenance.
    static func gaps(_ health: IngestHealth, env: ConsoleEnvironment, now: Date) -> [SilentSensor] {
        health.silentSensors.filter { env.inMaintenance?($0.customerID, now) != true }
    }

    static func render(_ h: HealthScreen, state: ConsoleState, env: ConsoleEnvironment, now: Date, area: Rect, into grid: inout CellGrid) {
        guard let health = state.overview.health else {
            grid.put("loading…", row: area.row + 1, col: 2, role: .muted)
            return
        }
        var out: [(SafeText, StyleRole)] = []
        func section(_ title: String) {
            if !out.isEmpty { out.append(("", .text)) }
            out.append((SafeText(title), .header))
        }
        section("Sources (\(health.sources.count)): lag is now minus the newest event read")
        for s in health.sources {
            let lag = s.lag.map(Formatting.duration) ?? "-"
            let flood = s.counters.sampledOut > 0 ? "  flood: \(s.counters.sampledOut) context events sampled out" : ""
            out.append((SafeText("  \(s.sourceID)  lag \(lag)  lines \(s.counters.lines)  detections \(s.counters.detections)  quarantined \(s.counters.quarantined)")
                        + SafeText(flood), (s.lag ?? 0) > 300 ? .warn : (flood.isEmpty ? .text : .warn)))
            if let path = s.path { out.append((SafeText("      ") + SafeText(path), .muted)) }
        }
        section("Quarantined lines: \(health.quarantined)")
        if let path = env.quarantinePath {
            out.append((SafeText("  in ") + SafeText(path), health.quarantined > 0 ? .warn : .muted))
        }
        let gaps = gaps(health, env: env, now: now)
        let resting = health.silentSensors.count - gaps.count
        section("Silent sensors: \(gaps.count) (monitoring gaps)" + (resting > 0 ? ", \(resting) more in planned maintenance" : ""))
        for s in gaps {
            let since = s.lastEventAt.map { "since \(Formatting.timestamp($0)) JST (\(Formatting.age($0, now: now)) ago)" } ?? "never heard from"
            out.append((SafeText("  \(s.sensor)  \(QueueView.customerName(s.customerID, state))  \(since), limit \(s.silenceMinutes)m"), .error))
        }
        section("Unassigned: \(health.unassignedEvents) events, \(health.unassignedOpenDetections) open detections (no configured customer claims their sensor or network)")
        ConsoleView.renderLines(out, scroll: h.scroll, area: area, into: &grid)
    }
}

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
            grid.put(SafeText(env.labels("loading…")), row: area.row + 1, col: 2, role: .muted)
            return
        }
        var out: [(SafeText, StyleRole)] = []
        func section(_ title: String) {
            if !out.isEmpty { out.append(("", .text)) }
            out.append((SafeText(title), .header))
        }
        section(env.labels.fill("Sources ({}): lag is now minus the newest event read", "\(health.sources.count)"))
        for s in health.sources {
            let lag = s.lag.map(Formatting.duration) ?? "-"
            let labels = env.labels
            let flood = s.counters.sampledOut > 0 ? labels.fill("  flood: {} context events sampled out", "\(s.counters.sampledOut)") : ""
            out.append((SafeText(labels.fill("  {}  lag {}  lines {}  detections {}  quarantined {}", s.sourceID, lag, "\(s.counters.lines)",
                                             "\(s.counters.detections)", "\(s.counters.quarantined)"))
                        + SafeText(flood), (s.lag ?? 0) > 300 ? .warn : (flood.isEmpty ? .text : .warn)))
            if let path = s.path { out.append((SafeText("      ") + SafeText(path), .muted)) }
        }
        section(env.labels.fill("Quarantined lines: {}", "\(health.quarantined)"))
        if let path = env.quarantinePath {
            out.append((SafeText(env.labels("  in ")) + SafeText(path), health.quarantined > 0 ? .warn : .muted))
        }
        let gaps = gaps(health, env: env, now: now)
        let resting = health.silentSensors.count - gaps.count
        section(env.labels.fill("Silent sensors: {} (monitoring gaps)", "\(gaps.count)")
                + (resting > 0 ? env.labels.fill(", {} more in planned maintenance", "\(resting)") : ""))
        for s in gaps {
            let since = s.lastEventAt.map { env.labels.fill("since {} JST ({} ago)", Formatting.timestamp($0), Formatting.age($0, now: now)) }
                ?? env.labels("never heard from")
            out.append((SafeText(env.labels.fill("  {}  {}  {}, limit {}m", s.sensor, QueueView.customerName(s.customerID, state), since,
                                                 "\(s.silenceMinutes)")), .error))
        }
        section(env.labels.fill("Unassigned: {} events, {} open detections (no configured customer claims their sensor or network)",
                                "\(health.unassignedEvents)", "\(health.unassignedOpenDetections)"))
        ConsoleView.renderLines(out, scroll: h.scroll, area: area, into: &grid)
    }
}

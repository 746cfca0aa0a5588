import Foundation
import TobanCore

/// The on-call page banner: on every console, under the title, until someone presses `!`.
public enum PageBanner {
    static func render(_ pages: [Page], env: ConsoleEnvironment, now: Date, row: Int, into grid: inout CellGrid) {
        guard let page = pages.first else { return }
        let more = pages.count > 1 ? " (+\(pages.count - 1) more)" : ""
        let late = page.acknowledgeBy < now ? "overdue " + Formatting.countdown(page.acknowledgeBy, now: now) : "ack within " + Formatting.countdown(page.acknowledgeBy, now: now)
        let text = SafeText("PAGE \(page.login) (\(page.layer)): ") + SafeText(page.summary) + SafeText(" — \(late)\(more) — ! acknowledges")
        grid.fill(Rect(row: row, col: 0, width: grid.width, height: 1), role: .urgencyP1)
        grid.put(text, row: row, col: 0, maxWidth: grid.width, role: .urgencyP1, overflow: .ellipsis)
    }
}

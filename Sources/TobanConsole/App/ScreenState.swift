import Foundation
import TobanCore
import TobanStore

/// The detection queue (the start screen, or a group drilled into).
public struct QueueScreen: Equatable, Sendable {
    public var token: Int
    /// Breadcrumb label ("Queue", "sig ET MALWARE…").
    public var title: String
    /// The filter this screen starts from (a group drill narrows it); the `/` query narrows further.
    public var baseFilter: DetectionFilter
    public var queryText: String = ""
    public var filter: DetectionFilter
    public var grouping: DetectionGrouping?
    /// The loaded window of rows, in queue order.
    public var rows: [Detection] = []
    public var groups: [DetectionGroup] = []
    /// The window starts at the first row of the queue / ends at its last row.
    public var atStart = true
    public var atEnd = false
    public var selected = 0
    public var scroll = 0
    public var marks: Set<Int64> = []
    /// Newest detection id when the window was read from the top; arrivals after it are "new".
    public var latestIDAtLoad: Int64 = 0
    public var newCount = 0
    /// Bumped by every reload; pages from older loads are ignored.
    public var generation = 0
    public var loading = false
    public var loadedOnce = false
    /// Enter was pressed while the list was still loading: drill in once it arrives.
    public var pendingDrill = false

    public init(token: Int, title: String, baseFilter: DetectionFilter) {
        self.token = token
        self.title = title
        self.baseFilter = baseFilter
        filter = baseFilter
    }

    public var isGrouped: Bool { grouping != nil }
    public var rowCount: Int { isGrouped ? groups.count : rows.count }
    public var selectedDetection: Detection? { !isGrouped && rows.indices.contains(selected) ? rows[selected] : nil }
    public var selectedGroup: DetectionGroup? { isGrouped && groups.indices.contains(selected) ? groups[selected] : nil }
}

public struct DetailScreen: Equatable, Sendable {
    public var token: Int
    public var detectionID: Int64
    public var data: DetailData?
    public var scroll = 0
    public init(token: Int, detectionID: Int64) {
        self.token = token
        self.detectionID = detectionID
    }
}

public struct EndpointsScreen: Equatable, Sendable {
    public var token: Int
    /// `/` text: only endpoints whose customer, address, hostname or verdict contain it.
    public var queryText = ""
    /// The last row read from the store, matching or not: where the next page starts.
    public var lastLoaded: Endpoint?
    public var rows: [Endpoint] = []
    public var atEnd = false
    public var selected = 0
    public var scroll = 0
    public var generation = 0
    public var loading = false
    public init(token: Int) { self.token = token }
    public var selectedEndpoint: Endpoint? { rows.indices.contains(selected) ? rows[selected] : nil }
}

public struct EndpointPageScreen: Equatable, Sendable {
    public var token: Int
    public var customerID: String
    public var address: IPAddress
    public var data: EndpointPageData?
    public var scroll = 0
    /// Cursor over the timeline's detections (Enter opens the one under it).
    public var cursor = 0

    /// The timeline's detections, in the order the page shows them.
    public var timelineDetections: [Detection] {
        data?.timeline.compactMap { if case .detection(let d) = $0 { return d } else { return nil } } ?? []
    }
    public init(token: Int, customerID: String, address: IPAddress) {
        self.token = token
        self.customerID = customerID
        self.address = address
    }
}

public struct HelpScreen: Equatable, Sendable {
    public var token: Int
    public var scroll = 0
}

public enum Screen: Equatable, Sendable {
    case queue(QueueScreen)
    case detail(DetailScreen)
    case endpoints(EndpointsScreen)
    case endpointPage(EndpointPageScreen)
    case help(HelpScreen)
    case incidents(IncidentsScreen)
    case incidentPage(IncidentPageScreen)
    case outbox(OutboxScreen)
    case preview(PreviewScreen)
    case health(HealthScreen)

    public var token: Int {
        switch self {
        case .queue(let s): return s.token
        case .detail(let s): return s.token
        case .endpoints(let s): return s.token
        case .endpointPage(let s): return s.token
        case .help(let s): return s.token
        case .incidents(let s): return s.token
        case .incidentPage(let s): return s.token
        case .outbox(let s): return s.token
        case .preview(let s): return s.token
        case .health(let s): return s.token
        }
    }

    public var keyContext: KeyContext {
        switch self {
        case .queue: return .queue
        case .detail: return .detail
        case .endpoints: return .endpoints
        case .endpointPage: return .endpointPage
        case .help: return .help
        case .incidents: return .incidents
        case .incidentPage: return .incidentPage
        case .outbox: return .outbox
        case .preview: return .preview
        case .health: return .health
        }
    }

    public var breadcrumb: String {
        switch self {
        case .queue(let s): return s.title
        case .detail(let s): return "Detection #\(s.detectionID)"
        case .endpoints: return "Endpoints 被疑端末"
        case .endpointPage(let s): return "\(s.address)"
        case .help: return "Help"
        case .incidents: return "Incidents"
        case .incidentPage(let s):
            return s.data.map { Incident.displayID(id: $0.incident.id, createdAt: $0.incident.createdAt) } ?? "Incident \(s.incidentID)"
        case .outbox: return "Outbox"
        case .preview(let s): return "Message #\(s.notificationID)"
        case .health: return "Ingest health"
        }
    }
}

/// The line at the bottom: an input being typed.
public struct PromptState: Equatable, Sendable {
    public enum Kind: Equatable, Sendable {
        case filter
        case command
        /// Escalation comment for these detections (nil: resolve the targets on submit).
        case escalateComment
        case endpointNote(customer: String, address: IPAddress, status: EndpointStatus)
        /// Escalation comment when joining an open incident.
        case joinComment(incidentID: Int64)
        case confirmNote
        case incidentNote(Int64)
        case closeComment(incidentID: Int64, outcome: IncidentOutcome)
        case reopenComment(Int64)
        case onSiteNote(Int64)
        case holdReason(Int64)
        case cancelReason(Int64)
    }
    public var kind: Kind
    public var input: TextInput
    /// Shown next to the input while typing (filter errors, completion choices).
    public var error: String?
    public var hint: String?

    public func prompt(_ labels: Labels) -> String {
        switch kind {
        case .filter: return "/"
        case .command: return ":"
        case .escalateComment: return labels("Escalation comment: ")
        case .endpointNote(_, _, let status): return labels("Note") + ", " + labels.status(status) + ": "
        case .joinComment: return labels("Comment for the incident: ")
        case .confirmNote: return labels("Note to the customer (optional): ")
        case .incidentNote: return labels("Note: ")
        case .closeComment(_, let outcome): return labels("Close as ") + outcome.label + ", " + labels("comment: ")
        case .reopenComment: return labels("Why reopen: ")
        case .onSiteNote: return labels("On-site request, note: ")
        case .holdReason: return labels("Hold, reason: ")
        case .cancelReason: return labels("Cancel, reason: ")
        }
    }
}

/// The last action, for `u`.
public struct LastAction: Equatable, Sendable {
    public var groupID: String
    public var summary: String
    public var at: Date
}

/// The whole console state: one value, changed only by `ConsoleModel.update`.
public struct ConsoleState: Equatable, Sendable {
    public var size = TerminalSize(width: 80, height: 24)
    public var stack: [Screen]
    public var overview = Overview()
    public var prompt: PromptState?
    public var message: String?
    public var messageIsError = false
    public var lastAction: LastAction?
    /// What a pending escalation comment applies to.
    public var pendingTarget: ActionTarget?
    /// A choice list open over the screen.
    public var picker: PickerState?
    /// Pages already rung for (the bell rings once per new page).
    public var pagesRung: Set<Int64> = []
    /// Say it in ASCII: customer ids for non-ASCII names, `>` for `›` (a non-UTF-8 locale).
    public var asciiText = false
    /// The newest P1 already announced (0: none seen yet, the first read only records it).
    public var p1Announced: Int64 = 0
    /// A P1 arrived since the queue was last read from the top: the "+N new" marker says so.
    public var newP1Arrived = false
    public var matcher = KeySequenceMatcher()
    public var nextToken = 1
    public var ticks = 0
    /// The time shown (footer clocks, ages): the last tick's, so a frame never reads a clock.
    public var now: Date
    /// The store changed since the header data was last requested.
    public var overviewStale = false
    /// The tick at which the header data in flight was requested (nil: none in flight).
    public var overviewRequestedAt: Int?

    public init(root: Screen, now: Date) {
        stack = [root]
        self.now = now
    }

    public var top: Screen { stack[stack.count - 1] }

    mutating func makeToken() -> Int {
        nextToken += 1
        return nextToken
    }

    func index(of token: Int) -> Int? { stack.lastIndex { $0.token == token } }

    /// Changes the screen with `token`, wherever it is in the stack, if it is the kind
    /// `extract` takes out (and `embed` puts back).
    private mutating func modify<S, T>(_ token: Int, _ extract: (Screen) -> S?, _ embed: (S) -> Screen,
                                       _ body: (inout S) -> T) -> T? {
        guard let i = index(of: token), var s = extract(stack[i]) else { return nil }
        stack[i] = .help(HelpScreen(token: -1)) // release the stack's copy so `s` is uniquely referenced
        let r = body(&s)
        stack[i] = embed(s)
        return r
    }

    mutating func withQueue<T>(_ token: Int, _ body: (inout QueueScreen) -> T) -> T? {
        modify(token, { if case .queue(let s) = $0 { s } else { nil } }, Screen.queue, body)
    }

    mutating func withEndpoints<T>(_ token: Int, _ body: (inout EndpointsScreen) -> T) -> T? {
        modify(token, { if case .endpoints(let s) = $0 { s } else { nil } }, Screen.endpoints, body)
    }

    mutating func withIncidents<T>(_ token: Int, _ body: (inout IncidentsScreen) -> T) -> T? {
        modify(token, { if case .incidents(let s) = $0 { s } else { nil } }, Screen.incidents, body)
    }

    mutating func withIncidentPage<T>(_ token: Int, _ body: (inout IncidentPageScreen) -> T) -> T? {
        modify(token, { if case .incidentPage(let s) = $0 { s } else { nil } }, Screen.incidentPage, body)
    }

    mutating func withOutbox<T>(_ token: Int, _ body: (inout OutboxScreen) -> T) -> T? {
        modify(token, { if case .outbox(let s) = $0 { s } else { nil } }, Screen.outbox, body)
    }

    /// Keeps the list selection in view, moving the first shown row as little as possible.
    mutating func normalizeScroll() {
        let visible = listRows
        switch top {
        case .queue(let q):
            let offset = TableView.scrollOffset(selected: q.selected, current: q.scroll, visibleRows: visible, rowCount: q.rowCount)
            if offset != q.scroll { _ = withQueue(q.token) { $0.scroll = offset } }
        case .endpoints(let e):
            let offset = TableView.scrollOffset(selected: e.selected, current: e.scroll, visibleRows: visible, rowCount: e.rows.count)
            if offset != e.scroll { _ = withEndpoints(e.token) { $0.scroll = offset } }
        case .incidents(let s):
            let offset = TableView.scrollOffset(selected: s.selected, current: s.scroll, visibleRows: visible, rowCount: s.rows.count)
            if offset != s.scroll { _ = withIncidents(s.token) { $0.scroll = offset } }
        case .outbox(let s):
            let offset = TableView.scrollOffset(selected: s.selected, current: s.scroll, visibleRows: visible - 1, rowCount: s.rows.count)
            if offset != s.scroll { _ = withOutbox(s.token) { $0.scroll = offset } }
        default: break
        }
    }

    /// Visible table rows on list screens (title, header, table header, footer, bottom line,
    /// and the page banner while one is open).
    public var listRows: Int { max(1, size.height - 5 - bannerRows) }

    /// Rows the on-call page banner takes under the title.
    public var bannerRows: Int { overview.pages.isEmpty ? 0 : 1 }
}

/// What an action applies to: explicit rows (marks, the cursor row) or every member of a group.
public enum ActionTarget: Equatable, Sendable {
    case ids([Int64])
    case members(DetectionFilter, label: String)
}

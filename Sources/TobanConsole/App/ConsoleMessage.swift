import Foundation
import TobanCore
import TobanStore

/// Header and footer data: open counts, arrival rate, ingest health, customer names.
public struct Overview: Sendable, Equatable {
    public var openCounts: [OpenCount] = []
    public var rate: [Int] = []
    public var health: IngestHealth?
    public var customerNames: [String: String] = [:]
    /// Open P1/P2 detections nobody has confirmed to the customer yet, oldest first.
    public var awaiting: [AwaitingConfirmation] = []
    /// The on-call ladder's open pages (a banner on every console until acknowledged).
    public var pages: [Page] = []
    /// The most recently seen open P1 (a new one rings the bell).
    public var newestP1: Int64 = 0
    public init() {}
}

/// How a page of queue rows joins the window.
public enum PagePlacement: Sendable, Equatable {
    /// Replaces the window, read from the top; `latestID` is the newest id at that moment.
    case top(latestID: Int64)
    /// Replaces the window with the last rows.
    case bottom
    case append
    case prepend
}

/// Everything the detail screen shows.
public struct DetailData: Sendable, Equatable {
    public var detection: Detection
    public var related: RelatedDetections
    public var audit: [AuditRecord]
}

/// Everything the endpoint page shows.
public struct EndpointPageData: Sendable, Equatable {
    public var endpoint: Endpoint
    public var timeline: [TimelineItem]
    public var audit: [AuditRecord]
}

/// The result of an analyst action, for the message line, undo and cursor movement.
public struct ActionOutcome: Sendable, Equatable {
    public var summary: String
    public var groupID: String?
    public var detectionIDs: [Int64]
    /// Rows that should leave the window (closed by this action).
    public var removesRows: Bool
    public var at: Date
    public var screenToken: Int
    public var isUndo: Bool
    /// The cursor moves on past the acted-on row (dispositions, escalation).
    public var advances: Bool = false
    /// The queue's marks were used up by the action (linked to an incident).
    public var clearsMarks: Bool = false
}

/// Messages posted by background work and effects.
public enum ConsoleMessage: Sendable {
    /// One second passed: the time the footer and the ages show from now on.
    case tick(Date)
    /// Another connection committed (data_version moved).
    case storeChanged
    case overview(Overview)
    case queuePage(token: Int, generation: Int, placement: PagePlacement, rows: [Detection], selectID: Int64?, full: Bool)
    case queueGroups(token: Int, generation: Int, groups: [DetectionGroup], latestID: Int64)
    /// Fresh copies of rows on screen and the count of arrivals since the window was read.
    case queueRefresh(token: Int, rows: [Detection], groups: [DetectionGroup]?, newCount: Int)
    case detail(token: Int, DetailData)
    case endpoints(token: Int, generation: Int, rows: [Endpoint], append: Bool, full: Bool)
    case endpointsRefresh(token: Int, rows: [Endpoint])
    case endpointPage(token: Int, EndpointPageData)
    case incidents(token: Int, generation: Int, rows: [IncidentListEntry], append: Bool, full: Bool)
    case incidentPage(token: Int, IncidentDossier)
    case outbox(token: Int, OutboxListing)
    case preview(token: Int, lines: [String])
    /// F9 found these open incidents of the customer: offer them, or a new one.
    case escalationChoices(ActionTarget, customer: String, open: [Incident])
    /// The open incidents another one can merge into.
    case mergeChoices(incidentID: Int64, open: [Incident])
    /// The analyst's editor finished with a message's text (nil: unchanged or failed).
    case edited(notificationID: Int64, subject: String, body: String)
    case actionDone(ActionOutcome)
    case failed(String)
}

import Foundation
import TobanCore
import TobanStore

/// The incident list (`:incidents`, `I`): most urgent first, then the oldest.
public struct IncidentsScreen: Equatable, Sendable {
    public var token: Int
    public var queryText = ""
    public var filter = IncidentWorklistFilter()
    public var rows: [IncidentListEntry] = []
    public var atEnd = false
    public var selected = 0
    public var scroll = 0
    public var generation = 0
    public var loading = false
    public init(token: Int) { self.token = token }
    public var selectedIncident: Incident? { rows.indices.contains(selected) ? rows[selected].incident : nil }
}

/// One incident: state, owner, urgency and why, its detections (Enter opens one), its
/// endpoints' verdicts, what the customer was sent, notes and the history in sentences.
public struct IncidentPageScreen: Equatable, Sendable {
    public var token: Int
    public var incidentID: Int64
    public var data: IncidentDossier?
    /// Cursor over the page's openable lines: its detections, then its endpoints.
    public var cursor = 0
    public var scroll = 0
    public init(token: Int, incidentID: Int64) {
        self.token = token
        self.incidentID = incidentID
    }

    public var openableCount: Int { (data?.detections.count ?? 0) + (data?.endpoints.count ?? 0) }
}

/// The outbox (`:outbox`, `O`): every message not yet final, and the recently sent.
public struct OutboxScreen: Equatable, Sendable {
    public var token: Int
    /// `/` text: only messages whose customer, recipients, subject, state or kind contain it.
    public var queryText = ""
    public var rows: [CustomerNotification] = []
    public var pendingItems = 0
    public var selected = 0
    public var scroll = 0
    public var loading = false
    public init(token: Int) { self.token = token }
    public var selectedNotification: CustomerNotification? { rows.indices.contains(selected) ? rows[selected] : nil }
}

/// Exactly what a message will say (or said): headers and body, made safe to show.
public struct PreviewScreen: Equatable, Sendable {
    public var token: Int
    public var notificationID: Int64
    public var lines: [String]?
    public var scroll = 0
    public init(token: Int, notificationID: Int64) {
        self.token = token
        self.notificationID = notificationID
    }
}

/// A choice from a short list over the screen (join which incident, close with which
/// outcome, merge into which incident, assign to whom).
public struct PickerState: Equatable, Sendable {
    public enum Purpose: Equatable, Sendable {
        /// F9: a new incident (nil) or one to join; then the comment.
        case escalate(ActionTarget)
        case closeIncident(Int64)
        case mergeIncident(Int64)
        case assignIncident(Int64)
    }
    public struct Option: Equatable, Sendable {
        public var label: String
        /// The incident id, the outcome's raw value, the login… (nil: "a new incident").
        public var value: String?
        public init(_ label: String, value: String?) {
            self.label = label
            self.value = value
        }
    }
    public var title: String
    public var options: [Option]
    public var selected = 0
    public var purpose: Purpose
}

/// Ingest health behind the footer's counters: per-source lag, quarantine, silent sensors,
/// unassigned events, flood sampling.
public struct HealthScreen: Equatable, Sendable {
    public var token: Int
    public var scroll = 0
    public init(token: Int) { self.token = token }
}

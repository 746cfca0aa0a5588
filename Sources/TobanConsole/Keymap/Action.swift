import TobanCore

/// Everything a key can ask the console to do. Screens interpret actions; keys never
/// reach screen code directly, so rebinding is a configuration matter.
///
/// The config name (`move_down`, `disposition_3`) is what `[keys.*]` tables use.
public enum Action: Hashable, Sendable, CustomStringConvertible {
    case moveDown, moveUp, top, bottom, pageDown, pageUp
    case drillIn, back, quit
    case filter, command, help
    case submit, cancel
    case toggleMark, markVisible, markRange, acknowledge, claim
    /// Close the detection with disposition category 1…7.
    case disposition(Int)
    case noAction, escalate, undo
    case toggleGroup, jumpToNew
    case viewEndpoints, viewQueue
    case markSuspect, markCleared, markContained
    case refresh
    case viewIncidents, viewOutbox, viewHealth, acknowledgePage, confirm
    case advanceIncident, closeIncident, addNote, assignIncident, linkMarked, mergeIncident, reopenIncident, recordOnSite
    case preview, editMessage, sendNow, holdMessage, releaseMessage, mergeIntoDigest, cancelMessage, retryMessage

    public static let dispositionCategories = 1...7

    public static let allCases: [Action] =
        [.moveDown, .moveUp, .top, .bottom, .pageDown, .pageUp, .drillIn, .back, .quit,
         .filter, .command, .help, .submit, .cancel, .toggleMark, .markVisible, .markRange, .acknowledge, .claim]
        + dispositionCategories.map(Action.disposition)
        + [.noAction, .escalate, .undo, .toggleGroup, .jumpToNew, .viewEndpoints, .viewQueue,
           .markSuspect, .markCleared, .markContained, .refresh,
           .viewIncidents, .viewOutbox, .viewHealth, .acknowledgePage, .confirm,
           .advanceIncident, .closeIncident, .addNote, .assignIncident, .linkMarked, .mergeIncident, .reopenIncident, .recordOnSite,
           .preview, .editMessage, .sendNow, .holdMessage, .releaseMessage, .mergeIntoDigest, .cancelMessage, .retryMessage]

    public var configName: String {
        switch self {
        case .moveDown: return "move_down"
        case .moveUp: return "move_up"
        case .top: return "top"
        case .bottom: return "bottom"
        case .pageDown: return "page_down"
        case .pageUp: return "page_up"
        case .drillIn: return "drill_in"
        case .back: return "back"
        case .quit: return "quit"
        case .filter: return "filter"
        case .command: return "command"
        case .help: return "help"
        case .submit: return "submit"
        case .cancel: return "cancel"
        case .toggleMark: return "toggle_mark"
        case .markVisible: return "mark_visible"
        case .markRange: return "mark_range"
        case .acknowledge: return "acknowledge"
        case .claim: return "claim"
        case .disposition(let n): return "disposition_\(n)"
        case .noAction: return "no_action"
        case .escalate: return "escalate"
        case .undo: return "undo"
        case .toggleGroup: return "toggle_group"
        case .jumpToNew: return "jump_to_new"
        case .viewEndpoints: return "view_endpoints"
        case .viewQueue: return "view_queue"
        case .markSuspect: return "mark_suspect"
        case .markCleared: return "mark_cleared"
        case .markContained: return "mark_contained"
        case .refresh: return "refresh"
        case .viewIncidents: return "view_incidents"
        case .viewOutbox: return "view_outbox"
        case .viewHealth: return "view_health"
        case .acknowledgePage: return "acknowledge_page"
        case .confirm: return "confirm"
        case .advanceIncident: return "advance_incident"
        case .closeIncident: return "close_incident"
        case .addNote: return "add_note"
        case .assignIncident: return "assign_incident"
        case .linkMarked: return "link_marked"
        case .mergeIncident: return "merge_incident"
        case .reopenIncident: return "reopen_incident"
        case .recordOnSite: return "record_on_site"
        case .preview: return "preview"
        case .editMessage: return "edit_message"
        case .sendNow: return "send_now"
        case .holdMessage: return "hold_message"
        case .releaseMessage: return "release_message"
        case .mergeIntoDigest: return "merge_into_digest"
        case .cancelMessage: return "cancel_message"
        case .retryMessage: return "retry_message"
        }
    }

    public init?(configName: String) {
        guard let a = Self.allCases.first(where: { $0.configName == configName }) else { return nil }
        self = a
    }

    /// One line for the help screen.
    public var summary: String {
        switch self {
        case .moveDown: return "Move down"
        case .moveUp: return "Move up"
        case .top: return "Go to the first row"
        case .bottom: return "Go to the last row"
        case .pageDown: return "Page down"
        case .pageUp: return "Page up"
        case .drillIn: return "Open the selected item"
        case .back: return "Go back / close"
        case .quit: return "Quit Toban"
        case .filter: return "Filter the list"
        case .command: return "Enter a command"
        case .help: return "Show this help"
        case .submit: return "Accept the input"
        case .cancel: return "Discard the input"
        case .toggleMark: return "Mark / unmark for a bulk action"
        case .markVisible: return "Mark every row on screen"
        case .markRange: return "Mark from the nearest marked row to the cursor"
        case .acknowledge: return "Acknowledge (I am looking at it)"
        case .claim: return "Claim (assign to me)"
        case .disposition(let n): return "Close as " + (Disposition(category: n)?.label ?? "category \(n)")
        case .noAction: return "Close: no action needed"
        case .escalate: return "Escalate with a comment: a new incident, or join an open one of the customer (picker); the customer is told as their policy says (P1 at once)"
        case .undo: return "Undo the last change"
        case .toggleGroup: return "Cycle the grouping: signature, endpoint, customer, none (:group source for scans)"
        case .jumpToNew: return "Jump to the newest arrival"
        case .viewEndpoints: return "Show endpoints"
        case .viewQueue: return "Show the detection queue"
        case .markSuspect: return "Mark the endpoint suspect (被疑); the customer is notified"
        case .markCleared: return "Mark the endpoint cleared"
        case .markContained: return "Mark the endpoint contained"
        case .refresh: return "Redraw the screen"
        case .viewIncidents: return "Show incidents"
        case .viewOutbox: return "Show the outbox of customer notifications"
        case .viewHealth: return "Show ingest health: lag, quarantine, silent sensors, unassigned, flood"
        case .acknowledgePage: return "Acknowledge the on-call page in the banner (I have it)"
        case .confirm: return "Confirm to the customer without an incident: a message is drafted in the outbox with its deadline"
        case .advanceIncident: return "Advance the incident: investigating → customer notified → contained"
        case .closeIncident: return "Close the incident with an outcome (true/false positive, benign, duplicate)"
        case .addNote: return "Add a note to the incident"
        case .assignIncident: return "Assign the incident to an analyst"
        case .linkMarked: return "Link the detections marked in the queue to this incident"
        case .mergeIncident: return "Merge this incident into another open one of the customer (this one closes as duplicate)"
        case .reopenIncident: return "Reopen a closed incident (as a new incident linked to it)"
        case .recordOnSite: return "Record the customer's on-site request (駆け付け) within the ★★★ window"
        case .preview: return "Preview exactly what will be sent: headers and body"
        case .editMessage: return "Edit the message in $EDITOR (saved as a new, audited revision)"
        case .sendNow: return "Send now, whatever its due time"
        case .holdMessage: return "Hold the message, with a reason"
        case .releaseMessage: return "Release a held message"
        case .mergeIntoDigest: return "Send it with the customer's next digest instead"
        case .cancelMessage: return "Cancel the message, with a reason"
        case .retryMessage: return "Retry a dead message"
        }
    }

    public var description: String { configName }
}

/// Where the analyst is; each context has its own bindings.
public enum KeyContext: String, CaseIterable, Hashable, Sendable {
    case global, queue, endpoints
    case endpointPage = "endpoint_page"
    case detail, help, prompt
    case incidents
    case incidentPage = "incident_page"
    case outbox, preview, health

    /// Whether global bindings also apply. Not in a prompt: typing `q` into the filter
    /// must insert a `q`, not leave the screen.
    public var inheritsGlobal: Bool { self != .prompt && self != .global }

    public var title: String {
        switch self {
        case .global: return "Everywhere"
        case .queue: return "Detection queue"
        case .endpoints: return "Endpoints"
        case .endpointPage: return "Endpoint page"
        case .detail: return "Detection detail"
        case .help: return "Help"
        case .prompt: return "Filter / command line"
        case .incidents: return "Incidents"
        case .incidentPage: return "Incident page"
        case .outbox: return "Outbox"
        case .preview: return "Message preview"
        case .health: return "Ingest health"
        }
    }
}

import Foundation
import TobanCore
import TobanStore

/// Incidents: the list, the page, and the keys that work an incident to its close.
extension ConsoleModel {
    mutating func pushIncidents() -> [Effect] {
        let token = state.makeToken()
        var s = IncidentsScreen(token: token)
        s.loading = true
        state.stack.append(.incidents(s))
        return [.background(Loaders.incidents(store, token: token, generation: 0, filter: s.filter, after: nil, limit: environment.pageSize))]
    }

    mutating func pushIncidentPage(_ id: Int64) -> [Effect] {
        let token = state.makeToken()
        state.stack.append(.incidentPage(IncidentPageScreen(token: token, incidentID: id)))
        return [.background(Loaders.incidentPage(store, token: token, id: id))]
    }

    mutating func reloadIncidents(token: Int) -> [Effect] {
        var effects: [Effect] = []
        let env = environment
        state.withIncidents(token) { s in
            s.generation += 1
            s.loading = true
            effects.append(.background(Loaders.incidents(env.store, token: s.token, generation: s.generation, filter: s.filter,
                                                         after: nil, limit: env.pageSize)))
        }
        return effects
    }

    mutating func moveIncidents(token: Int, by delta: Int) -> [Effect] {
        var effects: [Effect] = []
        let env = environment
        state.withIncidents(token) { s in
            guard !s.rows.isEmpty else { return }
            s.selected = min(max(0, s.selected + delta), s.rows.count - 1)
            if s.selected >= s.rows.count - 20 && !s.atEnd && !s.loading {
                s.loading = true
                effects.append(.background(Loaders.incidents(env.store, token: s.token, generation: s.generation, filter: s.filter,
                                                             after: s.rows.last?.incident, limit: env.pageSize)))
            }
        }
        return effects
    }

    mutating func applyIncidents(token: Int, generation: Int, rows: [IncidentListEntry], append: Bool, full: Bool) {
        state.withIncidents(token) { s in
            guard s.generation == generation else { return }
            if append { s.rows += rows } else { s.rows = rows; s.selected = min(s.selected, max(0, rows.count - 1)) }
            s.atEnd = !full
            s.loading = false
        }
    }

    mutating func moveIncidentPage(token: Int, by delta: Int) {
        state.withIncidentPage(token) { p in
            let count = p.openableCount
            guard count > 0 else { p.scroll = max(0, p.scroll + delta); return }
            p.cursor = min(max(0, p.cursor + delta), count - 1)
        }
    }

    /// The `/` language read for incidents: cust, urg, sig (title), assignee (owner), ip
    /// (one address), age (opened within), status (open, closed, all).
    static func incidentFilter(_ text: String, customers: [String: String], me: String, now: Date) -> (IncidentWorklistFilter, String?) {
        var f = IncidentWorklistFilter()
        var words: [String] = []
        var statusError: String?
        for word in text.split(separator: " ").map(String.init) {
            guard word.lowercased().hasPrefix("status:") else { words.append(word); continue }
            switch word.dropFirst("status:".count).lowercased() {
            case "open": f.includeOpen = true; f.includeClosed = false
            case "closed": f.includeOpen = false; f.includeClosed = true
            case "all": f.includeOpen = true; f.includeClosed = true
            default: statusError = "incidents: status:open, status:closed or status:all"
            }
        }
        let (q, error) = FilterQuery.parse(words.joined(separator: " "), customers: customers, me: me)
        if let error = error ?? statusError { return (f, error) }
        f.customers = q.customers
        f.urgencies = q.urgencies
        f.titleContains = q.signature
        f.owner = q.assignee
        if let maxAge = q.maxAge { f.createdSince = now.addingTimeInterval(-maxAge) }
        if let a = q.address {
            guard case .address(let ip) = a else { return (f, "incidents: ip: takes one address") }
            f.endpoint = ip
        }
        if q.sensor != nil { return (f, "incidents have no sensor: filter") }
        return (f, nil)
    }

    /// The incident the keys act on: the page's, or the list's selected row.
    var currentIncident: Incident? {
        switch state.top {
        case .incidents(let s): return s.selectedIncident
        case .incidentPage(let p): return p.data?.incident
        default: return nil
        }
    }

    mutating func performIncident(_ action: Action) -> [Effect] {
        guard let incident = currentIncident else {
            setMessage(environment.labels("no incident selected"), error: true)
            return []
        }
        let id = incident.id
        let name = Incident.displayID(id: id, createdAt: incident.createdAt)
        let store = self.store, actor = environment.analyst, now = self.now, labels = environment.labels
        switch action {
        case .advanceIncident:
            guard let next = incident.state.advanced else {
                setMessage(labels.fill("{} is {}: only closing remains (x)", name, labels.term("state", incident.state.label)), error: true)
                return []
            }
            return [storeJob("\(name) → \(labels.term("state", next.label))", undoable: true) {
                try store.transitionIncident(id: id, to: next, actor: actor, at: now)
            }]
        case .closeIncident:
            guard incident.state != .closed else { setMessage(labels.fill("{} is already closed", name), error: true); return [] }
            state.picker = PickerState(title: labels.fill("Close {} as", name),
                                       options: IncidentOutcome.allCases.map { .init(labels.term("outcome", $0.label), value: $0.rawValue) },
                                       purpose: .closeIncident(id))
            return []
        case .claim:
            return [storeJob(labels.fill("{} claimed", name), undoable: true) { try store.assignIncident(id, to: actor, actor: actor, at: now) }]
        case .assignIncident:
            let logins = environment.analysts.isEmpty ? [actor] : environment.analysts
            state.picker = PickerState(title: labels.fill("Assign {} to", name), options: logins.map { .init($0, value: $0) }, purpose: .assignIncident(id))
            return []
        case .addNote:
            state.prompt = PromptState(kind: .incidentNote(id), input: TextInput())
            return []
        case .linkMarked:
            let marks = queueMarks()
            guard !marks.isEmpty else {
                setMessage(labels("mark detections in the queue first (v), then L here links them"), error: true)
                return []
            }
            return [storeJob(labels.fill("{} detection(s) linked to {}; the customer hears of them as part of it", "\(marks.count)", name), undoable: false,
                                clearsMarks: true) {
                try store.linkDetections(marks, toIncident: id, comment: nil, actor: actor, at: now).groupID
            }]
        case .mergeIncident:
            guard incident.state != .closed else { setMessage(labels.fill("{} is closed; only open incidents merge", name), error: true); return [] }
            return [.background { inbox in
                Loaders.guarded(inbox, "merge") {
                    let others = try store.openIncidents(customer: incident.customerID, limit: 50).filter { $0.id != id }
                    return .mergeChoices(incidentID: id, open: others)
                }
            }]
        case .reopenIncident:
            guard incident.state == .closed else { setMessage(labels.fill("{} is open; only a closed incident is reopened", name), error: true); return [] }
            state.prompt = PromptState(kind: .reopenComment(id), input: TextInput())
            return []
        case .recordOnSite:
            state.prompt = PromptState(kind: .onSiteNote(id), input: TextInput())
            return []
        default:
            return []
        }
    }

    /// Detection ids marked on the nearest queue below the top of the stack.
    func queueMarks() -> [Int64] {
        for screen in state.stack.reversed() {
            if case .queue(let q) = screen, !q.marks.isEmpty { return q.marks.sorted() }
        }
        return []
    }

    /// A store write (an incident's or a message's), reported on the message line; the
    /// incident and outbox screens re-read afterwards. `clearsMarks`: the queue's marks
    /// were used up (linked to an incident).
    func storeJob(_ summary: String, undoable: Bool, clearsMarks: Bool = false,
                     _ body: @escaping @Sendable () throws -> String) -> Effect {
        let token = state.top.token, now = self.now, labels = environment.labels
        return .background { inbox in
            Loaders.guarded(inbox, "incident") {
                let group = try body()
                return .actionDone(ActionOutcome(summary: summary + (undoable ? labels(" — u to undo") : ""), groupID: undoable ? group : nil,
                                                 detectionIDs: [], removesRows: false, at: now, screenToken: token, isUndo: false,
                                                 clearsMarks: clearsMarks))
            }
        }
    }

    mutating func submitIncidentPrompt(_ kind: PromptState.Kind, text: String) -> [Effect] {
        let store = self.store, actor = environment.analyst, now = self.now, labels = environment.labels
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        switch kind {
        case .incidentNote(let id):
            guard !trimmed.isEmpty else { state.prompt?.error = labels("a note needs some text"); return [] }
            state.prompt = nil
            return [storeJob(labels("note added"), undoable: false) { try store.addIncidentNote(id, note: trimmed, actor: actor, at: now) }]
        case let .closeComment(id, outcome):
            state.prompt = nil
            return [storeJob(labels.fill("incident closed as {}; its detections close with it", labels.term("outcome", outcome.label)), undoable: true) {
                try store.transitionIncident(id: id, to: .closed, outcome: outcome, actor: actor, at: now,
                                             comment: trimmed.isEmpty ? nil : trimmed)
            }]
        case .reopenComment(let id):
            guard !trimmed.isEmpty else { state.prompt?.error = labels("say why it is reopened"); return [] }
            state.prompt = nil
            let token = state.top.token
            return [.background { inbox in
                Loaders.guarded(inbox, "reopen") {
                    let fresh = try store.reopenIncident(id, comment: trimmed, actor: actor, at: now)
                    return .actionDone(ActionOutcome(summary: labels.fill("reopened as {}", Incident.displayID(id: fresh.id, createdAt: fresh.createdAt)),
                                                     groupID: nil, detectionIDs: [], removesRows: false, at: now, screenToken: token,
                                                     isUndo: false))
                }
            }]
        case .onSiteNote(let id):
            state.prompt = nil
            return [storeJob(labels("on-site request recorded"), undoable: false) {
                try store.recordOnSiteRequest(id, note: trimmed, actor: actor, at: now)
            }]
        case .joinComment(let incidentID):
            guard !trimmed.isEmpty else { state.prompt?.error = labels("an escalation needs a comment"); return [] }
            guard let target = state.pendingTarget else { state.prompt = nil; return [] }
            state.prompt = nil
            state.pendingTarget = nil
            let token = currentTarget()?.token ?? state.top.token
            return [.background(Self.triageJob(store, kind: .join(incidentID: incidentID, comment: trimmed), target: target,
                                               actor: actor, now: now, token: token, labels: labels))]
        default:
            return []
        }
    }
}

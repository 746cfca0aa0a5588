import Foundation
import TobanCore
import TobanStore

/// A detection action the keys can ask for.
enum TriageKind: Sendable, Equatable {
    case acknowledge, claim
    case dispose(Disposition)
    case escalate(comment: String)
    /// Escalate into an open incident.
    case join(incidentID: Int64, comment: String)
    /// Confirm to the customer without an incident.
    case confirm(note: String)

    func verb(_ labels: Labels) -> String {
        switch self {
        case .acknowledge: return labels("acknowledged")
        case .claim: return labels("claimed")
        case .dispose(let d): return labels.fill("closed as {}", d.shortLabel)
        case .escalate, .join: return labels("escalated")
        case .confirm: return labels("confirmed to the customer")
        }
    }

    /// Dispositions and escalations move the cursor on to the next item (Sguil's model).
    var advances: Bool {
        switch self {
        case .dispose, .escalate, .join, .confirm: return true
        case .acknowledge, .claim: return false
        }
    }
}

/// Largest group an action may touch in one go.
let groupActionLimit = 10_000

extension ConsoleModel {
    /// Marks, else the group under the cursor, else the row under the cursor (queue); the
    /// detection shown (detail).
    func currentTarget() -> (target: ActionTarget, token: Int)? {
        switch state.top {
        case .queue(let q):
            if !q.marks.isEmpty { return (.ids(q.marks.sorted()), q.token) }
            if let g = q.selectedGroup { return (.members(g.narrowing(q.filter), label: groupLabel(g)), q.token) }
            if let d = q.selectedDetection { return (.ids([d.id]), q.token) }
            return nil
        case .detail(let d):
            return (.ids([d.detectionID]), d.token)
        case .endpoints(let e):
            guard let ep = e.selectedEndpoint else { return nil }
            return (Self.endpointTarget(customer: ep.customerID, address: ep.address), e.token)
        case .endpointPage(let p):
            return (Self.endpointTarget(customer: p.customerID, address: p.address), p.token)
        default:
            return nil
        }
    }

    /// An endpoint's open detections: what F9 and C act on from the endpoint screens.
    static func endpointTarget(customer: String, address: IPAddress) -> ActionTarget {
        var filter = DetectionFilter(customers: [customer])
        filter.endpoint = address.description
        // Not yet told or decided: escalated and closed ones already were.
        filter.statuses = [.new, .acknowledged, .inTriage]
        return .members(filter, label: "endpoint \(address)")
    }

    mutating func triage(_ kind: TriageKind) -> [Effect] {
        guard let (target, token) = currentTarget() else { return [] }
        return [.background(Self.triageJob(store, kind: kind, target: target, actor: environment.analyst, now: now, token: token,
                                           labels: environment.labels))]
    }

    static func triageJob(_ store: TobanStore, kind: TriageKind, target: ActionTarget, actor: String, now: Date, token: Int,
                          outbox: (any OutboxDriver)? = nil, labels: Labels = Labels()) -> Loaders.Job {
        { inbox in
            Loaders.guarded(inbox, "action") {
                let ids: [Int64]
                let what: String
                switch target {
                case .ids(let list):
                    ids = list
                    what = list.count == 1 ? "#\(list[0])" : labels.fill("{} detections", "\(list.count)")
                case .members(let filter, let label):
                    ids = try store.detectionIDs(filter, limit: groupActionLimit)
                    what = labels.fill("{} in {}", "\(ids.count)", label)
                }
                guard !ids.isEmpty else { return .failed(labels("nothing to act on")) }
                let result: ActionResult
                var extra = ""
                switch kind {
                case .acknowledge: result = try store.acknowledge(ids, actor: actor, at: now)
                case .claim: result = try store.claim(ids, actor: actor, at: now)
                case .dispose(let d): result = try store.dispose(ids, disposition: d, actor: actor, at: now)
                case .escalate(let comment):
                    let (incident, r) = try store.escalate(ids, comment: comment, actor: actor, at: now)
                    result = r
                    extra = labels.fill(" into {}", Incident.displayID(id: incident.id, createdAt: incident.createdAt))
                case .join(let incidentID, let comment):
                    let (incident, r) = try store.escalate(ids, joining: incidentID, comment: comment, actor: actor, at: now)
                    result = r
                    extra = labels.fill(", joined {}", Incident.displayID(id: incident.id, createdAt: incident.createdAt))
                case .confirm(let note):
                    result = try store.confirm(ids, note: note, actor: actor, at: now)
                    try outbox?.assemble(at: now)
                    extra = labels(" (drafted in the outbox, O)")
                }
                var removes = false
                if case .dispose = kind { removes = true }
                return .actionDone(ActionOutcome(summary: "\(what) \(kind.verb(labels))\(extra)" + labels(" — u to undo"), groupID: result.groupID,
                                                 detectionIDs: result.detectionIDs, removesRows: removes, at: now,
                                                 screenToken: token, isUndo: false, advances: kind.advances))
            }
        }
    }

    /// F9: first the open incidents of the customer, to join one or open a new one.
    mutating func beginEscalate() -> [Effect] {
        guard let (target, _) = currentTarget() else { return [] }
        return [.background(Loaders.escalationChoices(store, target: target))]
    }

    /// The picker F9 offers: a new incident first, then the customer's open incidents.
    mutating func offerEscalation(_ target: ActionTarget, customer: String, open: [Incident]) {
        guard !open.isEmpty else {
            state.pendingTarget = target
            state.prompt = PromptState(kind: .escalateComment, input: TextInput())
            return
        }
        var options = [PickerState.Option(environment.labels("New incident"), value: nil)]
        options += open.map { i in
            .init(environment.labels.fill("join {}", Incident.displayID(id: i.id, createdAt: i.createdAt))
                  + "  \(i.urgency.label)  \(environment.labels.term("state", i.state.label))  \(i.title)",
                  value: "\(i.id)")
        }
        let name = state.overview.customerNames[customer] ?? customer
        state.picker = PickerState(title: environment.labels.fill("Escalate ({}): a new incident, or join an open one", name), options: options,
                                   purpose: .escalate(target))
    }

    mutating func beginConfirm() -> [Effect] {
        guard let (target, _) = currentTarget() else { return [] }
        state.pendingTarget = target
        state.prompt = PromptState(kind: .confirmNote, input: TextInput())
        return []
    }

    mutating func submitConfirm(note: String) -> [Effect] {
        guard let target = state.pendingTarget else { return [] }
        state.pendingTarget = nil
        let token = currentTarget()?.token ?? state.top.token
        return [.background(Self.triageJob(store, kind: .confirm(note: note.trimmingCharacters(in: .whitespaces)), target: target,
                                           actor: environment.analyst, now: now, token: token, outbox: environment.outbox,
                                           labels: environment.labels))]
    }

    mutating func submitEscalate(comment: String) -> [Effect] {
        guard let target = state.pendingTarget else { return [] }
        state.pendingTarget = nil
        let token = currentTarget()?.token ?? state.top.token
        return [.background(Self.triageJob(store, kind: .escalate(comment: comment), target: target, actor: environment.analyst,
                                           now: now, token: token, labels: environment.labels))]
    }

    mutating func beginEndpointStatus(_ status: EndpointStatus) -> [Effect] {
        let target: (String, IPAddress)?
        switch state.top {
        case .endpoints(let e): target = e.selectedEndpoint.map { ($0.customerID, $0.address) }
        case .endpointPage(let p): target = (p.customerID, p.address)
        default: target = nil
        }
        guard let (customer, address) = target else { return [] }
        state.prompt = PromptState(kind: .endpointNote(customer: customer, address: address, status: status), input: TextInput())
        return []
    }

    mutating func submitEndpointStatus(customer: String, address: IPAddress, status: EndpointStatus, note: String) -> [Effect] {
        let labels = environment.labels
        let store = self.store, actor = environment.analyst, now = self.now, token = state.top.token
        let trimmed = note.trimmingCharacters(in: .whitespaces)
        return [.background { inbox in
            Loaders.guarded(inbox, "endpoint status") {
                let group = try store.setEndpointStatus(customer: customer, address: address, status: status,
                                                        note: trimmed.isEmpty ? nil : trimmed, actor: actor, at: now)
                return .actionDone(ActionOutcome(summary: labels.fill("{} marked {}", "\(address)", labels.status(status)) + labels(" — u to undo"),
                                                 groupID: group, detectionIDs: [], removesRows: false, at: now,
                                                 screenToken: token, isUndo: false))
            }
        }]
    }

    mutating func undo() -> [Effect] {
        guard let last = state.lastAction else {
            setMessage(environment.labels("nothing to undo"), error: true)
            return []
        }
        let age = now.timeIntervalSince(last.at)
        guard age <= environment.undoWindow else {
            setMessage(environment.labels.fill("undo refused: the last action was {} s ago (limit {} s)", "\(Int(age))", "\(Int(environment.undoWindow))"),
                       error: true)
            return []
        }
        let store = self.store, actor = environment.analyst, now = self.now, token = state.top.token, labels = environment.labels
        return [.background { inbox in
            Loaders.guarded(inbox, "undo") {
                let group = try store.undo(group: last.groupID, actor: actor, at: now)
                let ids = try store.audit(group: last.groupID).compactMap { $0.entry.subject == .detection ? Int64($0.entry.subjectID) : nil }
                return .actionDone(ActionOutcome(summary: labels.fill("undone: {}", last.summary.replacingOccurrences(of: labels(" — u to undo"), with: "")),
                                                 groupID: group, detectionIDs: ids, removesRows: false, at: now,
                                                 screenToken: token, isUndo: true))
            }
        }]
    }

    /// Re-reads the incident and outbox screens in the stack.
    mutating func refreshEscalationScreens() -> [Effect] {
        var effects: [Effect] = []
        for screen in state.stack {
            switch screen {
            case .incidents(let s): effects += reloadIncidents(token: s.token)
            case .incidentPage(let p): effects.append(.background(Loaders.incidentPage(store, token: p.token, id: p.incidentID)))
            case .outbox(let s): effects.append(.background(Loaders.outbox(store, token: s.token, now: now)))
            default: break
            }
        }
        return effects
    }

    mutating func applyOutcome(_ o: ActionOutcome) -> [Effect] {
        setMessage(o.summary)
        if o.isUndo {
            state.lastAction = nil
        } else if let g = o.groupID {
            state.lastAction = LastAction(groupID: g, summary: o.summary, at: o.at)
        }
        var effects: [Effect] = [.background(Loaders.overview(store, now: now))]
        guard let i = state.index(of: o.screenToken) else { return effects + refreshTop() + refreshEscalationScreens() }
        switch state.stack[i] {
        case .queue(let q):
            let ids = Set(o.detectionIDs)
            var reload: (PagePlacement, Int64?)?
            state.withQueue(q.token) { s in
                s.marks.subtract(ids)
                if o.isUndo {
                    // Restored rows come back into the window: re-read it around the cursor row.
                    reload = (.top(latestID: 0), s.selectedDetection?.id)
                    return
                }
                if s.isGrouped { reload = (.top(latestID: 0), nil); return }
                let before = s.rows.prefix(s.selected).filter { ids.contains($0.id) }.count
                if o.removesRows && !s.filter.statuses.contains(.closed) {
                    s.rows.removeAll { ids.contains($0.id) }
                    s.selected = max(0, s.selected - before)
                } else if o.advances, s.selectedDetection.map({ ids.contains($0.id) }) == true {
                    s.selected += 1
                }
                s.selected = min(s.selected, max(0, s.rows.count - 1))
            }
            if let (placement, select) = reload {
                effects += reloadQueue(token: q.token, placement: placement, selectID: select)
            } else if let fresh = state.index(of: q.token), case .queue(let nq) = state.stack[fresh] {
                effects.append(.background(refreshJob(nq)))
            }
        case .detail(let d):
            effects.append(.background(Loaders.detail(store, token: d.token, id: d.detectionID)))
        case .endpoints(let e):
            effects.append(.background(Loaders.endpointsRefresh(store, token: e.token, keys: e.rows.map { ($0.customerID, $0.address) })))
        case .endpointPage(let p):
            effects.append(.background(Loaders.endpointPage(store, token: p.token, customer: p.customerID, address: p.address)))
        case .help:
            break
        case .incidents, .incidentPage, .outbox, .preview, .health:
            break
        }
        // Marks linked to an incident are spent.
        if o.clearsMarks {
            for screen in state.stack { if case .queue(let q) = screen { state.withQueue(q.token) { $0.marks = [] } } }
        }
        // Incident and outbox screens anywhere in the stack show the action's effect.
        return effects + refreshEscalationScreens()
    }
}

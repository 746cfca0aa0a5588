import Foundation
import TobanCore
import TobanStore

/// The console program: one state value, one update function, views as pure functions of
/// the state. Store reads and writes run as background effects that post messages back.
public struct ConsoleModel: ConsoleApp {
    public typealias Message = ConsoleMessage
    public typealias Effect = ConsoleEffect<ConsoleMessage>

    public var state: ConsoleState
    public let environment: ConsoleEnvironment

    /// Overview refresh period in clock ticks when nothing else changes it (lag grows with time).
    static let overviewEveryTicks = 10
    /// A header request still unanswered after this many ticks is given up (it failed).
    static let overviewTimeoutTicks = 5

    public init(environment: ConsoleEnvironment) {
        self.environment = environment
        state = ConsoleState(root: .queue(QueueScreen(token: 1, title: "Queue", baseFilter: DetectionFilter())),
                             now: environment.clock.now)
        state.asciiText = !environment.utf8Text
    }

    /// When an action happens (audit rows, undo windows, `age:` filters): read when the
    /// analyst acts, not at the last tick.
    var now: Date { environment.clock.now }
    var store: TobanStore { environment.store }

    // MARK: - Update

    public mutating func update(_ event: ConsoleEvent<ConsoleMessage>) -> [Effect] {
        let effects = dispatch(event)
        state.normalizeScroll()
        return effects
    }

    mutating func dispatch(_ event: ConsoleEvent<ConsoleMessage>) -> [Effect] {
        switch event {
        case .resized(let size):
            let first = !queueLoadedOnce
            state.size = size
            return first ? start() : []
        case .key(let key):
            return handle(key: key)
        case .message(let message):
            return handle(message: message)
        }
    }

    private var queueLoadedOnce: Bool {
        if case .queue(let q) = state.stack[0] { return q.loadedOnce || q.loading }
        return true
    }

    /// First frame: read the queue and the header data.
    mutating func start() -> [Effect] {
        var effects: [Effect] = loadOverview()
        effects += reloadQueue(token: state.stack[0].token, placement: .top(latestID: 0), selectID: nil)
        return effects
    }

    mutating func setMessage(_ text: String?, error: Bool = false) {
        state.message = text
        state.messageIsError = error
    }

    // MARK: Keys

    mutating func handle(key: Key) -> [Effect] {
        if state.prompt != nil { return handlePrompt(key: key) }
        if state.picker != nil { return handlePicker(key: key) }
        let context = state.top.keyContext
        var effects: [Effect] = []
        for outcome in state.matcher.feed(key, in: context, keymap: environment.keymap) {
            if case .action(let action) = outcome {
                // Nothing acts on what the analyst cannot see: below the minimum size the
                // screen shows only "Terminal too small", so only leaving and help work.
                if TooSmallMessage.isTooSmall(state.size), !Self.worksWhileHidden(action) {
                    setMessage(environment.labels.fill("the terminal is too small to act (needs {})", "\(TooSmallMessage.minimum)"), error: true)
                    continue
                }
                if state.message != nil && action != .undo { setMessage(nil) }
                effects += perform(action)
            }
        }
        return effects
    }

    /// Keys that change nothing in the store: safe on a screen the analyst cannot read.
    static func worksWhileHidden(_ action: Action) -> Bool {
        switch action {
        case .quit, .back, .help, .refresh, .cancel, .submit: return true
        default: return false
        }
    }

    mutating func perform(_ action: Action) -> [Effect] {
        switch action {
        case .moveDown: return move(by: 1)
        case .moveUp: return move(by: -1)
        case .pageDown: return move(by: state.listRows)
        case .pageUp: return move(by: -state.listRows)
        case .top: return moveToEnd(top: true)
        case .bottom: return moveToEnd(top: false)
        case .back:
            if state.stack.count == 1 { return [.quit] }
            state.stack.removeLast()
            return refreshTop()
        case .quit: return [.quit]
        case .help:
            if case .help = state.top { state.stack.removeLast(); return [] }
            state.stack.append(.help(HelpScreen(token: state.makeToken())))
            return []
        case .filter:
            switch state.top {
            case .queue(let q): state.prompt = PromptState(kind: .filter, input: TextInput(q.queryText))
            case .incidents(let s): state.prompt = PromptState(kind: .filter, input: TextInput(s.queryText))
            case .endpoints(let s): state.prompt = PromptState(kind: .filter, input: TextInput(s.queryText))
            case .outbox(let s): state.prompt = PromptState(kind: .filter, input: TextInput(s.queryText))
            default: return []
            }
            revalidatePrompt()
            return []
        case .command:
            state.prompt = PromptState(kind: .command, input: TextInput())
            return []
        case .viewEndpoints:
            if case .endpoints = state.top { return [] }
            return pushEndpoints()
        case .viewQueue:
            state.stack.removeSubrange(1...)
            return refreshTop()
        case .refresh:
            return [.repaint] + reloadTop()
        case .drillIn: return drillIn()
        case .jumpToNew:
            guard case .queue(let q) = state.top else { return [] }
            state.newP1Arrived = false
            return reloadQueue(token: q.token, placement: .top(latestID: 0), selectID: nil)
        case .toggleGroup:
            guard case .queue(let q) = state.top else { return [] }
            let order: [DetectionGrouping?] = [nil, .signature, .endpoint, .customer]
            let next = order[((order.firstIndex(of: q.grouping) ?? 0) + 1) % order.count]
            return setGrouping(next)
        case .toggleMark: return toggleMark()
        case .markVisible: return markVisible()
        case .markRange: return markRange()
        case .acknowledge: return triage(.acknowledge)
        case .claim:
            switch state.top {
            case .incidents, .incidentPage: return performIncident(.claim)
            default: return triage(.claim)
            }
        case .disposition(let n):
            guard let d = Disposition(category: n) else { return [] }
            return triage(.dispose(d))
        case .noAction: return triage(.dispose(.noAction))
        case .escalate: return beginEscalate()
        case .undo: return undo()
        case .markSuspect: return beginEndpointStatus(.suspect)
        case .markCleared: return beginEndpointStatus(.cleared)
        case .markContained: return beginEndpointStatus(.contained)
        case .viewIncidents:
            if case .incidents = state.top { return [] }
            return pushIncidents()
        case .viewOutbox:
            if case .outbox = state.top { return [] }
            return pushOutbox()
        case .viewHealth:
            if case .health = state.top { return [] }
            state.stack.append(.health(HealthScreen(token: state.makeToken())))
            return loadOverview()
        case .acknowledgePage: return acknowledgePage()
        case .confirm: return beginConfirm()
        case .advanceIncident, .closeIncident, .addNote, .assignIncident, .linkMarked, .mergeIncident, .reopenIncident, .recordOnSite:
            return performIncident(action)
        case .preview, .editMessage, .sendNow, .holdMessage, .releaseMessage, .mergeIntoDigest, .cancelMessage, .retryMessage:
            return performOutbox(action)
        case .submit, .cancel: return []
        }
    }

    /// `!`: "I have it" for the page in the banner (the oldest most urgent one).
    mutating func acknowledgePage() -> [Effect] {
        guard let page = state.overview.pages.first else {
            setMessage(environment.labels("no open page to acknowledge"))
            return []
        }
        let store = self.store, actor = environment.analyst, now = self.now, token = state.top.token, labels = environment.labels
        state.overview.pages.removeFirst()
        return [.background { inbox in
            Loaders.guarded(inbox, "acknowledge page") {
                let chain = try store.acknowledgePage(page.id, actor: actor, at: now)
                return .actionDone(ActionOutcome(summary: chain == nil ? labels("that page was already acknowledged")
                                                     : labels.fill("page acknowledged: {}", page.summary),
                                                 groupID: nil, detectionIDs: [], removesRows: false, at: now, screenToken: token, isUndo: false))
            }
        }]
    }

    // MARK: Navigation

    mutating func move(by delta: Int) -> [Effect] {
        switch state.top {
        case .queue(let q): return moveQueue(token: q.token, by: delta)
        case .endpoints(let e):
            var effects: [Effect] = []
            let env = environment
            state.withEndpoints(e.token) { s in
                guard !s.rows.isEmpty else { return }
                s.selected = min(max(0, s.selected + delta), s.rows.count - 1)
                if s.selected >= s.rows.count - 20 && !s.atEnd && !s.loading {
                    s.loading = true
                    effects.append(.background(Loaders.endpoints(env.store, token: s.token, generation: s.generation,
                                                                 after: s.lastLoaded ?? s.rows.last, limit: env.pageSize)))
                }
            }
            return effects
        case .detail(var d):
            d.scroll = max(0, d.scroll + delta)
            state.stack[state.stack.count - 1] = .detail(d)
        case .endpointPage(var p):
            // j/k walk the timeline's detections; the page scrolls to keep the cursor shown.
            let count = p.timelineDetections.count
            if count > 0 { p.cursor = min(max(0, p.cursor + delta), count - 1) } else { p.scroll = max(0, p.scroll + delta) }
            state.stack[state.stack.count - 1] = .endpointPage(p)
        case .help(var h):
            // Never past the last line: the end of help stays on screen.
            let visible = max(1, state.size.height - 3 - state.bannerRows)
            let last = max(0, HelpContent(keymap: environment.keymap).lineCount - visible)
            h.scroll = min(max(0, h.scroll + delta), last)
            state.stack[state.stack.count - 1] = .help(h)
        case .incidents(let s):
            return moveIncidents(token: s.token, by: delta)
        case .incidentPage(let p):
            moveIncidentPage(token: p.token, by: delta)
        case .outbox(let o):
            state.withOutbox(o.token) { s in
                guard !s.rows.isEmpty else { return }
                s.selected = min(max(0, s.selected + delta), s.rows.count - 1)
            }
        case .preview(var p):
            p.scroll = max(0, p.scroll + delta)
            state.stack[state.stack.count - 1] = .preview(p)
        case .health(var h):
            h.scroll = max(0, h.scroll + delta)
            state.stack[state.stack.count - 1] = .health(h)
        }
        return []
    }

    mutating func moveToEnd(top: Bool) -> [Effect] {
        switch state.top {
        case .queue(let q):
            if q.isGrouped || (top ? q.atStart : q.atEnd) {
                state.withQueue(q.token) { $0.selected = top ? 0 : max(0, $0.rowCount - 1) }
                return []
            }
            return reloadQueue(token: q.token, placement: top ? .top(latestID: 0) : .bottom, selectID: nil)
        case .endpoints(let e):
            state.withEndpoints(e.token) { $0.selected = top ? 0 : max(0, $0.rows.count - 1) }
            return []
        case .incidents(let s):
            state.withIncidents(s.token) { $0.selected = top ? 0 : max(0, $0.rows.count - 1) }
            return []
        case .outbox(let s):
            state.withOutbox(s.token) { $0.selected = top ? 0 : max(0, $0.rows.count - 1) }
            return []
        case .detail, .endpointPage, .help, .incidentPage, .preview, .health:
            return move(by: top ? -1_000_000 : 1_000_000)
        }
    }

    mutating func drillIn() -> [Effect] {
        switch state.top {
        case .queue(let q):
            if let g = q.selectedGroup {
                var screen = QueueScreen(token: state.makeToken(), title: groupLabel(g), baseFilter: g.narrowing(q.filter))
                screen.filter = screen.baseFilter
                state.stack.append(.queue(screen))
                return reloadQueue(token: screen.token, placement: .top(latestID: 0), selectID: nil)
            }
            guard let d = q.selectedDetection else {
                if q.loading {
                    state.withQueue(q.token) { $0.pendingDrill = true }
                    setMessage(environment.labels("loading… (Enter opens the selected row when it arrives)"))
                }
                return []
            }
            return pushDetail(d.id)
        case .detail(let d):
            // Enter on the detail opens the endpoint page of its endpoint.
            guard let det = d.data?.detection, let ep = det.endpoint else { return [] }
            return pushEndpointPage(customer: det.customerID, address: ep)
        case .endpoints(let e):
            guard let ep = e.selectedEndpoint else { return [] }
            return pushEndpointPage(customer: ep.customerID, address: ep.address)
        case .incidents(let s):
            guard let i = s.selectedIncident else { return [] }
            return pushIncidentPage(i.id)
        case .incidentPage(let p):
            guard let data = p.data else { return [] }
            if p.cursor < data.detections.count { return pushDetail(data.detections[p.cursor].id) }
            let e = p.cursor - data.detections.count
            guard data.endpoints.indices.contains(e) else { return [] }
            return pushEndpointPage(customer: data.endpoints[e].customerID, address: data.endpoints[e].address)
        case .outbox(let s):
            guard let n = s.selectedNotification else { return [] }
            return pushPreview(n.id)
        case .endpointPage(let p):
            let detections = p.timelineDetections
            guard detections.indices.contains(p.cursor) else { return [] }
            return pushDetail(detections[p.cursor].id)
        case .help, .preview, .health:
            return []
        }
    }

    mutating func pushDetail(_ id: Int64) -> [Effect] {
        let token = state.makeToken()
        state.stack.append(.detail(DetailScreen(token: token, detectionID: id)))
        return [.background(Loaders.detail(store, token: token, id: id))]
    }

    mutating func pushEndpoints() -> [Effect] {
        let token = state.makeToken()
        var s = EndpointsScreen(token: token)
        s.loading = true
        state.stack.append(.endpoints(s))
        return [.background(Loaders.endpoints(store, token: token, generation: 0, after: nil, limit: environment.pageSize))]
    }

    mutating func pushEndpointPage(customer: String, address: IPAddress) -> [Effect] {
        let token = state.makeToken()
        state.stack.append(.endpointPage(EndpointPageScreen(token: token, customerID: customer, address: address)))
        return [.background(Loaders.endpointPage(store, token: token, customer: customer, address: address))]
    }

    /// After going back: bring the screen now on top up to date without moving it.
    mutating func refreshTop() -> [Effect] {
        switch state.top {
        case .queue(let q): return [.background(refreshJob(q))]
        case .detail(let d): return [.background(Loaders.detail(store, token: d.token, id: d.detectionID))]
        case .endpoints(let e): return [.background(Loaders.endpointsRefresh(store, token: e.token, keys: e.rows.map { ($0.customerID, $0.address) }))]
        case .endpointPage(let p): return [.background(Loaders.endpointPage(store, token: p.token, customer: p.customerID, address: p.address))]
        case .help: return []
        case .incidents(let s): return reloadIncidents(token: s.token)
        case .incidentPage(let p): return [.background(Loaders.incidentPage(store, token: p.token, id: p.incidentID))]
        case .outbox(let o): return [.background(Loaders.outbox(store, token: o.token, now: now))]
        case .preview(let p): return [.background(Loaders.preview(store, driver: environment.outbox, token: p.token, id: p.notificationID, now: now))]
        case .health: return loadOverview()
        }
    }

    /// Ctrl-L: re-read the screen on top from scratch.
    mutating func reloadTop() -> [Effect] {
        var effects: [Effect] = loadOverview()
        switch state.top {
        case .queue(let q):
            effects += reloadQueue(token: q.token, placement: .top(latestID: 0), selectID: q.selectedDetection?.id)
        case .endpoints(let e):
            var gen = 0
            state.withEndpoints(e.token) { $0.generation += 1; $0.loading = true; gen = $0.generation }
            effects.append(.background(Loaders.endpoints(store, token: e.token, generation: gen, after: nil, limit: environment.pageSize)))
        default:
            effects += refreshTop()
        }
        return effects
    }

    func groupLabel(_ g: DetectionGroup) -> String {
        switch g.grouping {
        case .signature: return "sig \(g.label)"
        case .customer: return "cust \(state.overview.customerNames[g.key] ?? g.key)"
        case .source: return "source \(g.label)"
        case .endpoint: return "endpoint \(g.label)"
        }
    }

    // MARK: Messages

    mutating func handle(message: ConsoleMessage) -> [Effect] {
        switch message {
        case .tick(let time):
            return tick(at: time)
        case .storeChanged:
            // The header follows at the next tick: under a steady ingest the store changes
            // several times a second, and the header needs re-reading at most once a second.
            state.overviewStale = true
            return refreshTop()
        case .overview(let o):
            state.overview = o
            state.overviewRequestedAt = nil
            // A new page rings once, on every console; so does a new P1 (not the ones already
            // there when the console opened).
            let fresh = o.pages.filter { !state.pagesRung.contains($0.id) }
            state.pagesRung.formUnion(fresh.map(\.id))
            var ring = !fresh.isEmpty
            if o.newestP1 > state.p1Announced {
                if state.p1Announced != 0 {
                    ring = true
                    state.newP1Arrived = true
                }
                state.p1Announced = o.newestP1
            }
            return ring && environment.bell ? [.bell] : []
        case let .queuePage(token, generation, placement, rows, selectID, full):
            applyQueuePage(token: token, generation: generation, placement: placement, rows: rows, selectID: selectID, full: full)
            return drillIfPending(token)
        case let .queueGroups(token, generation, groups, latestID):
            applyQueueGroups(token: token, generation: generation, groups: groups, latestID: latestID)
            return drillIfPending(token)
        case let .queueRefresh(token, rows, groups, newCount):
            applyQueueRefresh(token: token, rows: rows, groups: groups, newCount: newCount)
            return []
        case let .detail(token, data):
            if let i = state.index(of: token), case .detail(var d) = state.stack[i] {
                d.data = data
                state.stack[i] = .detail(d)
            }
            return []
        case let .endpoints(token, generation, rows, append, full):
            applyEndpoints(token: token, generation: generation, rows: rows, append: append, full: full)
            return []
        case let .endpointsRefresh(token, rows):
            state.withEndpoints(token) { s in
                let fresh = Dictionary(rows.map { ($0.identity, $0) }, uniquingKeysWith: { a, _ in a })
                for i in s.rows.indices { if let f = fresh[s.rows[i].identity] { s.rows[i] = f } }
            }
            return []
        case let .endpointPage(token, data):
            if let i = state.index(of: token), case .endpointPage(var p) = state.stack[i] {
                p.data = data
                state.stack[i] = .endpointPage(p)
            }
            return []
        case let .incidents(token, generation, rows, append, full):
            applyIncidents(token: token, generation: generation, rows: rows, append: append, full: full)
            return []
        case let .incidentPage(token, data):
            state.withIncidentPage(token) { p in
                p.data = data
                p.cursor = min(p.cursor, max(0, p.openableCount - 1))
            }
            return []
        case let .outbox(token, listing):
            let names = state.overview.customerNames
            state.withOutbox(token) { s in
                let selectedID = s.selectedNotification?.id
                s.rows = listing.notifications.filter { TextMatch.matches(s.queryText, TextMatch.notificationFields($0, names: names)) }
                s.pendingItems = listing.pendingItems
                s.loading = false
                s.selected = selectedID.flatMap { id in s.rows.firstIndex { $0.id == id } } ?? min(s.selected, max(0, s.rows.count - 1))
            }
            return []
        case let .preview(token, lines):
            if let i = state.index(of: token), case .preview(var p) = state.stack[i] {
                p.lines = lines
                state.stack[i] = .preview(p)
            }
            return []
        case let .escalationChoices(target, customer, open):
            offerEscalation(target, customer: customer, open: open)
            return []
        case let .mergeChoices(incidentID, open):
            offerMerge(incidentID: incidentID, open: open)
            return []
        case let .edited(id, subject, body):
            return saveEdit(id: id, subject: subject, body: body)
        case .actionDone(let outcome):
            return applyOutcome(outcome)
        case .failed(let text):
            setMessage(text, error: true)
            return []
        }
    }

    /// A second passed: the time shown moves, and the header is re-read when the store
    /// changed or every `overviewEveryTicks` (lag grows with time even when nothing changes).
    mutating func tick(at time: Date) -> [Effect] {
        state.ticks += 1
        state.now = time
        if let asked = state.overviewRequestedAt, state.ticks - asked < Self.overviewTimeoutTicks { return [] }
        if state.overviewStale || state.ticks % Self.overviewEveryTicks == 0 { return loadOverview() }
        return []
    }

    mutating func applyQueueGroups(token: Int, generation: Int, groups: [DetectionGroup], latestID: Int64) {
        state.withQueue(token) { q in
            guard q.generation == generation else { return }
            q.groups = groups
            q.loading = false
            q.loadedOnce = true
            q.latestIDAtLoad = latestID
            q.newCount = 0
            q.selected = min(q.selected, max(0, groups.count - 1))
        }
    }

    /// Fresh values for the rows and groups on screen, which keep their places; a group
    /// that emptied stays, at zero, until the analyst reloads.
    mutating func applyQueueRefresh(token: Int, rows: [Detection], groups: [DetectionGroup]?, newCount: Int) {
        state.withQueue(token) { q in
            let fresh = Dictionary(rows.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
            for i in q.rows.indices { if let f = fresh[q.rows[i].id] { q.rows[i] = f } }
            if let groups, q.isGrouped {
                let byIdentity = Dictionary(groups.map { ($0.identity, $0) }, uniquingKeysWith: { a, _ in a })
                for i in q.groups.indices {
                    if let g = byIdentity[q.groups[i].identity] {
                        q.groups[i].count = g.count
                        q.groups[i].lastSeen = g.lastSeen
                        q.groups[i].urgency = g.urgency
                    } else {
                        q.groups[i].count = 0
                    }
                }
            }
            q.newCount = newCount
        }
    }

    mutating func applyEndpoints(token: Int, generation: Int, rows all: [Endpoint], append: Bool, full: Bool) {
        let names = state.overview.customerNames
        state.withEndpoints(token) { s in
            guard s.generation == generation else { return }
            s.lastLoaded = all.last ?? (append ? s.lastLoaded : nil)
            let rows = all.filter { TextMatch.matches(s.queryText, TextMatch.endpointFields($0, names: names)) }
            if append { s.rows += rows } else { s.rows = rows; s.selected = min(s.selected, max(0, rows.count - 1)) }
            s.atEnd = !full
            s.loading = false
        }
    }

    /// Requests the header data (open counts, rate, ingest health, customer names).
    mutating func loadOverview() -> [Effect] {
        state.overviewStale = false
        state.overviewRequestedAt = state.ticks
        return [.background(Loaders.overview(store, now: now))]
    }

    // MARK: View

    public func render(into grid: inout CellGrid) {
        ConsoleView.render(state, environment: environment, now: state.now, into: &grid)
    }
}

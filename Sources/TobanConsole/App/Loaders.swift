import Foundation
import TobanCore
import TobanStore

/// Background work: each function returns a job that reads (or writes) the store off the
/// UI thread and reports back through the inbox. Nothing here touches console state.
enum Loaders {
    typealias Job = @Sendable (Inbox<ConsoleMessage>) -> Void

    static func guarded(_ inbox: Inbox<ConsoleMessage>, _ what: String, _ body: () throws -> ConsoleMessage) {
        do { inbox.post(try body()) } catch { inbox.post(.failed("\(what): \(error)")) }
    }

    static func overview(_ store: TobanStore, now: Date) -> Job {
        { inbox in
            guarded(inbox, "overview") {
                var o = Overview()
                o.openCounts = try store.openCountsByCustomerAndUrgency()
                o.rate = try store.detectionRate(bucketMinutes: 1, span: 3600, now: now).map(\.count)
                o.health = try store.ingestHealth(now: now)
                o.customerNames = Dictionary(try store.customerNames().map { ($0.id, $0.displayName) }, uniquingKeysWith: { a, _ in a })
                o.awaiting = try store.awaitingConfirmation()
                o.pages = try store.openPages()
                o.newestP1 = try store.newestOpenP1ID()
                return .overview(o)
            }
        }
    }

    static func queue(_ store: TobanStore, token: Int, generation: Int, filter: DetectionFilter, placement: PagePlacement,
                      anchor: Detection?, limit: Int, selectID: Int64?) -> Job {
        { inbox in
            guarded(inbox, "queue") {
                var place = placement
                let rows: [Detection]
                switch placement {
                case .top:
                    let latest = try store.latestDetectionID()
                    place = .top(latestID: latest)
                    rows = try store.detections(filter, after: nil, limit: limit)
                case .bottom:
                    let lastUrgency = filter.urgencies?.upperBound ?? .p5
                    let end = QueueCursor(urgency: lastUrgency, lastSeen: Date(timeIntervalSince1970: -1), id: 0)
                    rows = try store.detectionsBefore(end, filter: filter, limit: limit)
                case .append:
                    rows = try store.detections(filter, after: anchor.map(QueueCursor.init), limit: limit)
                case .prepend:
                    guard let anchor else { return .queuePage(token: token, generation: generation, placement: placement, rows: [], selectID: nil, full: false) }
                    rows = try store.detectionsBefore(QueueCursor(anchor), filter: filter, limit: limit)
                }
                return .queuePage(token: token, generation: generation, placement: place, rows: rows, selectID: selectID,
                                  full: rows.count >= limit)
            }
        }
    }

    static func groups(_ store: TobanStore, token: Int, generation: Int, filter: DetectionFilter, grouping: DetectionGrouping) -> Job {
        { inbox in
            guarded(inbox, "groups") {
                let latest = try store.latestDetectionID()
                let groups = try store.detectionGroups(by: grouping, filter: filter)
                return .queueGroups(token: token, generation: generation, groups: groups, latestID: latest)
            }
        }
    }

    /// The "+N new" marker counts arrivals up to this many ("+1000+ new"): it is re-counted
    /// on every store change, and under a steady ingest an exact count would read every row
    /// that arrived since the window was loaded, several times a second.
    static let newArrivalsCap = 1000

    static func queueRefresh(_ store: TobanStore, token: Int, ids: [Int64], filter: DetectionFilter,
                             grouping: DetectionGrouping?, since: Int64) -> Job {
        { inbox in
            guarded(inbox, "refresh") {
                let rows = try store.detections(ids: ids)
                let groups = try grouping.map { try store.detectionGroups(by: $0, filter: filter) }
                let n = try store.countNewer(than: since, filter: filter, cap: newArrivalsCap)
                return .queueRefresh(token: token, rows: rows, groups: groups, newCount: n)
            }
        }
    }

    static func detail(_ store: TobanStore, token: Int, id: Int64) -> Job {
        { inbox in
            guarded(inbox, "detail") {
                guard let d = try store.detection(id: id) else { return .failed("detection \(id) no longer exists") }
                let related = try store.relatedDetections(to: id, limit: 20)
                let audit = try store.audit(subject: .detection, id: "\(id)")
                return .detail(token: token, DetailData(detection: d, related: related, audit: audit))
            }
        }
    }

    static func endpoints(_ store: TobanStore, token: Int, generation: Int, after: Endpoint?, limit: Int) -> Job {
        { inbox in
            guarded(inbox, "endpoints") {
                let rows = try store.endpoints(EndpointFilter(), after: after.map(EndpointCursor.init), limit: limit)
                return .endpoints(token: token, generation: generation, rows: rows, append: after != nil, full: rows.count >= limit)
            }
        }
    }

    static func endpointsRefresh(_ store: TobanStore, token: Int, keys: [(String, IPAddress)]) -> Job {
        let keys = keys.map { Key(customer: $0.0, address: $0.1) }
        return { inbox in
            guarded(inbox, "endpoints") {
                .endpointsRefresh(token: token, rows: try keys.compactMap { try store.endpoint(customer: $0.customer, address: $0.address) })
            }
        }
    }

    struct Key: Sendable {
        var customer: String
        var address: IPAddress
    }

    static func endpointPage(_ store: TobanStore, token: Int, customer: String, address: IPAddress) -> Job {
        { inbox in
            guarded(inbox, "endpoint") {
                guard let e = try store.endpoint(customer: customer, address: address) else {
                    return .failed("endpoint \(address) no longer exists")
                }
                let timeline = try store.endpointTimeline(customer: customer, address: address, around: e.lastSeen,
                                                          window: 24 * 3600, limit: 500)
                let audit = try store.audit(subject: .endpoint, id: "\(customer)|\(address)")
                return .endpointPage(token: token, EndpointPageData(endpoint: e, timeline: timeline, audit: audit))
            }
        }
    }
}

import Foundation

/// Every on-call layer and the overrides on them: who is on call at any instant, and
/// when that changes. Pure: every instant is passed in.
public struct OnCallRoster: Sendable, Equatable {
    public var layers: [OnCallLayer]
    /// In definition order: where two overlap, the later one wins.
    public var overrides: [OnCallOverride]

    public init(layers: [OnCallLayer] = [], overrides: [OnCallOverride] = []) {
        self.layers = layers
        self.overrides = overrides
    }

    public var layerNames: [String] { layers.map(\.name) }

    public func layer(named name: String) -> OnCallLayer? { layers.first { $0.name == name } }

    /// Who holds each layer at `instant`, in layer order.
    public func onCall(at instant: Date) -> [OnCallShift] {
        layers.map { timeline($0).shift(at: instant) }
    }

    /// Who holds `layer` at `instant`; nil for a layer the roster does not have.
    public func onCall(layer: String, at instant: Date) -> OnCallShift? {
        self.layer(named: layer).map { timeline($0).shift(at: instant) }
    }

    /// The next `limit` changes of person strictly after `instant`, on any layer, by time
    /// (layer order breaks ties). A rotation's turn that hands the layer to the same person,
    /// or an override of the person already on, is no change and is not listed.
    public func handOffs(after instant: Date, limit: Int) -> [OnCallHandOff] {
        guard limit > 0 else { return [] }
        var all: [(handOff: OnCallHandOff, layerIndex: Int)] = []
        for (index, layer) in layers.enumerated() {
            let line = timeline(layer)
            var cursor = instant
            var holder = line.holder(at: cursor).login
            for _ in 0..<limit {
                guard let next = line.nextChange(after: cursor) else { break }
                let successor = line.holder(at: next).login
                all.append((OnCallHandOff(at: next, layer: layer.name, from: holder, to: successor), index))
                cursor = next
                holder = successor
            }
        }
        all.sort { ($0.handOff.at, $0.layerIndex) < ($1.handOff.at, $1.layerIndex) }
        return all.prefix(limit).map(\.handOff)
    }

    private func timeline(_ layer: OnCallLayer) -> LayerTimeline {
        LayerTimeline(name: layer.name, rotation: layer.rotation, overrides: overrides.filter { $0.layer == layer.name })
    }
}

/// One layer's holder over time: its rotation with its overrides laid on top.
private struct LayerTimeline {
    let name: String
    let rotation: OnCallRotation
    let overrides: [OnCallOverride]

    /// A bound on the walk from one change point to the next; each step passes an override
    /// boundary or a shift start, so only a pathological roster comes near it.
    static let maxSteps = 100_000

    struct Holder {
        var login: String
        /// Index in `overrides` of the override in force, nil for the rotation.
        var override: Int?
    }

    func holder(at instant: Date) -> Holder {
        if let i = overrides.lastIndex(where: { $0.covers(instant) }) { return Holder(login: overrides[i].login, override: i) }
        return Holder(login: rotation.login(at: instant), override: nil)
    }

    func holder(justBefore instant: Date) -> Holder {
        if let i = overrides.lastIndex(where: { $0.coversJustBefore(instant) }) { return Holder(login: overrides[i].login, override: i) }
        return Holder(login: rotation.login(ofShift: rotation.shiftNumber(justBefore: instant)), override: nil)
    }

    func shift(at instant: Date) -> OnCallShift {
        let now = holder(at: instant)
        return OnCallShift(layer: name, login: now.login, from: previousChange(atOrBefore: instant),
                           until: nextChange(after: instant), isOverride: now.override != nil)
    }

    /// The first instant after `instant` at which someone else holds the layer.
    func nextChange(after instant: Date) -> Date? {
        let current = holder(at: instant).login
        var cursor = instant
        for _ in 0..<Self.maxSteps {
            guard let candidate = nextCandidate(after: cursor) else { return nil }
            if holder(at: candidate).login != current { return candidate }
            cursor = candidate
        }
        return nil
    }

    /// The instant the holder at `instant` took the layer over (`instant` itself at a hand-off).
    func previousChange(atOrBefore instant: Date) -> Date? {
        let current = holder(at: instant).login
        var cursor = instant
        for _ in 0..<Self.maxSteps {
            if holder(justBefore: cursor).login != current { return cursor }
            guard let candidate = previousCandidate(before: cursor) else { return nil }
            cursor = candidate
        }
        return nil
    }

    /// The next instant after `instant` at which the holder could change.
    private func nextCandidate(after instant: Date) -> Date? {
        if let i = overrides.lastIndex(where: { $0.covers(instant) }) {
            // Only its end, or a later-defined override starting, can take the layer from it.
            let end = overrides[i].to
            return ([end] + overrides[(i + 1)...].map(\.from).filter { $0 > instant && $0 < end }).min()
        }
        var candidates = overrides.map(\.from).filter { $0 > instant }
        if rotation.changesHands { candidates.append(rotation.shiftStart(rotation.shiftNumber(at: instant) + 1)) }
        return candidates.min()
    }

    /// The last instant before `instant` at which the holder could have changed.
    private func previousCandidate(before instant: Date) -> Date? {
        if let i = overrides.lastIndex(where: { $0.coversJustBefore(instant) }) {
            let start = overrides[i].from
            return ([start] + overrides[(i + 1)...].map(\.to).filter { $0 < instant && $0 > start }).max()
        }
        var candidates = overrides.map(\.to).filter { $0 < instant }
        if rotation.changesHands { candidates.append(rotation.shiftStart(rotation.shiftNumber(justBefore: instant))) }
        return candidates.max()
    }
}

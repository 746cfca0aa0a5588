import Foundation

/// Someone standing in on a layer for a while (a swap, sick leave, a holiday): while it
/// lasts (`from` included, `to` excluded) they hold the layer instead of the rotation's person.
public struct OnCallOverride: Sendable, Equatable {
    public var layer: String
    public var login: String
    public var from: Date
    public var to: Date

    public init(layer: String, login: String, from: Date, to: Date) {
        self.layer = layer
        self.login = login
        self.from = from
        self.to = to
    }

    func covers(_ instant: Date) -> Bool { from <= instant && instant < to }
    func coversJustBefore(_ instant: Date) -> Bool { from < instant && instant <= to }
}

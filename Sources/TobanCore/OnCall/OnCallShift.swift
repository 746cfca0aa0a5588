import Foundation

/// Who holds a layer at some instant, and the span they hold it without a break.
public struct OnCallShift: Sendable, Equatable {
    public var layer: String
    public var login: String
    /// When this person took the layer over; nil when they have held it as far back as the
    /// roster goes (a rotation of one with no override before).
    public var from: Date?
    /// When the next person takes over (the next hand-off on this layer); nil when nobody
    /// ever does.
    public var until: Date?
    /// Whether an override, not the rotation, puts this person here at that instant.
    public var isOverride: Bool

    public init(layer: String, login: String, from: Date?, until: Date?, isOverride: Bool) {
        self.layer = layer
        self.login = login
        self.from = from
        self.until = until
        self.isOverride = isOverride
    }
}

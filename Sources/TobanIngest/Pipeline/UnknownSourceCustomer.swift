import TobanCore

/// A source names a customer the directory does not hold. Its events would silently go to
/// whoever else claims them, so the pipeline refuses to start instead.
public struct UnknownSourceCustomer: Error, Sendable, Equatable, CustomStringConvertible {
    public var customerID: String
    public var path: String

    public var description: String {
        "source \(Sanitizer.sanitize(path)) names customer '\(Sanitizer.sanitize(customerID))', which is not configured"
    }
}

import Foundation

/// What the console needs from the notification side, which it cannot import (the
/// executable wires it to the dispatcher's renderer and planner).
public protocol OutboxDriver: Sendable {
    /// The message as it would go out now, headers then a blank line then the body (the
    /// console makes each line safe to show).
    func preview(_ id: Int64, at now: Date) throws -> [String]
    /// Turns confirmed items into messages now, so a confirmation's draft shows in the
    /// outbox at once, with its due time and deadline.
    func assemble(at now: Date) throws
    /// The customer's next digest slot after `now` (its own :00/:30, in its time zone).
    func nextDigest(customer: String, after now: Date) -> Date?
}

/// Runs `$EDITOR` on a file (the terminal is the editor's meanwhile); returns its exit status.
public typealias EditorLauncher = @Sendable (_ path: String) -> Int32

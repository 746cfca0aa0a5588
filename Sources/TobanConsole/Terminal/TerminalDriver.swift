/// Size of the terminal in cells.
public struct TerminalSize: Equatable, Hashable, Sendable, CustomStringConvertible {
    public var width: Int
    public var height: Int

    public init(width: Int, height: Int) {
        self.width = max(0, width)
        self.height = max(0, height)
    }

    public var description: String { "\(width)×\(height)" }
}

/// The only thing that touches the real terminal. Everything above it works on `CellGrid`
/// values, so it can be tested with `RecordingTerminal`.
///
/// Drivers are used from the UI thread only and are not `Sendable`.
public protocol TerminalDriver: AnyObject {
    /// Current size; updated when `readKey` returns `.resize`.
    var size: TerminalSize { get }
    /// Shows `grid`, writing only the cells that differ from the previous frame.
    func draw(_ grid: CellGrid)
    /// Forgets the previous frame so the next `draw` repaints everything (Ctrl-L, after a
    /// resize, or when something else may have written to the screen).
    func invalidate()
    /// Waits up to `timeoutMs` for a key (0: just poll). nil on timeout or on an interruption
    /// (see `takeInterruption`); `.eof` once input is gone for good.
    func readKey(timeoutMs: Int) -> Key?
    /// A termination signal (SIGINT, SIGTERM, SIGHUP) received since the last call, if any.
    func takeInterruption() -> Int32?
    /// Restores the terminal. Idempotent; safe on every exit path.
    func shutdown()
    /// A function any thread may call to end a `readKey` wait early (something was posted
    /// for the UI thread), or nil when the driver's waits are short anyway.
    func makeWaker() -> (@Sendable () -> Void)?
    /// Rings the bell (audible or visual, as the terminal is set up).
    func bell()
    /// Gives the terminal back to the shell's normal mode for another program (an editor),
    /// and takes it back afterwards with a full repaint.
    func suspend()
    func resume()
}

extension TerminalDriver {
    public func makeWaker() -> (@Sendable () -> Void)? { nil }
    public func bell() {}
    public func suspend() {}
    public func resume() { invalidate() }
}

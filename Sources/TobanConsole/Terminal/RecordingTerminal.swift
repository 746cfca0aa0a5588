/// A terminal for tests and headless runs: plays a script of keys and events, and keeps
/// what was drawn.
public final class RecordingTerminal: TerminalDriver {
    public enum Step {
        case key(Key)
        /// Resizes, then delivers `.resize` like a real terminal would.
        case resize(TerminalSize)
        /// One `readKey` that times out.
        case idle
        /// A termination signal arrives (delivered through `takeInterruption`).
        case signal(Int32)
        /// Runs arbitrary code during a `readKey` (e.g. post messages from other threads),
        /// then times out.
        case perform(() -> Void)
    }

    public private(set) var size: TerminalSize
    public private(set) var lastGrid: CellGrid?
    public private(set) var drawCount = 0
    /// Cells written per draw (what a real driver would have sent).
    public private(set) var changedCellsPerDraw: [Int] = []
    /// The timeout of every `readKey` call, to check the loop sleeps when idle.
    public private(set) var readTimeouts: [Int] = []
    public private(set) var shutdownCount = 0
    public private(set) var invalidateCount = 0
    /// Return `.eof` when the script is used up (true), or time out forever (false).
    public var eofWhenScriptEnds: Bool

    private var script: [Step]
    private var previous: CellGrid?
    private var pendingSignal: Int32?

    public init(size: TerminalSize = TerminalSize(width: 80, height: 24), script: [Step] = [], eofWhenScriptEnds: Bool = true) {
        self.size = size
        self.script = script
        self.eofWhenScriptEnds = eofWhenScriptEnds
    }

    /// Appends steps to the script.
    public func enqueue(_ steps: Step...) { script.append(contentsOf: steps) }

    public func draw(_ grid: CellGrid) {
        drawCount += 1
        changedCellsPerDraw.append(grid.diff(from: previous).count)
        previous = grid
        lastGrid = grid
    }

    public func invalidate() {
        invalidateCount += 1
        previous = nil
    }

    public func readKey(timeoutMs: Int) -> Key? {
        readTimeouts.append(timeoutMs)
        guard !script.isEmpty else { return eofWhenScriptEnds ? .eof : nil }
        switch script.removeFirst() {
        case .key(let k): return k
        case .resize(let s):
            size = s
            previous = nil
            return .resize
        case .idle: return nil
        case .signal(let s):
            pendingSignal = s
            return nil
        case .perform(let work):
            work()
            return nil
        }
    }

    public func takeInterruption() -> Int32? {
        defer { pendingSignal = nil }
        return pendingSignal
    }

    public func shutdown() { shutdownCount += 1 }

    /// The last frame as text (see `CellGrid.snapshot`).
    public var screenText: String { lastGrid?.snapshot() ?? "" }
}

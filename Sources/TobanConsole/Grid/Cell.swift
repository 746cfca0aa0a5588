/// One terminal cell of the in-memory screen.
///
/// A wide character occupies two cells: the left one holds the character with `isWide`,
/// the right one is a continuation marker that the driver never draws on its own.
public struct Cell: Equatable, Hashable, Sendable {
    /// What is drawn here (a whole grapheme cluster). A space for blank and continuation cells.
    public internal(set) var character: Character
    /// True for the left half of a two-cell character.
    public internal(set) var isWide: Bool
    /// True for the right half of a two-cell character.
    public internal(set) var isContinuation: Bool
    /// The semantic style; the theme maps it to colours for the terminal at hand.
    public internal(set) var role: StyleRole

    /// Cells are built only inside the module so the character is always sanitised.
    init(character: Character, isWide: Bool = false, isContinuation: Bool = false, role: StyleRole) {
        self.character = character
        self.isWide = isWide
        self.isContinuation = isContinuation
        self.role = role
    }

    public static func blank(_ role: StyleRole = .text) -> Cell { Cell(character: " ", role: role) }

    static func continuation(_ role: StyleRole) -> Cell {
        Cell(character: " ", isContinuation: true, role: role)
    }

    /// Columns this cell's character takes (2 for wide, 0 for a continuation).
    public var width: Int { isContinuation ? 0 : (isWide ? 2 : 1) }
}

/// A rectangle in grid coordinates.
public struct Rect: Equatable, Hashable, Sendable {
    public var row: Int
    public var col: Int
    public var width: Int
    public var height: Int

    public init(row: Int, col: Int, width: Int, height: Int) {
        self.row = row
        self.col = col
        self.width = max(0, width)
        self.height = max(0, height)
    }

    public var isEmpty: Bool { width == 0 || height == 0 }
    public var maxRow: Int { row + height }
    public var maxCol: Int { col + width }
}

/// One cell that differs between two frames.
public struct CellChange: Equatable, Sendable {
    public var row: Int
    public var col: Int
    public var cell: Cell
}

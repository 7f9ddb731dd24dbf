import Foundation

/// The codes a Markdown document lists: the first column of every table whose header's first cell
/// is `Code`, each code in backticks (a cell may hold several: `` `region.missing` / `region.invalid` ``).
/// Tables headed otherwise (`Reason`, ...) are not code tables.
struct CodeDocument {
    /// A documented code and the 1-based line of its row.
    struct Row: Equatable {
        var code: String
        var line: Int
    }

    /// Every documented code, in the order of the document.
    let rows: [Row]

    init(markdown: String) {
        var rows: [Row] = []
        var inCodeTable = false
        for (index, line) in markdown.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let cells = Self.cells(of: line)
            guard let first = cells.first else {
                inCodeTable = false
                continue
            }
            if Self.isSeparator(cells) { continue }
            if !inCodeTable {
                // A header row starts a table; the next row is its separator.
                inCodeTable = first == "Code"
                if inCodeTable { continue }
            }
            guard inCodeTable else { continue }
            rows += Self.backticked(first).map { Row(code: $0, line: index + 1) }
        }
        self.rows = rows
    }

    /// The trimmed cells of a table row, or none when `line` is not one.
    static func cells(of line: Substring) -> [String] {
        let trimmed = line.trimmingCharacters(in: .whitespaces)
        guard trimmed.hasPrefix("|"), trimmed.hasSuffix("|"), trimmed.count > 1 else { return [] }
        return trimmed.dropFirst().dropLast().split(separator: "|", omittingEmptySubsequences: false)
            .map { $0.trimmingCharacters(in: .whitespaces) }
    }

    static func isSeparator(_ cells: [String]) -> Bool {
        cells.allSatisfy { !$0.isEmpty && $0.allSatisfy { $0 == "-" || $0 == ":" } }
    }

    /// The texts between pairs of backticks in `cell`.
    static func backticked(_ cell: String) -> [String] {
        let parts = cell.split(separator: "`", omittingEmptySubsequences: false)
        return stride(from: 1, to: parts.count - 1, by: 2).map { String(parts[$0]) }
    }
}

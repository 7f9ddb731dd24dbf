/// Several diagnostics reported together, usable as an error (for `Result` and `throws`) and as a collection.
public struct Diagnostics: Error, Sendable, Hashable, RandomAccessCollection, CustomStringConvertible {
    /// The diagnostics, in the order they were found.
    public var all: [Diagnostic]

    /// Wraps `all`.
    public init(_ all: [Diagnostic]) { self.all = all }

    /// The first position, 0.
    public var startIndex: Int { all.startIndex }
    /// One past the last position.
    public var endIndex: Int { all.endIndex }
    /// The diagnostic at `position`.
    public subscript(position: Int) -> Diagnostic { all[position] }

    /// One diagnostic per line.
    public var description: String { all.map(\.description).joined(separator: "\n") }
}

/// A single diagnostic can be thrown or carried by `Result` too.
extension Diagnostic: Error {}

/// A position in a JSON document, as an editor shows it.
public struct SourceLocation: Sendable, Hashable, CustomStringConvertible {
    /// The 1-based line. A line ends at `\n`, `\r\n` or a lone `\r`.
    public var line: Int
    /// The 1-based column, counted in Unicode scalars (a leading byte-order mark is not counted).
    public var column: Int
    /// The 0-based byte offset into the input, including any byte-order mark.
    public var offset: Int

    /// Makes a location.
    public init(line: Int, column: Int, offset: Int) {
        self.line = line
        self.column = column
        self.offset = offset
    }

    /// `LINE:COLUMN`.
    public var description: String { "\(line):\(column)" }

    /// Stands in for a location that was not recorded; never handed out.
    static let unrecorded = SourceLocation(line: 0, column: 0, offset: 0)
}

/// Turns byte offsets into lines and columns. Requests usually come in increasing order, so it
/// resumes from the last answer: recording every value's position stays linear in the input.
struct LineTracker {
    /// Where line 1, column 1 is: after a byte-order mark, if there is one.
    let origin: Int
    private var offset: Int
    private var line = 1
    private var column = 1
    private var afterCarriageReturn = false

    init(origin: Int) {
        self.origin = origin
        offset = origin
    }

    /// The location of byte `target`.
    mutating func location(at target: Int, in bytes: UnsafeBufferPointer<UInt8>) -> SourceLocation {
        guard target >= origin else { return SourceLocation(line: 1, column: 1, offset: target) }
        if target < offset { self = LineTracker(origin: origin) }
        let end = min(target, bytes.count)
        while offset < end {
            let byte = bytes[offset]
            if byte == 0x0A {
                if !afterCarriageReturn { line += 1 }
                column = 1
                afterCarriageReturn = false
            } else if byte == 0x0D {
                line += 1
                column = 1
                afterCarriageReturn = true
            } else {
                afterCarriageReturn = false
                // Count scalars, not bytes: continuation bytes (10xxxxxx) do not start a column.
                if byte & 0xC0 != 0x80 { column += 1 }
            }
            offset += 1
        }
        return SourceLocation(line: line, column: column + (target - end), offset: target)
    }
}

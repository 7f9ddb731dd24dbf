/// One problem found in a workflow file or its inputs: a stable code, the place, and what to do.
public struct Diagnostic: Sendable, Hashable, CustomStringConvertible {
    /// A stable code such as `workflow.unknownField` (``Code``); listed in `docs/error-codes.md`.
    public var code: Code
    /// The JSON pointer of the offending place, e.g. `/steps/2/activity` (empty for the whole document).
    public var pointer: String
    /// 1-based line of the place in the file, when known.
    public var line: Int?
    /// 1-based column of the place in the file, when known.
    public var column: Int?
    /// What is wrong and what to do about it.
    public var message: String

    /// Makes a diagnostic.
    public init(code: Code, pointer: String, line: Int? = nil, column: Int? = nil, message: String) {
        self.code = code
        self.pointer = pointer
        self.line = line
        self.column = column
        self.message = message
    }

    /// `LINE:COLUMN: CODE at POINTER: MESSAGE` (the file name is added by the caller).
    public var description: String {
        var text = ""
        if let line, let column { text += "\(line):\(column): " }
        text += "\(code)"
        text += pointer.isEmpty ? " (document)" : " at \(pointer)"
        return text + ": " + message
    }

    /// The diagnostic as printed for a file: `FILE:LINE:COLUMN: CODE at POINTER: MESSAGE`.
    public func formatted(file: String) -> String {
        "\(file):" + (line == nil ? " " : "") + description
    }
}

/// A value ``JSONWriter`` cannot write, with a stable code and a message that says what to do.
public struct JSONWriterError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A stable code (`json.unwritableNumber`): it appears unchanged in messages and docs/error-codes.md.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        fileprivate enum Value: String, CaseIterable {
            case unwritableNumber = "json.unwritableNumber"
        }
        fileprivate let value: Value

        /// NaN, an infinity, or an integer beyond ±2^53, which a JSON number (a Double) cannot hold exactly.
        public static let unwritableNumber = Code(value: .unwritableNumber)

        /// Every code, for the documentation check.
        public static var all: [Code] { Value.allCases.map(Code.init(value:)) }
        public var description: String { value.rawValue }
    }

    /// What kind of problem.
    public var code: Code
    /// What could not be written, and what to do.
    public var message: String

    /// Makes an error.
    public init(code: Code, message: String) {
        self.code = code
        self.message = message
    }

    /// `code: message`.
    public var description: String { "\(code): \(message)" }

    static func unwritableNumber(_ number: String) -> JSONWriterError {
        JSONWriterError(
            code: .unwritableNumber,
            message: "\(number) cannot be held exactly by a JSON number; pass it as a string instead")
    }
}

/// Why a JSON document was rejected, and where.
public struct JSONSyntaxError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A stable code (`json.duplicateKey`, ...): it appears unchanged in CLI output and docs/error-codes.md.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        fileprivate enum Value: String, CaseIterable {
            case syntax = "json.syntax"
            case unterminatedString = "json.unterminatedString"
            case invalidEscape = "json.invalidEscape"
            case controlCharacterInString = "json.controlCharacterInString"
            case invalidNumber = "json.invalidNumber"
            case invalidUTF8 = "json.invalidUTF8"
            case duplicateKey = "json.duplicateKey"
            case tooDeep = "json.tooDeep"
            case trailingContent = "json.trailingContent"
            case emptyDocument = "json.emptyDocument"
            case tooLarge = "json.tooLarge"
        }
        fileprivate let value: Value

        /// An unexpected character or token.
        public static let syntax = Code(value: .syntax)
        /// A string with no closing quote.
        public static let unterminatedString = Code(value: .unterminatedString)
        /// An unknown escape, a malformed `\u` escape or a lone surrogate.
        public static let invalidEscape = Code(value: .invalidEscape)
        /// An unescaped control character (U+0000–U+001F) inside a string.
        public static let controlCharacterInString = Code(value: .controlCharacterInString)
        /// A malformed number, or one outside the range of a Double.
        public static let invalidNumber = Code(value: .invalidNumber)
        /// Bytes that are not well-formed UTF-8.
        public static let invalidUTF8 = Code(value: .invalidUTF8)
        /// A key that appears twice in one object.
        public static let duplicateKey = Code(value: .duplicateKey)
        /// Arrays and objects nested deeper than the limit.
        public static let tooDeep = Code(value: .tooDeep)
        /// Something other than whitespace after the value.
        public static let trailingContent = Code(value: .trailingContent)
        /// No value at all: empty or whitespace-only input.
        public static let emptyDocument = Code(value: .emptyDocument)
        /// Input longer than the byte limit.
        public static let tooLarge = Code(value: .tooLarge)

        /// Every code, for the documentation check.
        public static var all: [Code] { Value.allCases.map(Code.init(value:)) }
        public var description: String { value.rawValue }
    }

    /// What kind of problem.
    public var code: Code
    /// What is wrong and what to do about it.
    public var message: String
    /// Where the problem starts.
    public var location: SourceLocation

    /// Makes an error.
    public init(code: Code, message: String, location: SourceLocation) {
        self.code = code
        self.message = message
        self.location = location
    }

    /// `LINE:COLUMN: CODE: MESSAGE`.
    public var description: String { "\(location.line):\(location.column): \(code): \(message)" }
}

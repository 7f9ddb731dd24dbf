/// Why a JSON document was rejected, and where.
public struct JSONSyntaxError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A stable code such as `json.duplicateKey`; see ``Code``.
    public var code: String
    /// What is wrong and what to do about it.
    public var message: String
    /// Where the problem starts.
    public var location: SourceLocation

    /// Makes an error.
    public init(code: String, message: String, location: SourceLocation) {
        self.code = code
        self.message = message
        self.location = location
    }

    /// `LINE:COLUMN: CODE: MESSAGE`.
    public var description: String { "\(location.line):\(location.column): \(code): \(message)" }

    /// The stable error codes. They appear unchanged in CLI output and documentation.
    public enum Code {
        /// An unexpected character or token.
        public static let syntax = "json.syntax"
        /// A string with no closing quote.
        public static let unterminatedString = "json.unterminatedString"
        /// An unknown escape, a malformed `\u` escape or a lone surrogate.
        public static let invalidEscape = "json.invalidEscape"
        /// An unescaped control character (U+0000–U+001F) inside a string.
        public static let controlCharacterInString = "json.controlCharacterInString"
        /// A malformed number, or one outside the range of a Double.
        public static let invalidNumber = "json.invalidNumber"
        /// Bytes that are not well-formed UTF-8.
        public static let invalidUTF8 = "json.invalidUTF8"
        /// A key that appears twice in one object.
        public static let duplicateKey = "json.duplicateKey"
        /// Arrays and objects nested deeper than the limit.
        public static let tooDeep = "json.tooDeep"
        /// Something other than whitespace after the value.
        public static let trailingContent = "json.trailingContent"
        /// No value at all: empty or whitespace-only input.
        public static let emptyDocument = "json.emptyDocument"
        /// Input longer than the byte limit.
        public static let tooLarge = "json.tooLarge"

        /// Every code, for documentation and tests.
        public static let all: [String] = [
            syntax, unterminatedString, invalidEscape, controlCharacterInString, invalidNumber, invalidUTF8,
            duplicateKey, tooDeep, trailingContent, emptyDocument, tooLarge,
        ]
    }
}

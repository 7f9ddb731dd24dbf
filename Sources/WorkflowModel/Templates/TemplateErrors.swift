/// A problem in a template string, found while parsing it. Validation reports it as
/// `workflow.invalidTemplate` (or `workflow.invalidCondition` in `when`) with this message.
public struct TemplateSyntaxError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A stable code (`template.syntax`): it appears unchanged in docs/error-codes.md.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        fileprivate enum Value: String, CaseIterable {
            case syntax = "template.syntax"
        }
        fileprivate let value: Value

        /// An unclosed `${`, or an empty or malformed reference.
        public static let syntax = Code(value: .syntax)

        /// Every code, for the documentation check.
        public static var all: [Code] { Value.allCases.map(Code.init(value:)) }
        public var description: String { value.rawValue }
    }

    /// What kind of problem.
    public var code: Code
    /// What is wrong and how to write it instead.
    public var message: String

    /// Makes an error.
    public init(code: Code, message: String) {
        self.code = code
        self.message = message
    }

    /// `code: message`.
    public var description: String { "\(code): \(message)" }

    /// A malformed template: `message` says what is wrong.
    public static func syntax(_ message: String) -> TemplateSyntaxError { TemplateSyntaxError(code: .syntax, message: message) }
}

/// A template that could not be evaluated at run time: a missing member, a wrong type. The decider
/// fails the step with reason `TemplateError` and this error's description as details.
public struct TemplateEvaluationError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A stable code (`template.missingValue`, ...): it appears unchanged in docs/error-codes.md.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        fileprivate enum Value: String, CaseIterable {
            case missingValue = "template.missingValue"
            case wrongType = "template.wrongType"
            case tooManyItems = "template.tooManyItems"
        }
        fileprivate let value: Value

        /// The expression reads something that is not there: an input, a step result, a member, an element.
        public static let missingValue = Code(value: .missingValue)
        /// A value of the wrong JSON type: a member read from a non-object, `forEach` not an array, `when` not a boolean.
        public static let wrongType = Code(value: .wrongType)
        /// `forEach` evaluated to more elements than `Limits.forEachItemsMax`.
        public static let tooManyItems = Code(value: .tooManyItems)

        /// Every code, for the documentation check.
        public static var all: [Code] { Value.allCases.map(Code.init(value:)) }
        public var description: String { value.rawValue }
    }

    /// What kind of problem.
    public var code: Code
    /// The expression that failed.
    public var expression: String
    /// What went wrong.
    public var message: String

    /// Makes an error.
    public init(code: Code, expression: String, message: String) {
        self.code = code
        self.expression = expression
        self.message = message
    }

    /// `${expression}: message`, without the code: histories record it as a failure's details.
    public var description: String { "${\(expression)}: \(message)" }
}

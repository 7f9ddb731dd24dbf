import Hashing
public import StrictJSON

/// The definition a history records in `WorkflowExecutionStarted`: its digest, and how it is reloaded
/// when an execution resumes.
public enum RecordedDefinition {
    /// `sha256:<hex>` of a definition's canonical JSON: what `WorkflowExecutionStarted` records.
    public static func digest(of json: JSONValue) -> String {
        "sha256:" + SHA256.hexDigest(json.canonicalBytes())
    }

    /// Reloads a recorded definition, refusing one that no longer matches `digest` (the history was
    /// edited) or no longer validates (this version of Cairn reads it differently).
    public static func reload(
        _ json: JSONValue, digest: String, catalog: ActivityCatalog = .builtIn
    ) throws(RecordedDefinitionError) -> WorkflowDefinition {
        guard Self.digest(of: json) == digest else {
            throw RecordedDefinitionError(
                code: .digestMismatch,
                message: "the definition recorded in the history does not match its digest \(digest); the history file was edited")
        }
        let outcome = WorkflowValidator.validate(json: json, catalog: catalog)
        guard let definition = outcome.definition else {
            // Three are enough to say what changed; the rest stay in `diagnostics`.
            let problems = outcome.diagnostics.prefix(3).map(\.description).joined(separator: "; ")
            throw RecordedDefinitionError(
                code: .noLongerValid,
                message: "the definition recorded in the history no longer validates with this Cairn: \(problems)",
                cause: Diagnostics(outcome.diagnostics))
        }
        return definition
    }
}

/// Why a recorded definition cannot be reloaded, with a stable code and a message that says what happened.
public struct RecordedDefinitionError: Error, Sendable, CustomStringConvertible {
    /// A stable code (`definition.digestMismatch`, ...), listed in docs/error-codes.md.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        fileprivate enum Value: String, CaseIterable {
            case digestMismatch = "definition.digestMismatch"
            case noLongerValid = "definition.noLongerValid"
        }
        fileprivate let value: Value
        /// The recorded definition does not hash to its recorded digest: the history was edited.
        public static let digestMismatch = Code(value: .digestMismatch)
        /// The recorded definition no longer passes this version's validator.
        public static let noLongerValid = Code(value: .noLongerValid)
        /// Every code, for the documentation check.
        public static var all: [Code] { Value.allCases.map(Code.init(value:)) }
        public var description: String { value.rawValue }
    }

    /// What kind of problem.
    public var code: Code
    /// What happened and what to do.
    public var message: String
    /// The underlying error, kept as a value: every validation problem (``Diagnostics``) for ``Code/noLongerValid``.
    public var cause: (any Error & Sendable)?

    /// Makes an error.
    public init(code: Code, message: String, cause: (any Error & Sendable)? = nil) {
        self.code = code
        self.message = message
        self.cause = cause
    }

    /// Every validation problem, for ``Code/noLongerValid``; empty otherwise.
    public var diagnostics: [Diagnostic] { (cause as? Diagnostics)?.all ?? [] }

    public var description: String { "\(code): \(message)" + (cause.map { " (cause: \($0))" } ?? "") }
}

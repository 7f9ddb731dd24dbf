public import StrictJSON

/// The result of validating a workflow file: the definition, or every problem found.
public struct ValidationOutcome: Sendable {
    /// The validated definition; nil exactly when ``diagnostics`` is non-empty.
    public var definition: WorkflowDefinition?
    /// The document's root as parsed (nil when the file did not parse), for recording in history;
    /// canonical encoding happens when it is written.
    public var canonicalJSON: JSONValue?
    /// Every problem, sorted by line, column, pointer and code.
    public var diagnostics: [Diagnostic]

    /// Makes an outcome.
    public init(definition: WorkflowDefinition?, canonicalJSON: JSONValue?, diagnostics: [Diagnostic]) {
        self.definition = definition
        self.canonicalJSON = canonicalJSON
        self.diagnostics = diagnostics
    }

    /// True when the file is a valid workflow.
    public var isValid: Bool { diagnostics.isEmpty }
}

/// Turns workflow files (format v1) into ``WorkflowDefinition`` values, reporting every problem in one run.
public enum WorkflowValidator {
    /// Validates the bytes of a workflow file: size, JSON syntax (duplicate keys and depth included), then meaning.
    /// A JSON syntax error is the only diagnostic, since nothing after it can be trusted.
    public static func validate(fileBytes: [UInt8], catalog: ActivityCatalog = .builtIn) -> ValidationOutcome {
        guard fileBytes.count <= Limits.definitionBytesMax else {
            let diagnostic = Diagnostic(
                code: Diagnostic.Code.Workflow.tooLarge, pointer: "",
                message:
                    "the file has \(fileBytes.count) bytes; a workflow may have at most \(Limits.definitionBytesMax): move large literals into inputs or split the workflow"
            )
            return ValidationOutcome(definition: nil, canonicalJSON: nil, diagnostics: [diagnostic])
        }
        let document: JSONDocument
        do throws(JSONSyntaxError) {
            document = try JSONParser.parse(fileBytes, options: JSONParser.Options(maxDepth: Limits.jsonDepthMax))
        } catch {
            let diagnostic = Diagnostic(
                code: .json(error.code), pointer: "", line: error.location.line, column: error.location.column,
                message: error.message)
            return ValidationOutcome(definition: nil, canonicalJSON: nil, diagnostics: [diagnostic])
        }
        return validate(document: document, catalog: catalog)
    }

    /// Validates a parsed document; diagnostics carry its line and column positions.
    public static func validate(document: JSONDocument, catalog: ActivityCatalog = .builtIn) -> ValidationOutcome {
        run(DefinitionChecker(root: document.root, document: document, catalog: catalog))
    }

    /// Validates a JSON value without positions; used when a recorded definition is reloaded on resume.
    public static func validate(json: JSONValue, catalog: ActivityCatalog = .builtIn) -> ValidationOutcome {
        run(DefinitionChecker(root: json, document: nil, catalog: catalog))
    }

    private static func run(_ checker: DefinitionChecker) -> ValidationOutcome {
        var checker = checker
        let draft = checker.checkWorkflow()
        if let draft {
            checker.checkReferences(draft)
            checker.checkEffectiveTimeouts(draft)
        }
        let diagnostics = sorted(checker.diagnostics)
        let definition = diagnostics.isEmpty ? draft?.definition : nil
        return ValidationOutcome(definition: definition, canonicalJSON: checker.root, diagnostics: diagnostics)
    }

    /// By (line, column, pointer, code), without exact repeats; unpositioned ones last.
    static func sorted(_ diagnostics: [Diagnostic]) -> [Diagnostic] {
        var seen = Set<Diagnostic>()
        let unique = diagnostics.filter { seen.insert($0).inserted }
        return unique.sorted { a, b in
            let left = (a.line ?? Int.max, a.column ?? Int.max)
            let right = (b.line ?? Int.max, b.column ?? Int.max)
            if left != right { return left < right }
            if a.pointer != b.pointer { return a.pointer < b.pointer }
            if a.code != b.code { return a.code.description < b.code.description }
            return a.message < b.message
        }
    }
}

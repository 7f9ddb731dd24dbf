import StrictJSON

/// Where in a workflow a template is evaluated; decides which roots it may read.
enum TemplatePlace: Sendable, Equatable {
    /// A step's `input` (once per element for `forEach` steps).
    case stepInput
    /// A compensation's `input`: may also read `${output}`.
    case compensationInput
    /// A step's `forEach`, evaluated once before there is any element.
    case forEach
    /// A step's `when`, evaluated once for the whole step.
    case when
    /// The workflow's `output`, evaluated after every step.
    case workflowOutput

    /// How messages name the place.
    var phrase: String {
        switch self {
        case .stepInput: "the step's input"
        case .compensationInput: "the compensation's input"
        case .forEach: "\"forEach\""
        case .when: "\"when\""
        case .workflowOutput: "the workflow's output"
        }
    }
}

/// One `${...}` expression found in a template string, with where it was written.
struct ExpressionUse: Sendable {
    /// The parsed expression.
    var expression: Expression
    /// The string that holds it.
    var pointer: JSONPointer
    /// Where the template is evaluated.
    var place: TemplatePlace
}

extension DefinitionChecker {
    /// Parses every string inside `value` as a template, reporting each syntax error at its own
    /// string and recording the expressions found. Nil when any string failed.
    mutating func template(_ value: JSONValue, at pointer: JSONPointer, place: TemplatePlace, uses: inout [ExpressionUse])
        -> Template?
    {
        guard collectExpressions(in: value, at: pointer, place: place, uses: &uses) else { return nil }
        // Every string parsed above, so the whole value parses too.
        return try? TemplateParser.parse(value)
    }

    /// A string that must be exactly one `${...}` expression (`forEach`, a string `when`); nil otherwise.
    mutating func singleExpression(_ value: JSONValue, at pointer: JSONPointer, place: TemplatePlace, uses: inout [ExpressionUse])
        -> Template?
    {
        guard case .string(let text) = value else { return nil }
        guard let parsed = template(value, at: pointer, place: place, uses: &uses) else { return nil }
        guard case .expression = parsed else {
            let code = place == .when ? Code.invalidCondition : Code.invalidTemplate
            let purpose = place == .when ? "evaluates to true or false" : "evaluates to an array"
            report(
                code, at: pointer,
                "\(place.phrase) must be exactly one \"${...}\" expression that \(purpose), e.g. \"${input.regions}\"; \"\(text)\" is not")
            return nil
        }
        return parsed
    }

    private mutating func collectExpressions(
        in value: JSONValue, at pointer: JSONPointer, place: TemplatePlace, uses: inout [ExpressionUse]
    ) -> Bool {
        switch value {
        case .string(let text):
            guard text.contains("${") else { return true }
            do {
                let parsed = try TemplateParser.parseString(text)
                uses += parsed.expressions.map { ExpressionUse(expression: $0, pointer: pointer, place: place) }
                return true
            } catch {
                report(Code.invalidTemplate, at: pointer, "invalid template in \(place.phrase): \(error.message)")
                return false
            }
        case .array(let elements):
            var valid = true
            for (index, element) in elements.enumerated() {
                valid = collectExpressions(in: element, at: pointer.appending(index), place: place, uses: &uses) && valid
            }
            return valid
        case .object(let object):
            var valid = true
            for member in object {
                valid =
                    collectExpressions(in: member.value, at: pointer.appending(member.key), place: place, uses: &uses)
                    && valid
            }
            return valid
        default:
            return true
        }
    }
}

extension TemplateParser {
    /// The string's template, or nil when it does not parse. A string without `${` is always its
    /// own literal (even `$${` contains `${`), so most strings skip the parser.
    static func parsedString(_ text: String) -> Template? {
        guard text.contains("${") else { return .literal(.string(text)) }
        return try? parseString(text)
    }
}

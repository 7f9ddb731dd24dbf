public import StrictJSON

/// What a template can read while it is evaluated.
public struct TemplateScope: Sendable {
    /// Workflow inputs after defaults were applied.
    public var inputs: JSONObject
    /// Results of completed steps; a `forEach` step's result is the array of its instances' results.
    public var stepOutputs: [String: JSONValue]
    /// The current `forEach` element.
    public var item: JSONValue?
    /// The current `forEach` position.
    public var index: Int?
    /// In a compensation, the result being undone.
    public var output: JSONValue?
    /// The execution's workflow id.
    public var executionId: String
    /// The execution's run id.
    public var runId: String

    /// Makes a scope.
    public init(
        inputs: JSONObject, stepOutputs: [String: JSONValue] = [:], item: JSONValue? = nil, index: Int? = nil,
        output: JSONValue? = nil, executionId: String = "", runId: String = ""
    ) {
        self.inputs = inputs
        self.stepOutputs = stepOutputs
        self.item = item
        self.index = index
        self.output = output
        self.executionId = executionId
        self.runId = runId
    }
}

extension Template {
    /// Evaluates the template in `scope`.
    public func evaluate(in scope: TemplateScope) throws(TemplateEvaluationError) -> JSONValue {
        switch self {
        case .literal(let value):
            return value
        case .expression(let expression):
            return try expression.evaluate(in: scope)
        case .interpolated(let parts):
            var text = ""
            for part in parts {
                switch part {
                case .text(let literal): text += literal
                case .expression(let expression): text += try expression.evaluate(in: scope).interpolationText
                }
            }
            return .string(text)
        case .array(let elements):
            var values: [JSONValue] = []
            values.reserveCapacity(elements.count)
            for element in elements { values.append(try element.evaluate(in: scope)) }
            return .array(values)
        case .object(let members):
            var object = JSONObject()
            for member in members { object[member.key] = try member.value.evaluate(in: scope) }
            return .object(object)
        }
    }
}

extension Expression {
    /// The referenced value.
    public func evaluate(in scope: TemplateScope) throws(TemplateEvaluationError) -> JSONValue {
        var value: JSONValue
        var described: String
        switch root {
        case .input(let name):
            guard let input = scope.inputs[name] else { throw fail(.missingValue, "the workflow has no input \"\(name)\"") }
            value = input
            described = "input.\(name)"
        case .stepOutput(let step):
            guard let output = scope.stepOutputs[step] else {
                throw fail(.missingValue, "step \"\(step)\" has no result (it has not completed, or it was skipped)")
            }
            value = output
            described = "steps.\(step).output"
        case .item:
            guard let item = scope.item else { throw fail(.missingValue, "${item} is only defined in a forEach step") }
            value = item
            described = "item"
        case .index:
            guard let index = scope.index else { throw fail(.missingValue, "${index} is only defined in a forEach step") }
            return .number(Double(index))
        case .output:
            guard let output = scope.output else { throw fail(.missingValue, "${output} is only defined in a compensation") }
            value = output
            described = "output"
        case .execution(let field):
            return .string(field == "runId" ? scope.runId : scope.executionId)
        }
        for component in path {
            switch component {
            case .key(let key):
                guard case .object(let object) = value else {
                    throw fail(.wrongType, "\(described) is \(value.typeName), not an object with \"\(key)\"")
                }
                guard let member = object[key] else {
                    let known = object.keys.sorted().joined(separator: ", ")
                    throw fail(.missingValue, "\(described) has no member \"\(key)\" (it has: \(known.isEmpty ? "none" : known))")
                }
                value = member
                described += ".\(key)"
            case .index(let index):
                guard case .array(let elements) = value else {
                    throw fail(.wrongType, "\(described) is \(value.typeName), not an array")
                }
                guard elements.indices.contains(index) else {
                    throw fail(.missingValue, "\(described) has \(elements.count) elements; [\(index)] is out of range")
                }
                value = elements[index]
                described += "[\(index)]"
            }
        }
        return value
    }

    private func fail(_ code: TemplateEvaluationError.Code, _ message: String) -> TemplateEvaluationError {
        TemplateEvaluationError(code: code, expression: source, message: message)
    }
}

extension Condition {
    /// Evaluates the condition in `scope`.
    public func evaluate(in scope: TemplateScope) throws(TemplateEvaluationError) -> Bool {
        switch self {
        case .value(let template):
            let value = try template.evaluate(in: scope)
            guard case .bool(let result) = value else {
                throw TemplateEvaluationError(
                    code: .wrongType, expression: "when", message: "must evaluate to true or false, not \(value.typeName)")
            }
            return result
        case .equals(let left, let right):
            return try left.evaluate(in: scope) == right.evaluate(in: scope)
        case .notEquals(let left, let right):
            return try left.evaluate(in: scope) != right.evaluate(in: scope)
        case .not(let condition):
            return try !condition.evaluate(in: scope)
        case .all(let conditions):
            for condition in conditions where try !condition.evaluate(in: scope) { return false }
            return true
        case .any(let conditions):
            for condition in conditions where try condition.evaluate(in: scope) { return true }
            return false
        }
    }
}

extension JSONValue {
    /// How a value reads inside an interpolated string: strings as themselves, others as JSON.
    public var interpolationText: String {
        if case .string(let text) = self { return text }
        return canonicalString()
    }
}

import StrictJSON

extension DefinitionChecker {
    /// A `when` condition: a `"${...}"` string, or an object with exactly one operator.
    mutating func condition(_ value: JSONValue, at pointer: JSONPointer, uses: inout [ExpressionUse], in what: String)
        -> Condition?
    {
        switch value {
        case .string:
            return singleExpression(value, at: pointer, place: .when, uses: &uses).map(Condition.value)
        case .object(let object):
            return conditionObject(object, at: pointer, uses: &uses, in: what)
        default:
            report(
                Code.invalidCondition, at: pointer,
                "a condition of \(what) must be a \"${...}\" string or an object with one of equals, notEquals, not, all, any; not \(value.article)"
            )
            return nil
        }
    }

    private mutating func conditionObject(
        _ object: JSONObject, at pointer: JSONPointer, uses: inout [ExpressionUse], in what: String
    ) -> Condition? {
        _ = members(of: .object(object), at: pointer, known: WorkflowFields.condition, in: "the condition of \(what)")
        let operators = WorkflowFields.condition.filter { object[$0] != nil }
        guard operators.count == 1, let name = operators.first, let operand = object[name] else {
            // An object holding only misspelt operators was reported as unknown fields already.
            if !operators.isEmpty || object.isEmpty {
                report(
                    Code.invalidCondition, at: pointer,
                    "a condition object needs exactly one of equals, notEquals, not, all, any; this one has \(Suggestions.list(operators)): nest them with \"all\" or \"any\""
                )
            }
            return nil
        }
        let here = pointer.appending(name)
        switch name {
        case "equals", "notEquals":
            guard case .array(let sides) = operand, sides.count == 2 else {
                report(
                    Code.invalidCondition, at: here,
                    "\"\(name)\" takes an array of exactly two values to compare, e.g. [\"${input.environment}\", \"production\"]")
                return nil
            }
            let left = template(sides[0], at: here.appending(0), place: .when, uses: &uses)
            let right = template(sides[1], at: here.appending(1), place: .when, uses: &uses)
            guard let left, let right else { return nil }
            return name == "equals" ? .equals(left, right) : .notEquals(left, right)
        case "not":
            return condition(operand, at: here, uses: &uses, in: what).map(Condition.not)
        default:
            return combination(name, operand, at: here, uses: &uses, in: what)
        }
    }

    /// `all` or `any`: a non-empty array of conditions.
    private mutating func combination(
        _ name: String, _ operand: JSONValue, at pointer: JSONPointer, uses: inout [ExpressionUse], in what: String
    ) -> Condition? {
        guard case .array(let elements) = operand, !elements.isEmpty else {
            report(Code.invalidCondition, at: pointer, "\"\(name)\" takes a non-empty array of conditions")
            return nil
        }
        var conditions: [Condition] = []
        for (index, element) in elements.enumerated() {
            if let parsed = condition(element, at: pointer.appending(index), uses: &uses, in: what) {
                conditions.append(parsed)
            }
        }
        guard conditions.count == elements.count else { return nil }
        return name == "all" ? .all(conditions) : .any(conditions)
    }
}
